package residency_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/residency"
	"github.com/soberana/soberana/internal/store"
)

// TestMisregisteredSiteShowsViolation: workloads that must stay in
// Brazil run; then one of their sites turns out to be registered in the
// wrong country (corrected to AR). The report, re-checked against the
// current registration, shows the violation in JSON, CSV and HTML.
func TestMisregisteredSiteShowsViolation(t *testing.T) {
	t.Parallel()
	h, _, d := opstest.StartDemo(t, config.Monitoring{})
	ctx := context.Background()
	srv := h.Server
	ids := opstest.CreateMany(t, srv.Workloads, 10, 2, d.Mixed)
	opstest.WaitRunning(t, srv.Store, ids, 30*time.Second)
	rep, err := residency.Build(ctx, srv.Store, "", i18n.EN)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Violations != 0 || rep.Placements == 0 {
		t.Fatalf("clean fleet: %d violations in %d placements", rep.Violations, rep.Placements)
	}
	site := rep.Rows[0].SiteID
	err = srv.Store.Write(ctx, func(tx *store.Tx) error {
		s, err := tx.Sites().Get(ctx, site)
		if err != nil {
			return err
		}
		s.Country, s.Subdivision = "AR", "AR-B"
		return tx.Sites().Update(ctx, &s)
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err = residency.Build(ctx, srv.Store, rep.Rows[0].InstitutionID, i18n.ES)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, r := range rep.Rows {
		if r.SiteID == site {
			if r.Verdict != residency.Violation || len(r.Violations) == 0 {
				t.Fatalf("row on the mis-registered site: %+v", r)
			}
			bad++
		} else if r.Verdict != residency.Compliant {
			t.Fatalf("row elsewhere flagged: %+v", r)
		}
	}
	if bad == 0 || rep.Violations != bad {
		t.Fatalf("violations %d, rows on site %d", rep.Violations, bad)
	}
	var csv, html bytes.Buffer
	if err := rep.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), residency.Violation) || !strings.Contains(csv.String(), "fuera de los países permitidos") {
		t.Fatalf("CSV lacks the violation:\n%s", csv.String())
	}
	if err := rep.WriteHTML(&html, i18n.ES); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "Informe de residencia") || !strings.Contains(html.String(), `class="violation"`) {
		t.Fatal("HTML lacks the title or the violation")
	}
	_ = model.StateRunning
}
