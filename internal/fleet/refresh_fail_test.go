package fleet

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// execDDL runs one schema change in its own transaction.
func execDDL(t *testing.T, s *store.Store, stmt string) {
	t.Helper()
	ctx := context.Background()
	if err := s.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, stmt)
		return err
	}); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// TestRefreshReadFails: when one of the fleet's tables cannot be read (a
// column renamed away under the server, here the exchange rates', read
// after the providers, sites and prices were), Refresh fails with the
// read's error and applies nothing of what it read: the fleet and the
// engine keep what they had, the change to the sites made meanwhile is not
// half applied, and the fleet is not taken for current — once the table
// reads again, the next Refresh (not forced) reloads and sees the change.
func TestRefreshReadFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f, ids := loadedEdge(t, s, edgeSP, edgeRJ)
		a, b := ids[0], ids[1]
		sites, provs := f.Engine().SiteCount(), len(f.Providers())
		reloads := 0
		f.afterRead = func() { reloads++ }

		// A change the fleet must pick up, then the table that fails.
		editSite(t, s, b, func(site *model.Site) { site.Name = "edge-1 renamed" })
		editSite(t, s, a, func(site *model.Site) { site.Tier = "no-such-tier" }) // the reload would drop it
		execDDL(t, s, "ALTER TABLE fx_rates RENAME COLUMN rate TO rate_gone")
		err := f.Refresh(ctx, false)
		if err == nil {
			t.Fatal("Refresh with an unreadable table succeeded")
		}
		if reloads != 0 {
			t.Fatalf("a failed read was applied (%d reloads)", reloads)
		}
		if got, ok := f.Site(b); !ok || got.Name != "edge-1" {
			t.Fatalf("after a failed refresh the fleet holds site %+v (%v), want the old edge-1", got, ok)
		}
		if _, ok := f.Site(a); !ok || f.Engine().SiteCount() != sites || len(f.Providers()) != provs {
			t.Fatalf("a failed refresh changed the fleet: site %s present %v, %d sites (had %d), %d providers (had %d)",
				a, ok, f.Engine().SiteCount(), sites, len(f.Providers()), provs)
		}
		// Failing again while the table stays unreadable changes nothing.
		if err := f.Refresh(ctx, true); err == nil || reloads != 0 {
			t.Fatalf("forced Refresh with an unreadable table: %v, %d reloads", err, reloads)
		}

		execDDL(t, s, "ALTER TABLE fx_rates RENAME COLUMN rate_gone TO rate")
		if err := f.Refresh(ctx, false); err != nil {
			t.Fatalf("Refresh once the table reads again: %v", err)
		}
		if reloads != 1 {
			t.Fatalf("%d reloads once the table reads again, want 1: the failed refresh left the fleet taken for current", reloads)
		}
		if got, ok := f.Site(b); !ok || got.Name != "edge-1 renamed" {
			t.Fatalf("after the table reads again: site %+v (%v), want it renamed", got, ok)
		}
		if _, ok := f.Site(a); ok || f.Engine().SiteCount() != sites-1 {
			t.Fatalf("after the table reads again: site %s still present %v, %d sites in the engine (want %d)", a, ok, f.Engine().SiteCount(), sites-1)
		}
	})
}

// TestRefreshFingerprintFails: when the fleet's fingerprint cannot be read
// (its change counters, fleet_versions, renamed away) Refresh fails
// before reading anything and the fleet keeps what it had; a later
// Refresh reloads once it can.
func TestRefreshFingerprintFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f, ids := loadedEdge(t, s, edgeSP)
		site := ids[0]
		reloads := 0
		f.afterRead = func() { reloads++ }
		editSite(t, s, site, func(row *model.Site) { row.Name = "edge-0 renamed" })
		execDDL(t, s, "ALTER TABLE fleet_versions RENAME TO fleet_versions_gone")
		if err := f.Refresh(ctx, true); err == nil || reloads != 0 {
			t.Fatalf("Refresh without the change counters: %v, %d reloads", err, reloads)
		}
		if got, ok := f.Site(site); !ok || got.Name != "edge-0" {
			t.Fatalf("after a failed refresh: site %+v (%v), want edge-0 as loaded", got, ok)
		}
		execDDL(t, s, "ALTER TABLE fleet_versions_gone RENAME TO fleet_versions")
		if err := f.Refresh(ctx, false); err != nil {
			t.Fatal(err)
		}
		if got, ok := f.Site(site); !ok || got.Name != "edge-0 renamed" || reloads != 1 {
			t.Fatalf("once the table is back: site %+v (%v), %d reloads; want renamed, 1", got, ok, reloads)
		}
	})
}
