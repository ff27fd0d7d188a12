package reconcile_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/reconcile"
	"github.com/soberana/soberana/internal/store"
)

// stepSim is the simulator with two faults a resync must survive: a list
// that fails, and a resource that the list shows on its way out
// (Deleting). It counts the direct looks (Observe) at one replica.
type stepSim struct {
	*sim.Driver
	failList atomic.Bool // the list fails with errListDown
	deleting string      // the replica whose resource the list shows Deleting
	watched  string      // the replica whose direct looks are counted
	looks    atomic.Int64
}

var errListDown = errors.New("cloud API unavailable")

func (d *stepSim) ListResources(ctx context.Context, providerID string) ([]provider.Resource, error) {
	if d.failList.Load() {
		return nil, errListDown
	}
	list, err := d.Driver.ListResources(ctx, providerID)
	for i := range list {
		list[i].Deleting = list[i].Deleting || list[i].ReplicaID == d.deleting
	}
	return list, err
}

func (d *stepSim) Observe(ctx context.Context, ref provider.ResourceRef) (provider.Observed, error) {
	if ref.ReplicaID == d.watched {
		d.looks.Add(1)
	}
	return d.Driver.Observe(ctx, ref)
}

// stepHarness is resyncFleet's provider with n replicas, its driver
// replaced by a stepSim that counts the direct looks at the first replica
// and, when deleting, lists that replica's resource on its way out. It
// returns the driver, the reconciler, the provider, the store and the
// replicas.
func stepHarness(t *testing.T, n int, deleting bool) (*stepSim, *reconcile.Reconciler, model.Provider, *store.Store, []store.PlacementRow) {
	t.Helper()
	// The background resync lists once a day (first at a random point of
	// the day): in practice only the calls of the tests run.
	h, _, prov, rows := resyncFleet(t, n, 24*time.Hour)
	p := leading(t, h, prov)
	drv := &stepSim{Driver: h.Server.Sim, watched: rows[0].ID}
	if deleting {
		drv.deleting = rows[0].ID
	}
	h.Server.Drivers.Set(sim.Name, drv)
	return drv, h.Server.Reconciler, p, h.Server.Store, rows
}

// driftKinds is the kinds of the drifts recorded of a workload.
func driftKinds(t *testing.T, st *store.Store, workloadID string) []model.DriftKind {
	t.Helper()
	drifts, err := st.Read().DriftsOf(context.Background(), workloadID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []model.DriftKind
	for _, d := range drifts {
		kinds = append(kinds, d.Kind)
	}
	return kinds
}

// checkSeen fails the test unless each placement has a last-seen time
// (seen) or has none (!seen).
func checkSeen(t *testing.T, st *store.Store, rows []store.PlacementRow, seen bool) {
	t.Helper()
	for _, pl := range rows {
		at, err := st.Read().LastSeen(context.Background(), pl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if (at != nil) != seen {
			t.Fatalf("placement %s last seen at %v, want seen=%v", pl.ID, at, seen)
		}
	}
}

// TestResyncFailedListJudgesNothing: when the provider's list fails the
// resync returns the error (wrapped, as "listing resources"), counts the
// list, and neither records a replica deleted — not even one whose
// resource is really gone — nor writes a last-seen time: from a partial
// view nothing may be judged. The next list that works records the gone
// one, after one direct look, and touches the others.
func TestResyncFailedListJudgesNothing(t *testing.T) {
	drv, r, p, st, rows := stepHarness(t, 3, false)
	ctx := context.Background()
	gone := rows[0]
	if err := drv.Tamper(ctx, gone.ProviderID, gone.ID, sim.Tamper{Delete: true}); err != nil {
		t.Fatal(err)
	}
	drv.failList.Store(true)
	lists := r.ResyncLists(p.ID)
	err := r.ResyncProvider(ctx, p)
	if want := fmt.Sprintf("listing resources: %v", errListDown); !errors.Is(err, errListDown) || err.Error() != want {
		t.Fatalf("resync with a failing list: %v, want %q", err, want)
	}
	if n := r.ResyncLists(p.ID); n != lists+1 {
		t.Fatalf("lists counted %d, want %d", n, lists+1)
	}
	if kinds := driftKinds(t, st, gone.WorkloadID); len(kinds) != 0 {
		t.Fatalf("drifts %v recorded from a failed list", kinds)
	}
	if n := drv.looks.Load(); n != 0 {
		t.Fatalf("a failed list led to %d direct looks", n)
	}
	checkSeen(t, st, rows, false)

	drv.failList.Store(false)
	if err := r.ResyncProvider(ctx, p); err != nil {
		t.Fatal(err)
	}
	if kinds := driftKinds(t, st, gone.WorkloadID); !slices.Equal(kinds, []model.DriftKind{model.DriftDeleted}) {
		t.Fatalf("drifts %v after a list that worked, want one deletion", kinds)
	}
	if n := drv.looks.Load(); n != 1 {
		t.Fatalf("%d direct looks at the missing replica, want 1 (to confirm it gone)", n)
	}
	checkSeen(t, st, rows[1:], true)
}

// TestResyncDeletingIsGoneWithoutALook: a resource the list shows on its
// way out (Deleting) makes its replica recorded deleted outside soberana
// at once, with no direct look to confirm it, and without a last-seen
// time; the provider's other replicas are seen as usual.
func TestResyncDeletingIsGoneWithoutALook(t *testing.T) {
	drv, r, p, st, rows := stepHarness(t, 3, true)
	if err := r.ResyncProvider(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	for i, pl := range rows {
		var want []model.DriftKind
		if i == 0 {
			want = []model.DriftKind{model.DriftDeleted}
		}
		if kinds := driftKinds(t, st, pl.WorkloadID); !slices.Equal(kinds, want) {
			t.Fatalf("replica %d: drifts %v, want %v", i, kinds, want)
		}
	}
	if n := drv.looks.Load(); n != 0 {
		t.Fatalf("%d direct looks at a resource listed deleting, want none", n)
	}
	checkSeen(t, st, rows[:1], false)
	checkSeen(t, st, rows[1:], true)
}

// strand leaves a replica as a crash mid stop does: stopping, written an
// hour ago (longer than the power grace), its resource untouched.
func strand(t *testing.T, st *store.Store, placementID string) {
	t.Helper()
	ctx := context.Background()
	past := st.Now().Add(-time.Hour)
	if err := st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE placements SET power = ?, updated_at = ?, version = version + 1 WHERE id = ?",
			string(model.PowerStopping), past.UnixMicro(), placementID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("stranding the replica: %d rows, %v", n, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
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
	strand(t, st, stuck.ID)

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
