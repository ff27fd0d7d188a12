package fleet

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestRefreshDoesNotUndoHealth: a refresh that read the sites just before
// a batch of health changes committed must not put the old health back in
// the engine after the batch set the new one (the batch waits for it).
// Without the batch holding the refresh lock, the refresh applies its
// stale rows over the batch and the site is healthy again until the next
// change of the tables.
func TestRefreshDoesNotUndoHealth(t *testing.T) {
	s := storetest.SQLite(t)
	ctx := context.Background()
	f, ids := loadedEdge(t, s, edgeSP)
	site := ids[0]
	if f.Down(site) {
		t.Fatal("the site starts down")
	}
	written := make(chan error, 1)
	f.afterRead = func() {
		f.afterRead = nil
		// The refresh holds the rows of before; the batch lands now.
		go func() {
			written <- f.SetSitesHealth(ctx, []HealthChange{{SiteID: site, Health: model.HealthDown}}, nil)
		}()
		select {
		case err := <-written: // it did not wait for the refresh
			written <- err
		case <-time.After(300 * time.Millisecond):
		}
	}
	if err := f.Refresh(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := <-written; err != nil {
		t.Fatal(err)
	}
	if !f.Down(site) {
		t.Fatal("a refresh that read the sites before the batch committed put the site back up")
	}
}

// TestHealthBatchNeedsNoReload: on SQLite a batch of health changes
// leaves the fleet current (the engine holds the new health and the
// sites' fingerprint moves with the batch), so the next Refresh reloads
// nothing — at 10,000 edge sites a reload is 150 ms of CPU after every
// change. A change the fleet had not loaded before the batch is not
// hidden by it: that Refresh reloads and sees it. On PostgreSQL, where
// other transactions commit between the batch's reads, it reloads.
func TestHealthBatchNeedsNoReload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f, ids := loadedEdge(t, s, edgeSP, edgeRJ)
		a, b := ids[0], ids[1]
		reloads := 0
		f.afterRead = func() { reloads++ }
		s.SetClock(func() time.Time { return time.Now().Add(time.Minute) }) // a later updated_at
		if err := f.SetSitesHealth(ctx, []HealthChange{{SiteID: a, Health: model.HealthDown}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := f.Refresh(ctx, false); err != nil {
			t.Fatal(err)
		}
		want := 0
		if s.Dialect() != store.SQLite {
			want = 1
		}
		if reloads != want || !f.Down(a) {
			t.Fatalf("after a health batch: %d reloads (want %d), site down %v", reloads, want, f.Down(a))
		}
		// A rename the fleet has not loaded, then another batch.
		editSite(t, s, b, func(site *model.Site) { site.Name = "edge-1 renamed" })
		s.SetClock(func() time.Time { return time.Now().Add(2 * time.Minute) })
		if err := f.SetSitesHealth(ctx, []HealthChange{{SiteID: a, Health: model.HealthHealthy}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := f.Refresh(ctx, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.Site(b); got.Name != "edge-1 renamed" || reloads != want+1 {
			t.Fatalf("a change before the batch: %d reloads (want %d), site named %q", reloads, want+1, got.Name)
		}
		if f.Down(a) {
			t.Fatal("the site is still down in the engine")
		}
	})
}

// edgeSP and edgeRJ are the edge sites the fleet tests load, in São
// Paulo and in Rio de Janeiro.
var (
	edgeSP = edge.Row{Name: "edge-0", Latitude: -23.5, Longitude: -46.6, Subdivision: "BR-SP"}
	edgeRJ = edge.Row{Name: "edge-1", Latitude: -22.9, Longitude: -43.2, Subdivision: "BR-RJ"}
)

// loadedEdge imports rows as importEdge does and loads a new fleet over
// them; it returns the fleet and the sites' ids, in rows' order.
func loadedEdge(t *testing.T, s *store.Store, rows ...edge.Row) (*Fleet, []string) {
	t.Helper()
	res := importEdge(t, s, rows...)
	f := New(s, placement.New(placement.Options{}), nil)
	if err := f.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	sites := make([]string, len(res.Subclouds))
	for i, sc := range res.Subclouds {
		sites[i] = sc.SiteID
	}
	return f, sites
}

// importEdge makes an edge provider and imports rows as its subclouds,
// each of 4 vCPUs, 8 GiB and 100 GiB in one ring group.
func importEdge(t testing.TB, s *store.Store, rows ...edge.Row) edge.ImportResult {
	t.Helper()
	ctx := context.Background()
	p := model.Provider{Name: "Telco Edge", Driver: model.DriverSim, Jurisdiction: "BR", Certification: "public", Currency: "BRL", Kind: model.ProviderKindEdge}
	p.Defaults()
	for i := range rows {
		rows[i].Capacity, rows[i].Group = model.Capacity{VCPUs: 4, MemoryMiB: 8192, DiskGiB: 100}, "ring-0"
	}
	var res edge.ImportResult
	err := s.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
			return err
		}
		var err error
		res, err = edge.Import(ctx, tx, p.ID, edge.ImportRequest{Groups: []edge.GroupSpec{{Name: "ring-0", Kind: model.GroupRing}}, Subclouds: rows})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestRefreshRemovesSkippedSites: a site the reload skips (its row no
// longer converts) leaves the fleet and the placement engine at the next
// Refresh (the swap removes what the reload no longer has).
func TestRefreshRemovesSkippedSites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f, ids := loadedEdge(t, s, edgeSP)
		site := ids[0]
		loaded := f.Engine().SiteCount()
		// The site's tier no longer converts: the reload skips it.
		editSite(t, s, site, func(row *model.Site) { row.Tier = "no-such-tier" })
		if err := f.Refresh(ctx, false); err != nil {
			t.Fatal(err)
		}
		if _, ok := f.Site(site); ok || f.Engine().SiteCount() != loaded-1 {
			t.Fatalf("after the reload skipped the site: in the fleet %v, %d sites in the engine (had %d)", ok, f.Engine().SiteCount(), loaded)
		}
	})
}

// editSite changes one site's row in its own transaction.
func editSite(t *testing.T, s *store.Store, id string, edit func(*model.Site)) {
	t.Helper()
	ctx := context.Background()
	err := s.InTx(ctx, func(tx *store.Tx) error {
		row, err := tx.Sites().Get(ctx, id)
		if err != nil {
			return err
		}
		edit(&row)
		return tx.Sites().Update(ctx, &row)
	})
	if err != nil {
		t.Fatal(err)
	}
}
