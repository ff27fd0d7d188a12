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
// Refresh (the swap removes what the reload no longer has).
func TestRefreshRemovesSkippedSites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		site := importEdge(t, s, edge.Row{Name: "edge-0", Latitude: -23.5, Longitude: -46.6, Subdivision: "BR-SP"}).Subclouds[0].SiteID
		f := New(s, placement.New(placement.Options{}), nil)
		if err := f.Load(ctx); err != nil {
			t.Fatal(err)
		}
		loaded := f.Engine().SiteCount()
		// The site's tier no longer converts: the reload skips it.
		err := s.InTx(ctx, func(tx *store.Tx) error {
			row, err := tx.Sites().Get(ctx, site)
			if err != nil {
				return err
			}
			row.Tier = "no-such-tier"
			return tx.Sites().Update(ctx, &row)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Refresh(ctx, false); err != nil {
			t.Fatal(err)
		}
		if _, ok := f.Site(site); ok || f.Engine().SiteCount() != loaded-1 {
			t.Fatalf("after the reload skipped the site: in the fleet %v, %d sites in the engine (had %d)", ok, f.Engine().SiteCount(), loaded)
		}
	})
}
