package reconcile_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/store"
)

// stepSim is the simulator with two faults a resync must survive: a list
// that fails, and resources that the list shows on their way out
// (Deleting). It counts the direct looks (Observe) at each replica.
type stepSim struct {
	*sim.Driver
	mu       sync.Mutex
	listErr  error
	deleting map[string]bool // replica → its resource is listed Deleting
	observed map[string]int
}

func (d *stepSim) ListResources(ctx context.Context, providerID string) ([]provider.Resource, error) {
	d.mu.Lock()
	err := d.listErr
	d.mu.Unlock()
	if err != nil {
		return nil, err
	}
	list, err := d.Driver.ListResources(ctx, providerID)
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range list {
		if d.deleting[list[i].ReplicaID] {
			list[i].Deleting = true
		}
	}
	return list, err
}

func (d *stepSim) Observe(ctx context.Context, ref provider.ResourceRef) (provider.Observed, error) {
	d.mu.Lock()
	d.observed[ref.ReplicaID]++
	d.mu.Unlock()
	return d.Driver.Observe(ctx, ref)
}

func (d *stepSim) looks(replicaID string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.observed[replicaID]
}

// stepHarness is resyncFleet's provider with n replicas, its driver
// replaced by a stepSim.
func stepHarness(t *testing.T, n int) (*stepSim, func(context.Context) error, *store.Store, string, []store.PlacementRow) {
	t.Helper()
	// The background resync lists once a day (first at a random point of
	// the day): in practice only the calls below run.
	h, _, prov, rows := resyncFleet(t, n, 24*time.Hour)
	p := leading(t, h, prov)
	drv := &stepSim{Driver: h.Server.Sim, deleting: map[string]bool{}, observed: map[string]int{}}
	h.Server.Drivers.Set(sim.Name, drv)
	resync := func(ctx context.Context) error { return h.Server.Reconciler.ResyncProvider(ctx, p) }
	return drv, resync, h.Server.Store, prov, rows
}

// deletedDrifts is the workload's drifts of kind deleted.
func deletedDrifts(t *testing.T, st *store.Store, workloadID string) int {
	t.Helper()
	drifts, err := st.Read().DriftsOf(context.Background(), workloadID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range drifts {
		if d.Kind == model.DriftDeleted {
			n++
		}
	}
	return n
}

// TestResyncFailedListJudgesNothing: when the provider's list fails the
// resync returns the error (wrapped, as "listing resources"), counts the
// list, and neither records a replica deleted — not even one whose
// resource is really gone — nor writes a last-seen time: from a partial
// view nothing may be judged. The next list that works records the gone
// one and touches the others.
func TestResyncFailedListJudgesNothing(t *testing.T) {
	drv, resync, st, prov, rows := stepHarness(t, 3)
	ctx := context.Background()
	gone := rows[0]
	if err := drv.Tamper(ctx, prov, gone.ID, sim.Tamper{Delete: true}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("cloud API unavailable")
	drv.mu.Lock()
	drv.listErr = boom
	drv.mu.Unlock()

	err := resync(ctx)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "listing resources") {
		t.Fatalf("resync with a failing list: %v, want the list's error", err)
	}
	if n := deletedDrifts(t, st, gone.WorkloadID); n != 0 {
		t.Fatalf("%d deletions recorded from a failed list", n)
	}
	if drv.looks(gone.ID) != 0 {
		t.Fatal("a failed list led to a direct look")
	}
	for _, pl := range rows {
		if seen, err := st.Read().LastSeen(ctx, pl.ID); err != nil || seen != nil {
			t.Fatalf("placement %s touched by a failed list: %v %v", pl.ID, seen, err)
		}
	}

	drv.mu.Lock()
	drv.listErr = nil
	drv.mu.Unlock()
	if err := resync(ctx); err != nil {
		t.Fatal(err)
	}
	if n := deletedDrifts(t, st, gone.WorkloadID); n != 1 {
		t.Fatalf("%d deletions recorded after a list that worked, want 1", n)
	}
	if drv.looks(gone.ID) != 1 {
		t.Fatalf("%d direct looks at the missing replica, want 1 (to confirm it gone)", drv.looks(gone.ID))
	}
	for _, pl := range rows[1:] {
		if seen, err := st.Read().LastSeen(ctx, pl.ID); err != nil || seen == nil {
			t.Fatalf("placement %s not seen: %v %v", pl.ID, seen, err)
		}
	}
}

// TestResyncDeletingIsGoneWithoutALook: a resource the list shows on its
// way out (Deleting) makes its replica recorded deleted outside soberana
// at once, with no direct look to confirm it, and without a last-seen
// time; the provider's other replicas are seen as usual.
func TestResyncDeletingIsGoneWithoutALook(t *testing.T) {
	drv, resync, st, _, rows := stepHarness(t, 3)
	ctx := context.Background()
	going := rows[0]
	drv.mu.Lock()
	drv.deleting[going.ID] = true
	drv.mu.Unlock()

	if err := resync(ctx); err != nil {
		t.Fatal(err)
	}
	if n := deletedDrifts(t, st, going.WorkloadID); n != 1 {
		t.Fatalf("%d deletions recorded for a resource on its way out, want 1", n)
	}
	if drv.looks(going.ID) != 0 {
		t.Fatalf("%d direct looks at a resource listed deleting, want none", drv.looks(going.ID))
	}
	if seen, err := st.Read().LastSeen(ctx, going.ID); err != nil || seen != nil {
		t.Fatalf("the replica on its way out was touched as seen: %v %v", seen, err)
	}
	for _, pl := range rows[1:] {
		if seen, err := st.Read().LastSeen(ctx, pl.ID); err != nil || seen == nil {
			t.Fatalf("placement %s not seen: %v %v", pl.ID, seen, err)
		}
		if n := deletedDrifts(t, st, pl.WorkloadID); n != 0 {
			t.Fatalf("placement %s recorded deleted", pl.ID)
		}
	}
}

// TestResyncSettlesStranded: a replica a crash left mid power action
// (stopping, unchanged for longer than the power grace) while the
// reconciler kept its lease is settled by the next resync, before it
// returns: the provider still ran it, so the stop is carried out, the
// placement ends stopped and the recovery is audited.
func TestResyncSettlesStranded(t *testing.T) {
	// The background resync lists once a day (first at a random point of
	// the day): in practice only the call below runs.
	h, w := driftHarness(t, false, 24*time.Hour)
	stuck := w.Placements[0]
	p := leading(t, h, stuck.ProviderID)
	ctx := context.Background()
	st := h.Server.Store
	past := st.Now().Add(-time.Hour)
	if err := st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE placements SET power = ?, updated_at = ?, version = version + 1 WHERE id = ?",
			string(model.PowerStopping), past.UnixMicro(), stuck.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	if err := h.Server.Reconciler.ResyncProvider(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := st.Read().PlacementByID(ctx, stuck.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Power.Or() != model.PowerStopped || got.State != model.PlacementRunning {
		t.Fatalf("stranded replica after the resync: %s, power %s; want running, stopped", got.State, got.Power.Or())
	}
	res, err := st.Read().SimGet(ctx, stuck.ProviderID, stuck.ID)
	if err != nil || res.State != sim.StateStopped {
		t.Fatalf("the provider's resource: %+v %v, want stopped", res, err)
	}
	aud, err := st.Read().AuditEvents(ctx, store.AuditFilter{Action: "replica.power_recovered", TargetID: stuck.ID, Limit: 10})
	if err != nil || len(aud) != 1 {
		t.Fatalf("audit records of the recovery: %+v %v, want 1", aud, err)
	}
}
