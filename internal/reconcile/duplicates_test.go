package reconcile_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// dupCloud is the sim driver of a cloud that, besides each replica's
// resource, holds a second one for one live replica — what a create whose
// outcome was unknown followed by a retry leaves behind. It records every
// deletion that reaches it.
type dupCloud struct {
	*sim.Driver

	mu         sync.Mutex
	providerID string
	dup        provider.Resource // the duplicate, once planted
	others     []provider.Resource
	hide       string // a resource id the list leaves out
	lists      int
	dupDeletes int
	deletes    map[string]int // Delete and DeleteResource calls by resource id ("" when none given)
}

func (d *dupCloud) ListResources(ctx context.Context, providerID string) ([]provider.Resource, error) {
	list, err := d.Driver.ListResources(ctx, providerID)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil || providerID != d.providerID {
		return list, err
	}
	d.lists++
	for i := 0; i < len(list); i++ {
		if list[i].ResourceID == d.hide {
			list = append(list[:i], list[i+1:]...)
			i--
		}
	}
	list = append(list, d.others...)
	if d.dup.ResourceID == "" {
		return list, nil
	}
	dup := d.dup
	dup.Deleting = d.dupDeletes > 0 // going away, still listed a while
	// Listed first, so that a resync that judged the first resource of a
	// replica would take the duplicate going away for the replica deleted.
	return append([]provider.Resource{dup}, list...), nil
}

func (d *dupCloud) Delete(ctx context.Context, ref provider.ResourceRef) error {
	d.mu.Lock()
	d.deletes[ref.ResourceID]++
	d.mu.Unlock()
	return d.Driver.Delete(ctx, ref)
}

func (d *dupCloud) DeleteResource(ctx context.Context, providerID string, res provider.Resource) error {
	d.mu.Lock()
	d.deletes[res.ResourceID]++
	if providerID == d.providerID && res.ResourceID == d.dup.ResourceID {
		d.dupDeletes++
		d.mu.Unlock()
		return nil
	}
	d.mu.Unlock()
	return d.Driver.DeleteResource(ctx, providerID, res)
}

func (d *dupCloud) deleted(resourceID string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.deletes[resourceID]
}

// TestSweepDeletesDuplicateOfLiveReplica: a second resource carrying a
// live replica's id and this installation's id is deleted by its id after
// the grace period, audited as duplicate.deleted, and reported; the
// placement's own resource is never touched.
// On SQLite and, when SOBERANA_TEST_POSTGRES_URL is set, PostgreSQL.
func TestSweepDeletesDuplicateOfLiveReplica(t *testing.T) {
	t.Parallel()
	servertest.BothStores(t, sweepDeletesDuplicate)
}

func sweepDeletesDuplicate(t *testing.T, pg bool) {
	h, drv, pl, workloadID := startReplica(t, pg, 50*time.Millisecond)
	ctx := context.Background()
	replica := pl.ID
	drv.mu.Lock()
	drv.dup = provider.Resource{ResourceID: "res-dup", SiteID: pl.SiteID, ReplicaID: replica, WorkloadID: workloadID,
		State: provider.StateActive, Simulated: true, Installation: h.Server.Installation.ID}
	drv.mu.Unlock()

	opstest.Eventually(t, 30*time.Second, "the duplicate deleted", func() (bool, string) {
		return drv.deleted("res-dup") > 0, fmt.Sprintf("orphans: %+v", h.Server.Reconciler.Orphans())
	})
	// A few more sweeps and resyncs with the duplicate still listed (going
	// away): it is not deleted again, the placement's resource is never
	// touched, and the replica is not taken for deleted.
	lists := h.Server.Reconciler.ResyncLists(pl.ProviderID) + 3
	polls := 0
	opstest.Eventually(t, 30*time.Second, "the duplicate reported over three more resyncs", func() (bool, string) {
		polls++
		reported := false
		for _, o := range h.Server.Reconciler.Orphans() {
			reported = reported || (o.Duplicate && o.ResourceID == "res-dup" && o.ReplicaID == replica)
		}
		return polls > 3 && reported && h.Server.Reconciler.ResyncLists(pl.ProviderID) >= lists,
			fmt.Sprintf("reported %v; orphans: %+v", reported, h.Server.Reconciler.Orphans())
	})
	if n := drv.deleted("res-dup"); n != 1 {
		t.Errorf("the duplicate was deleted %d times, want once", n)
	}
	if n := drv.deleted(pl.ResourceID) + drv.deleted(""); n != 0 {
		t.Fatalf("the placement's own resource %s was deleted %d times", pl.ResourceID, n)
	}
	if r, err := h.Server.Store.Read().SimGet(ctx, pl.ProviderID, replica); err != nil || r.ResourceID != pl.ResourceID {
		t.Fatalf("the placement's resource after the sweep: %+v %v", r, err)
	}
	if now, err := h.Server.Store.Read().PlacementByID(ctx, replica); err != nil || now.State != model.PlacementRunning || now.ResourceID != pl.ResourceID {
		t.Fatalf("the placement after the sweeps and resyncs: %s %s %v; want running on %s", now.State, now.ResourceID, err, pl.ResourceID)
	}
	evs, err := h.Server.Store.Read().AuditEvents(ctx, store.AuditFilter{Action: "duplicate.deleted", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].TargetID != pl.ProviderID+"/res-dup" || evs[0].ActorName != "system:reconcile" {
		t.Fatalf("audit of the duplicate's deletion: %+v", evs)
	}
	wantWorkloadAlive(t, h, workloadID, "after the sweep")
}

// startReplica starts a server whose sim driver is a dupCloud, sweeping
// every 20 ms with a 50 ms grace, and runs one replica until its placement
// has a resource.
func startReplica(t *testing.T, pg bool, resync time.Duration) (*servertest.Harness, *dupCloud, store.PlacementRow, string) {
	h := startSweeping(t, pg, 50*time.Millisecond, resync)
	drv := &dupCloud{Driver: h.Server.Sim, deletes: map[string]int{}}
	h.Server.Drivers.Set(sim.Name, drv)
	ctx := context.Background()
	w := postOneReplica(t, h)
	replica := w.Placements[0].ID
	var pl store.PlacementRow
	opstest.Eventually(t, 30*time.Second, "the replica getting a resource", func() (bool, string) {
		var err error
		pl, err = h.Server.Store.Read().PlacementByID(ctx, replica)
		return err == nil && pl.ResourceID != "", fmt.Sprintf("%+v %v", pl, err)
	})
	drv.mu.Lock()
	drv.providerID = pl.ProviderID
	drv.mu.Unlock()
	return h, drv, pl, w.ID
}

// TestSweepKeepsDuplicatesItCannotJudge: a second resource of a live
// replica is never deleted when it carries another installation's id, nor
// while the placement's own resource is missing from the list (nothing
// then proves which one the replica runs on).
func TestSweepKeepsDuplicatesItCannotJudge(t *testing.T) {
	t.Parallel()
	h, drv, pl, workloadID := startReplica(t, false, time.Hour)
	sweeps := func(n int) {
		drv.mu.Lock()
		want := drv.lists + n
		drv.mu.Unlock()
		opstest.Eventually(t, 30*time.Second, fmt.Sprintf("%d more sweeps", n), func() (bool, string) {
			drv.mu.Lock()
			got := drv.lists
			drv.mu.Unlock()
			return got >= want, fmt.Sprintf("the sweep stopped at %d lists, want %d", got, want)
		})
	}
	drv.mu.Lock()
	drv.others = []provider.Resource{{ResourceID: "res-foreign", SiteID: pl.SiteID, ReplicaID: pl.ID, WorkloadID: workloadID,
		State: provider.StateActive, Simulated: true, Installation: "inst_someone_else"}}
	drv.mu.Unlock()
	sweeps(8) // 8 sweeps of 20 ms: well past the 50 ms grace
	drv.mu.Lock()
	// Two resources of this installation for the replica, neither the
	// placement's (hidden from the list).
	drv.others = []provider.Resource{{ResourceID: "res-unproven-2", SiteID: pl.SiteID, ReplicaID: pl.ID, WorkloadID: workloadID,
		State: provider.StateActive, Simulated: true, Installation: h.Server.Installation.ID}}
	drv.hide = pl.ResourceID
	drv.dup = provider.Resource{ResourceID: "res-unproven", SiteID: pl.SiteID, ReplicaID: pl.ID, WorkloadID: workloadID,
		State: provider.StateActive, Simulated: true, Installation: h.Server.Installation.ID}
	drv.mu.Unlock()
	sweeps(8)
	if len(drv.deletes) != 0 || drv.deleted("res-unproven") != 0 || drv.deleted("res-unproven-2") != 0 || drv.deleted(pl.ResourceID) != 0 || drv.deleted("") != 0 {
		t.Fatalf("the sweep deleted what it could not judge: %v", drv.deletes)
	}
}
