package reconcile_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/reconcile"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// sharedCloud is the sim driver of a cloud that also holds resources
// soberana's database knows nothing of: one of this installation's (a
// real orphan), one of another installation on the same cloud, one made
// before installations had ids. It records every Delete.
type sharedCloud struct {
	*sim.Driver
	providerID string
	extra      []provider.Resource

	mu      sync.Mutex
	deleted map[string]bool
}

func (d *sharedCloud) ListResources(ctx context.Context, providerID string) ([]provider.Resource, error) {
	list, err := d.Driver.ListResources(ctx, providerID)
	if err != nil || providerID != d.providerID {
		return list, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range d.extra {
		if !d.deleted[r.ReplicaID] {
			list = append(list, r)
		}
	}
	return list, nil
}

func (d *sharedCloud) Delete(ctx context.Context, ref provider.ResourceRef) error {
	if ref.ProviderID == d.providerID {
		d.mu.Lock()
		for _, r := range d.extra {
			if r.ReplicaID == ref.ReplicaID {
				d.deleted[ref.ReplicaID] = true
				d.mu.Unlock()
				return nil
			}
		}
		d.mu.Unlock()
	}
	return d.Driver.Delete(ctx, ref)
}

func (d *sharedCloud) wasDeleted(replicaID string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.deleted[replicaID]
}

// TestOrphanSweepDeletesOnlyItsOwn: with the grace period shortened, the
// sweep deletes the orphan carrying this installation's id (and audits
// it), and never the other installation's resource nor the unstamped one
// — which it reports as kept.
func TestOrphanSweepDeletesOnlyItsOwn(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Configure: func(c *config.Config) {
		c.Reconcile.OrphanEvery = 20 * time.Millisecond
		c.Reconcile.OrphanGrace = 50 * time.Millisecond
	}})
	ctx := context.Background()
	own := h.Server.Installation.ID
	if own == "" {
		t.Fatal("the server has no installation id")
	}
	provs := h.Server.Fleet.Providers()
	if len(provs) == 0 {
		t.Fatal("no demo providers")
	}
	pid := provs[0].ID
	drv := &sharedCloud{Driver: h.Server.Sim, providerID: pid, deleted: map[string]bool{}, extra: []provider.Resource{
		{ResourceID: "res-own", ReplicaID: "pl_own_orphan", State: provider.StateActive, Installation: own},
		{ResourceID: "res-other", ReplicaID: "pl_other_installation", State: provider.StateActive, Installation: "inst_someone_else"},
		{ResourceID: "res-old", ReplicaID: "pl_unstamped", State: provider.StateActive},
	}}
	h.Server.Drivers.Set(sim.Name, drv)

	deadline := time.Now().Add(30 * time.Second)
	for !drv.wasDeleted("pl_own_orphan") {
		if time.Now().After(deadline) {
			t.Fatalf("the own orphan was never deleted; orphans: %+v", h.Server.Reconciler.Orphans())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The sweep that deleted it went on through the list; wait for the
	// next one (it no longer lists the deleted orphan): by then the others
	// were past their grace period twice.
	seen := map[string]reconcile.Orphan{}
	for {
		clear(seen)
		for _, o := range h.Server.Reconciler.Orphans() {
			seen[o.ReplicaID] = o
		}
		if _, still := seen["pl_own_orphan"]; !still && len(seen) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sweep after the deletion: %+v", seen)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if drv.wasDeleted("pl_other_installation") || drv.wasDeleted("pl_unstamped") {
		t.Fatalf("the sweep deleted what it cannot prove is its own: %v", drv.deleted)
	}
	if o, ok := seen["pl_unstamped"]; !ok || o.Kept != reconcile.OrphanUnstamped {
		t.Fatalf("the unstamped resource is not reported as kept: %+v", seen)
	}
	if _, ok := seen["pl_other_installation"]; ok {
		t.Fatalf("another installation's resource is reported as this one's orphan: %+v", seen)
	}
	evs, err := h.Server.Store.Read().AuditEvents(ctx, store.AuditFilter{Action: "orphan.deleted", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].TargetID != pid+"/res-own" || evs[0].ActorName != "system:reconcile" {
		t.Fatalf("audit of the orphan's deletion: %+v", evs)
	}
}
