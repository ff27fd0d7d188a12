package edge_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

func edgeProvider(t testing.TB, s *store.Store) string {
	t.Helper()
	p := model.Provider{Name: "Telco Edge", Driver: model.DriverSim, Jurisdiction: "BR", Certification: "public", Currency: "BRL", Kind: model.ProviderKindEdge}
	p.Defaults()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	err := s.InTx(context.Background(), func(tx *store.Tx) error { return tx.Providers().Create(context.Background(), &p, "prv") })
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// Rows spread over Brazil's states, n of them, in groups of 50.
func rows(n int) edge.ImportRequest {
	subs := []string{"BR-SP", "BR-RJ", "BR-MG", "BR-BA", "BR-PR", "BR-RS", "BR-PE", "BR-CE", "BR-AM", "BR-DF"}
	req := edge.ImportRequest{}
	for g := 0; g < (n+49)/50; g++ {
		req.Groups = append(req.Groups, edge.GroupSpec{Name: fmt.Sprintf("ring-%03d", g), Kind: model.GroupRing})
	}
	for i := 0; i < n; i++ {
		req.Subclouds = append(req.Subclouds, edge.Row{Name: fmt.Sprintf("edge-%05d", i), Latitude: -23.5 + float64(i%100)*0.01,
			Longitude: -46.6 + float64(i%77)*0.01, Subdivision: subs[i%len(subs)], Capacity: model.Capacity{VCPUs: 16, MemoryMiB: 65536, DiskGiB: 500},
			Endpoint: fmt.Sprintf("https://sc%d.example.net:6443", i), Group: fmt.Sprintf("ring-%03d", i/50)})
	}
	return req
}

func TestImportAllOrNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		prv := edgeProvider(t, s)
		req := rows(20)
		req.Subclouds[2].Subdivision = "BR-XX"
		req.Subclouds[4].Latitude = 91
		req.Subclouds[6].Group = "nowhere"
		req.Subclouds[8].Name = req.Subclouds[1].Name
		err := s.InTx(ctx, func(tx *store.Tx) error { _, err := edge.Import(ctx, tx, prv, req); return err })
		var ie *edge.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("want an ImportError, got %v", err)
		}
		got := map[string]bool{}
		for _, r := range ie.Rows {
			got[fmt.Sprintf("%d %s", r.Row, r.Field)] = true
			if r.Reason(i18n.ES) == r.Key || r.Reason(i18n.PTBR) == r.Reason(i18n.EN) {
				t.Errorf("row %d %s: reason not translated: %q", r.Row, r.Field, r.Reason(i18n.ES))
			}
		}
		for _, want := range []string{"3 subdivision", "5 latitude", "7 group", "9 name"} {
			if !got[want] {
				t.Errorf("no error for %s; got %v", want, got)
			}
		}
		if len(ie.Rows) != 4 {
			t.Errorf("want 4 row errors, got %d: %v", len(ie.Rows), ie)
		}
		n, err := s.Read().Sites().Count(ctx, map[string]string{"provider_id": prv})
		if err != nil || n != 0 {
			t.Fatalf("a bad import wrote %d sites (%v)", n, err)
		}
		if n, _ := s.Read().EdgeGroups().Count(ctx, nil); n != 0 {
			t.Fatalf("a bad import wrote %d groups", n)
		}

		var res edge.ImportResult
		good := rows(20)
		err = s.InTx(ctx, func(tx *store.Tx) error { var err error; res, err = edge.Import(ctx, tx, prv, good); return err })
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Subclouds) != 20 || res.GroupsCreated != 1 || res.Subclouds[0].PrivateKey == "" {
			t.Fatalf("result: %d subclouds, %d groups", len(res.Subclouds), res.GroupsCreated)
		}
		site, err := s.Read().Sites().Get(ctx, res.Subclouds[3].SiteID)
		if err != nil || site.Country != "BR" || site.Tier != model.TierEdge || site.Subdivision != "BR-BA" {
			t.Fatalf("site %+v, %v", site, err)
		}
		scs := []model.Subcloud{{Meta: model.Meta{ID: res.Subclouds[3].ID}}}
		if err := s.Read().FillSubcloudSites(ctx, scs); err != nil || len(scs[0].SiteIDs) != 1 || scs[0].SiteIDs[0] != site.ID {
			t.Fatalf("subcloud sites %v, %v", scs[0].SiteIDs, err)
		}
		// The same names again: every row is taken, nothing written.
		err = s.InTx(ctx, func(tx *store.Tx) error { _, err := edge.Import(ctx, tx, prv, rows(20)); return err })
		if !errors.As(err, &ie) || len(ie.Rows) != 20 || ie.Rows[0].Key != "field.name_taken" {
			t.Fatalf("re-import: %v", err)
		}
		if n, _ := s.Read().Sites().Count(ctx, map[string]string{"provider_id": prv}); n != 20 {
			t.Fatalf("%d sites after a refused re-import", n)
		}
	})
}

func TestImportRefusesACloudProvider(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	ctx := context.Background()
	p := model.Provider{Name: "Cloud", Driver: model.DriverSim, Jurisdiction: "BR", Certification: "public", Currency: "BRL"}
	p.Defaults()
	if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.Providers().Create(ctx, &p, "prv") }); err != nil {
		t.Fatal(err)
	}
	err := s.InTx(ctx, func(tx *store.Tx) error { _, err := edge.Import(ctx, tx, p.ID, rows(1)); return err })
	var ie *edge.ImportError
	if !errors.As(err, &ie) || ie.Rows[0].Key != "field.not_edge" {
		t.Fatalf("got %v", err)
	}
}

// TestImport10k measures the target of issue 21: 10,000 rows in under
// 10 s (reported, not asserted: timing never fails a test).
func TestImport10k(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("10,000 rows")
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		prv := edgeProvider(t, s)
		req := rows(10000)
		start := time.Now()
		err := s.InTx(ctx, func(tx *store.Tx) error { _, err := edge.Import(ctx, tx, prv, req); return err })
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("imported 10,000 subclouds in %s", time.Since(start).Round(time.Millisecond))
		if n, _ := s.Read().Sites().Count(ctx, map[string]string{"provider_id": prv}); n != 10000 {
			t.Fatalf("%d sites", n)
		}
	})
}
