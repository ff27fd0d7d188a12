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
	p := model.Provider{Name: "Telco Edge", Driver: model.DriverSim, Jurisdiction: "BR", Certification: "public", Currency: "BRL", Kind: model.ProviderKindEdge}
	p.Defaults()
	var res edge.ImportResult
	err := s.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
			return err
		}
		var err error
		res, err = edge.Import(ctx, tx, p.ID, edge.ImportRequest{
			Groups:    []edge.GroupSpec{{Name: "ring-0", Kind: model.GroupRing}},
			Subclouds: []edge.Row{{Name: "edge-0", Latitude: -23.5, Longitude: -46.6, Subdivision: "BR-SP", Capacity: model.Capacity{VCPUs: 4, MemoryMiB: 8192, DiskGiB: 100}, Group: "ring-0"}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	site := res.Subclouds[0].SiteID
	f := New(s, placement.New(placement.Options{}), nil)
	if err := f.Load(ctx); err != nil {
		t.Fatal(err)
	}
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
