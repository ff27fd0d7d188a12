package reconcile_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/reconcile"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// faultSim is the simulator with hooks into the calls the resync makes
// after its list: a direct look (Observe), a start and a resize of a
// drifted resource. Each hook runs before the call and may fail it.
type faultSim struct {
	*sim.Driver
	onList    func()
	onObserve func(ref provider.ResourceRef) error
	onStart   func(ref provider.ResourceRef) error
	onResize  func(spec provider.Spec) error
	onStop    func(ref provider.ResourceRef)
	// hidden: replicas listed only to the test's own resyncs (a context
	// marked byTest), so that the reconciler's background passes (the
	// settling of stranded replicas at the start of its lease term) leave
	// them to the test.
	hidden  sync.Map
	starts  atomic.Int64 // Start calls that reached the simulator
	resizes atomic.Int64 // Resize calls that reached the simulator
}

func (d *faultSim) ListResources(ctx context.Context, providerID string) ([]provider.Resource, error) {
	if d.onList != nil {
		d.onList()
	}
	list, err := d.Driver.ListResources(ctx, providerID)
	if ctx.Value(byTest{}) != nil {
		return list, err
	}
	return slices.DeleteFunc(list, func(r provider.Resource) bool {
		_, hide := d.hidden.Load(r.ReplicaID)
		return hide
	}), err
}

// byTest marks the context of a resync the test runs.
type byTest struct{}

// testCtx is the context of the test's own resyncs.
func testCtx() context.Context { return context.WithValue(context.Background(), byTest{}, true) }

func (d *faultSim) Observe(ctx context.Context, ref provider.ResourceRef) (provider.Observed, error) {
	if d.onObserve != nil {
		if err := d.onObserve(ref); err != nil {
			return provider.Observed{}, err
		}
	}
	return d.Driver.Observe(ctx, ref)
}

func (d *faultSim) Start(ctx context.Context, ref provider.ResourceRef) error {
	if d.onStart != nil {
		if err := d.onStart(ref); err != nil {
			return err
		}
	}
	d.starts.Add(1)
	return d.Driver.Start(ctx, ref)
}

func (d *faultSim) Stop(ctx context.Context, ref provider.ResourceRef) error {
	if d.onStop != nil {
		d.onStop(ref)
	}
	return d.Driver.Stop(ctx, ref)
}

func (d *faultSim) Resize(ctx context.Context, spec provider.Spec) error {
	if d.onResize != nil {
		if err := d.onResize(spec); err != nil {
			return err
		}
	}
	d.resizes.Add(1)
	return d.Driver.Resize(ctx, spec)
}

// faultHarness is resyncFleet's provider with n replicas behind a
// faultSim (no hook set yet), on PostgreSQL (postgres) or SQLite.
func faultHarness(t *testing.T, postgres bool, n int) (*faultSim, *reconcile.Reconciler, model.Provider, *store.Store, []store.PlacementRow) {
	t.Helper()
	h, drv, p, rows := faultServer(t, postgres, n)
	return drv, h.Server.Reconciler, p, h.Server.Store, rows
}

// faultServer is faultHarness with the server itself, for the tests that
// also look through its API, alerts or metrics.
func faultServer(t *testing.T, postgres bool, n int) (*servertest.Harness, *faultSim, model.Provider, []store.PlacementRow) {
	t.Helper()
	// The background resync lists once a day (first at a random point of
	// the day): in practice only the calls of the tests run.
	h, _, prov, rows := resyncFleetOn(t, postgres, n, 24*time.Hour)
	p := leading(t, h, prov)
	drv := &faultSim{Driver: h.Server.Sim}
	h.Server.Drivers.Set(sim.Name, drv)
	return h, drv, p, rows
}

// stealLease hands the reconcilers' lease to another server for an hour,
// as a server that took over while this one was paused would hold it.
// The hooks that call it may run off the test's goroutine: a failure is
// reported with t.Error.
func stealLease(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	if err := st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE leases SET holder = ?, expires_at = ? WHERE name = ?",
			"another-server", st.Now().Add(time.Hour).UnixMicro(), reconcile.LeaseName)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.New("no lease row to take over")
		}
		return nil
	}); err != nil {
		t.Error(err)
	}
}

// placementOf reads one placement, failing the test on error.
func placementOf(t *testing.T, st *store.Store, id string) store.PlacementRow {
	t.Helper()
	p, err := st.Read().PlacementByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// simState is the state of a replica's simulated resource.
func simState(t *testing.T, st *store.Store, pl store.PlacementRow) string {
	t.Helper()
	res, err := st.Read().SimGet(context.Background(), pl.ProviderID, pl.ID)
	if err != nil {
		t.Fatal(err)
	}
	return res.State
}

// placementsOfWorkload counts a workload's placements (a recreated
// replica is a new one).
func placementsOfWorkload(t *testing.T, st *store.Store, workloadID string) int {
	t.Helper()
	ps, err := st.Read().PlacementsOf(context.Background(), workloadID)
	if err != nil {
		t.Fatal(err)
	}
	return len(ps)
}

// TestResyncGoneLeaseLost: when another server takes the lease while the
// resync confirms replicas gone, none of them is recorded — the replicas
// stay running, no drift, no replica placed again — and the resync ends
// with the lost lease (so the caller stops), after every confirmation
// ran. The new holder's resync records them.
func TestResyncGoneLeaseLost(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		drv, r, p, st, rows := faultHarness(t, pg, 3)
		ctx := context.Background()
		// Every replica's resource deleted behind soberana's back: no replica
		// is seen, so no last-seen write comes before the records.
		for _, pl := range rows {
			if err := drv.Tamper(ctx, pl.ProviderID, pl.ID, sim.Tamper{Delete: true}); err != nil {
				t.Fatal(err)
			}
		}
		var looks atomic.Int64
		var once sync.Once
		drv.onObserve = func(provider.ResourceRef) error {
			once.Do(func() { stealLease(t, st) })
			looks.Add(1)
			return nil
		}
		err := r.ResyncProvider(ctx, p)
		if !errors.Is(err, reconcile.ErrLostLease) {
			t.Fatalf("resync after the lease moved: %v, want the lost lease", err)
		}
		if n := looks.Load(); n != int64(len(rows)) {
			t.Fatalf("%d direct looks, want %d (each missing replica)", n, len(rows))
		}
		for _, pl := range rows {
			if got := placementOf(t, st, pl.ID); got.State != model.PlacementRunning || got.Version != pl.Version {
				t.Fatalf("replica %s after a resync without the lease: %s v%d (was v%d)", pl.ID, got.State, got.Version, pl.Version)
			}
			if kinds := driftKinds(t, st, pl.WorkloadID); len(kinds) != 0 {
				t.Fatalf("drifts %v recorded without the lease", kinds)
			}
			if n := placementsOfWorkload(t, st, pl.WorkloadID); n != 1 {
				t.Fatalf("workload %s has %d placements: a replica was placed again without the lease", pl.WorkloadID, n)
			}
		}
	})
}

// TestResyncGoneConfirmFails: a direct look that fails leaves the missing
// replica as it was (nothing judged from no answer) and does not fail the
// resync or keep the other gone replicas from being recorded; the next
// resync whose look works records it.
func TestResyncGoneConfirmFails(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		drv, r, p, st, rows := faultHarness(t, pg, 2)
		ctx := context.Background()
		for _, pl := range rows {
			if err := drv.Tamper(ctx, pl.ProviderID, pl.ID, sim.Tamper{Delete: true}); err != nil {
				t.Fatal(err)
			}
		}
		unsure := rows[0]
		errLook := errors.New("compute API timeout")
		drv.onObserve = func(ref provider.ResourceRef) error {
			if ref.ReplicaID == unsure.ID {
				return errLook
			}
			return nil
		}
		if err := r.ResyncProvider(ctx, p); err != nil {
			t.Fatalf("resync with one failing look: %v", err)
		}
		if got := placementOf(t, st, unsure.ID); got.State != model.PlacementRunning {
			t.Fatalf("the replica whose look failed is %s, want running", got.State)
		}
		if kinds := driftKinds(t, st, unsure.WorkloadID); len(kinds) != 0 {
			t.Fatalf("drifts %v recorded from a failed look", kinds)
		}
		if kinds := driftKinds(t, st, rows[1].WorkloadID); !slices.Equal(kinds, []model.DriftKind{model.DriftDeleted}) {
			t.Fatalf("the other gone replica: drifts %v, want one deletion", kinds)
		}

		drv.onObserve = nil
		if err := r.ResyncProvider(ctx, p); err != nil {
			t.Fatal(err)
		}
		if kinds := driftKinds(t, st, unsure.WorkloadID); !slices.Equal(kinds, []model.DriftKind{model.DriftDeleted}) {
			t.Fatalf("after a look that works: drifts %v, want one deletion", kinds)
		}
	})
}

// TestResyncGoneChangedMeanwhile: a replica its owner deleted while the
// resync looked at it is not recorded deleted outside soberana (its
// deletion is soberana's own), and the resync goes on.
func TestResyncGoneChangedMeanwhile(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		drv, r, p, st, rows := faultHarness(t, pg, 1)
		ctx := context.Background()
		pl := rows[0]
		if err := drv.Tamper(ctx, pl.ProviderID, pl.ID, sim.Tamper{Delete: true}); err != nil {
			t.Fatal(err)
		}
		drv.onObserve = func(provider.ResourceRef) error {
			// The owner deletes the workload: its replica is on its way out.
			return st.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, "UPDATE placements SET state = ?, version = version + 1 WHERE id = ?", string(model.PlacementDeleting), pl.ID)
				return err
			})
		}
		if err := r.ResyncProvider(ctx, p); err != nil {
			t.Fatalf("resync of a replica deleted meanwhile: %v", err)
		}
		if kinds := driftKinds(t, st, pl.WorkloadID); len(kinds) != 0 {
			t.Fatalf("drifts %v recorded of a replica its owner deleted", kinds)
		}
		if got := placementOf(t, st, pl.ID); got.State != model.PlacementDeleting {
			t.Fatalf("replica %s, want deleting as its owner left it", got.State)
		}
	})
}

// TestResyncRepairLeaseLost: when another server takes the lease during
// the repair of a drifted replica, the resync ends there with the lost
// lease: the repair is not recorded, no further drifted replica is
// repaired at the provider and no stranded replica is settled — those
// are the new holder's now.
func TestResyncRepairLeaseLost(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		drv, r, p, st, rows := faultHarness(t, pg, 3)
		ctx := context.Background()
		a, b, stuck := rows[0], rows[1], rows[2]
		for _, pl := range []store.PlacementRow{a, b} {
			if err := drv.Tamper(ctx, pl.ProviderID, pl.ID, sim.Tamper{Stop: true}); err != nil {
				t.Fatal(err)
			}
		}
		drv.hidden.Store(stuck.ID, true)
		strand(t, st, stuck.ID)
		var once sync.Once
		drv.onStart = func(provider.ResourceRef) error {
			once.Do(func() { stealLease(t, st) })
			return nil
		}
		err := r.ResyncProvider(testCtx(), p)
		if !errors.Is(err, reconcile.ErrLostLease) {
			t.Fatalf("resync after the lease moved mid repair: %v, want the lost lease", err)
		}
		if n := drv.starts.Load(); n != 1 {
			t.Fatalf("%d starts at the provider, want 1 (none after the lease was lost)", n)
		}
		for _, pl := range []store.PlacementRow{a, b} {
			if kinds := driftKinds(t, st, pl.WorkloadID); len(kinds) != 0 {
				t.Fatalf("replica %s: drifts %v recorded without the lease", pl.ID, kinds)
			}
		}
		if got := placementOf(t, st, stuck.ID); got.Power.Or() != model.PowerStopping {
			t.Fatalf("stranded replica settled to %s without the lease", got.Power.Or())
		}
		if got := simState(t, st, stuck); got != provider.StateActive {
			t.Fatalf("stranded replica's resource %s: the provider was asked to act without the lease", got)
		}
	})
}

// TestResyncSettleLeaseLost: when another server takes the lease while
// the resync settles a replica stranded mid stop, the settling is not
// recorded (the replica stays stopping, for the new holder) and the
// resync ends with the lost lease before it settles the next one.
func TestResyncSettleLeaseLost(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		drv, r, p, st, rows := faultHarness(t, pg, 2)
		for _, pl := range rows {
			drv.hidden.Store(pl.ID, true)
			strand(t, st, pl.ID)
		}
		var stops atomic.Int64
		var once sync.Once
		drv.onStop = func(provider.ResourceRef) {
			once.Do(func() { stealLease(t, st) })
			stops.Add(1)
		}
		err := r.ResyncProvider(testCtx(), p)
		if !errors.Is(err, reconcile.ErrLostLease) {
			t.Fatalf("resync after the lease moved mid settling: %v, want the lost lease", err)
		}
		if n := stops.Load(); n != 1 {
			t.Fatalf("%d stops at the provider, want 1 (none after the lease was lost)", n)
		}
		for _, pl := range rows {
			if got := placementOf(t, st, pl.ID); got.Power.Or() != model.PowerStopping {
				t.Fatalf("stranded replica %s settled to %s without the lease", pl.ID, got.Power.Or())
			}
		}
	})
}
