package residency_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/residency"
	"github.com/soberana/soberana/internal/store"
)

// TestOldForeignPlacementFlagged: a workload placed on the US-jurisdiction
// provider's Brazilian site while the ministry's policy admitted any
// jurisdiction (as every request did before data policies) keeps running
// after the policy becomes national. The report judges the placement
// against the policy as it stands: non-compliant, with the
// foreign-jurisdiction exposure named, in the reader's language — while
// under the open policy the same placement was compliant but already
// flagged as foreign.
func TestOldForeignPlacementFlagged(t *testing.T) {
	t.Parallel()
	h, _, d := opstest.StartDemo(t, config.Monitoring{}) // the ministry's policy is open
	ctx := context.Background()
	srv := h.Server
	us := d.Providers["Global Hyperscale LatAm (sim)"]
	w := opstest.CreateRunning(t, h, d.Internal(1, model.SovereigntyAny, "BR"))
	row := func(rep residency.Report) residency.Row {
		t.Helper()
		for _, r := range rep.Rows {
			if r.WorkloadID == w.ID {
				return r
			}
		}
		t.Fatalf("no row of %s in %+v", w.ID, rep)
		return residency.Row{}
	}
	rep, err := residency.Build(ctx, srv.Store, w.InstitutionID, i18n.EN)
	if err != nil {
		t.Fatal(err)
	}
	r := row(rep)
	if r.ProviderID != us.ID || r.Jurisdiction != "US" {
		t.Fatalf("the cheapest site in Brazil should be the US provider's: %+v", r)
	}
	if r.Verdict != residency.Compliant || !r.ForeignJurisdiction || r.PolicySovereignty != model.SovereigntyAny || rep.ForeignExposure < 1 {
		t.Fatalf("under the open policy: %+v (foreign exposure %d)", r, rep.ForeignExposure)
	}

	// The ministry's policy becomes the sovereign default.
	err = srv.Store.Write(ctx, func(tx *store.Tx) error {
		in, err := tx.Institutions().Get(ctx, w.InstitutionID)
		if err != nil {
			return err
		}
		in.DataPolicy = model.DataPolicy{}
		return tx.Institutions().Update(ctx, &in)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[i18n.Lang]string{
		i18n.EN:   "foreign-jurisdiction exposure — the provider is under the law of US and the site is in BR",
		i18n.ES:   "exposición a jurisdicción extranjera — el proveedor está bajo la ley de US y el sitio está en BR",
		i18n.PTBR: "exposição a jurisdição estrangeira — o provedor está sob a lei de US e o site está em BR",
	}
	for lang, text := range want {
		rep, err = residency.Build(ctx, srv.Store, w.InstitutionID, lang)
		if err != nil {
			t.Fatal(err)
		}
		r = row(rep)
		if r.Verdict != residency.Violation || !r.ForeignJurisdiction || r.PolicySovereignty != model.SovereigntyNational ||
			!strings.Contains(strings.Join(r.Violations, "; "), text) {
			t.Fatalf("%s: old foreign placement under a national policy: %+v", lang, r)
		}
	}
	var csv, html bytes.Buffer
	if err := rep.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), "foreign_jurisdiction,policy_sovereignty,data_policy") ||
		!strings.Contains(csv.String(), "true,national,sovereignty national; countries BR") {
		t.Fatalf("CSV lacks the exposure:\n%s", csv.String())
	}
	if err := rep.WriteHTML(&html, i18n.PTBR); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "Exposição a jurisdição estrangeira") || !strings.Contains(html.String(), `class="foreign"`) {
		t.Fatalf("HTML lacks the exposure:\n%s", html.String())
	}
}
