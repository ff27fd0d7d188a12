package fleet

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestRefreshRemovesSkippedSites: a site the reload skips (its row no
// longer converts) leaves the fleet and the placement engine at the next
// Refresh (the swap removes what the reload no longer has); the other
// site stays.
func TestRefreshRemovesSkippedSites(t *testing.T) {
	s := storetest.SQLite(t)
	ctx := context.Background()
	res := importEdge(t, s, edge.Row{Name: "edge-0", Latitude: -23.5, Longitude: -46.6, Subdivision: "BR-SP"},
		edge.Row{Name: "edge-1", Latitude: -22.9, Longitude: -43.2, Subdivision: "BR-RJ"})
	a, b := res.Subclouds[0].SiteID, res.Subclouds[1].SiteID
	f := New(s, placement.New(placement.Options{}), nil)
	if err := f.Load(ctx); err != nil {
		t.Fatal(err)
	}
	before := f.Engine().SiteCount()
	if _, ok := f.Site(b); !ok || before < 2 {
		t.Fatalf("loaded %d sites, edge-1 loaded %v", before, ok)
	}
	// The site's tier no longer converts: the reload skips it.
	err := s.InTx(ctx, func(tx *store.Tx) error {
		site, err := tx.Sites().Get(ctx, b)
		if err != nil {
			return err
		}
		site.Tier = "no-such-tier"
		return tx.Sites().Update(ctx, &site)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Site(b); ok {
		t.Fatal("the skipped site is still in the fleet")
	}
	if _, ok := f.Site(a); !ok {
		t.Fatal("the other site left the fleet")
	}
	if n := f.Engine().SiteCount(); n != before-1 {
		t.Fatalf("the engine holds %d sites after the skip, want %d", n, before-1)
	}
}
