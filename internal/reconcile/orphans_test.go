package reconcile_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/reconcile"
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
	deleted map[string]int // deletes asked, by replica id
	lists   int
}

func (d *sharedCloud) ListResources(ctx context.Context, providerID string) ([]provider.Resource, error) {
	list, err := d.Driver.ListResources(ctx, providerID)
	if err != nil || providerID != d.providerID {
		return list, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lists++
	for _, r := range d.extra {
		if d.deleted[r.ReplicaID] > 0 {
			r.State = provider.StateBuilding // going away, still listed (a terminating namespace)
		}
		list = append(list, r)
	}
	return list, nil
}

func (d *sharedCloud) Delete(ctx context.Context, ref provider.ResourceRef) error {
	if ref.ProviderID == d.providerID {
		d.mu.Lock()
		for _, r := range d.extra {
			if r.ReplicaID == ref.ReplicaID {
				d.deleted[ref.ReplicaID]++
				d.mu.Unlock()
				return nil
			}
		}
		d.mu.Unlock()
	}
	return d.Driver.Delete(ctx, ref)
}

// unstamped is the sim driver of a cloud whose resources were made before
// installations had ids: it lists them without one until stamped.
type unstamped struct {
	*sim.Driver
	mu      sync.Mutex
	stamped map[string]bool
}

func (d *unstamped) ListResources(ctx context.Context, providerID string) ([]provider.Resource, error) {
	list, err := d.Driver.ListResources(ctx, providerID)
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range list {
		if !d.stamped[list[i].ReplicaID] {
			list[i].Installation = ""
		}
	}
	return list, err
}

func (d *unstamped) Stamp(_ context.Context, _ string, res provider.Resource) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stamped[res.ReplicaID] = true
	return nil
}

func (d *unstamped) isStamped(replicaID string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stamped[replicaID]
}

// TestSweepStampsLiveUnstampedResources: the resource of a live replica
// that carries no installation id (made before ids) is stamped by the
// sweep, and never deleted.
func TestSweepStampsLiveUnstampedResources(t *testing.T) {
	t.Parallel()
	h := startSweeping(t, false, 20*time.Millisecond, 0)
	drv := &unstamped{Driver: h.Server.Sim, stamped: map[string]bool{}}
	h.Server.Drivers.Set(sim.Name, drv)
	w := postOneReplica(t, h)
	opstest.Eventually(t, 30*time.Second, "the live replica's resource stamped", func() (bool, string) {
		return drv.isStamped(w.Placements[0].ID), "workload " + w.ID
	})
	wantWorkloadAlive(t, h, w.ID, "after stamping")
}

func (d *sharedCloud) deletes(replicaID string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.deleted[replicaID]
}

func (d *sharedCloud) listed() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lists
}

// TestOrphanSweepDeletesOnlyItsOwn: with the grace period shortened, the
// sweep deletes the orphan carrying this installation's id (and audits
// it), and never the other installation's resource nor the unstamped one
// — which it reports as kept.
func TestOrphanSweepDeletesOnlyItsOwn(t *testing.T) {
	t.Parallel()
	h := startSweeping(t, false, 50*time.Millisecond, 0)
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
	drv := &sharedCloud{Driver: h.Server.Sim, providerID: pid, deleted: map[string]int{}, extra: []provider.Resource{
		{ResourceID: "res-own", ReplicaID: "pl_own_orphan", State: provider.StateActive, Installation: own},
		{ResourceID: "res-other", ReplicaID: "pl_other_installation", State: provider.StateActive, Installation: "inst_someone_else"},
		{ResourceID: "res-old", ReplicaID: "pl_unstamped", State: provider.StateActive},
	}}
	h.Server.Drivers.Set(sim.Name, drv)

	opstest.Eventually(t, 30*time.Second, "the own orphan deleted", func() (bool, string) {
		return drv.deletes("pl_own_orphan") > 0, fmt.Sprintf("orphans: %+v", h.Server.Reconciler.Orphans())
	})
	// Three more sweeps, the orphan still listed as going away: by then
	// the others were long past their grace period, and the deleted one
	// must not be deleted (nor audited) again.
	n := drv.listed() + 3
	opstest.Eventually(t, 30*time.Second, "three more sweeps", func() (bool, string) {
		got := drv.listed()
		return got >= n, fmt.Sprintf("the sweep stopped at %d lists, want %d", got, n)
	})
	seen := map[string]reconcile.Orphan{}
	for _, o := range h.Server.Reconciler.Orphans() {
		seen[o.ReplicaID] = o
	}
	if n := drv.deletes("pl_own_orphan"); n != 1 {
		t.Errorf("the own orphan was deleted %d times, want once", n)
	}
	if drv.deletes("pl_other_installation") > 0 || drv.deletes("pl_unstamped") > 0 {
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
