package workload_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/migrate"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// stopSim is the simulator counting the stops each provider is asked
// for; before the first one it runs onStop (once).
type stopSim struct {
	*sim.Driver
	mu     sync.Mutex
	stops  map[string]int // provider → Stop calls
	onStop func()
	once   sync.Once
}

func (d *stopSim) Stop(ctx context.Context, ref provider.ResourceRef) error {
	if d.onStop != nil {
		d.once.Do(d.onStop)
	}
	d.mu.Lock()
	d.stops[ref.ProviderID]++
	d.mu.Unlock()
	return d.Driver.Stop(ctx, ref)
}

func (d *stopSim) stopsAt(providerID string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stops[providerID]
}

// movedHarness opens the demo institution's data policy to the demo
// market and runs, on h, a one-replica workload of internal data in
// Brazil or Colombia behind a stopSim and returns the driver, the workload
// and its replica.
func movedHarness(t *testing.T, h *servertest.Harness) (*stopSim, string, store.PlacementRow) {
	t.Helper()
	ctx := context.Background()
	drv := &stopSim{Driver: h.Server.Sim, stops: map[string]int{}}
	h.Server.Drivers.Set(sim.Name, drv)
	prj, off := fixture(t, h.Admin)
	// The demo market's open policy: internal data may move to another
	// provider (at home the demo institution has one national provider).
	var p struct {
		InstitutionID string `json:"institution_id"`
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/projects/"+prj, nil, &p); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Admin.Do(ctx, "PATCH", "/v1/institutions/"+p.InstitutionID, map[string]any{"data_policy": seed.MarketPolicy}, nil); err != nil {
		t.Fatal(err)
	}
	var v view
	req := internalBR(prj, off, 1)
	req["residency"] = map[string]any{"countries": []string{"BR", "CO"}}
	req["sovereignty"] = map[string]any{"mode": "any"}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", req, &v); err != nil {
		t.Fatal(err)
	}
	waitState(t, h.Admin, v.ID, "running")
	ps, err := h.Server.Store.Read().PlacementsOf(ctx, v.ID)
	if err != nil || len(ps) != 1 || ps[0].State != model.PlacementRunning {
		t.Fatalf("the workload's replica: %+v %v", ps, err)
	}
	return drv, v.ID, ps[0]
}

// migrateAway moves the workload off its replica's provider and waits
// (up to 30 s) until the switch retired the replica; it returns the new
// replica. It runs inside the server's handling of a request, so it
// reports failures instead of ending the test.
func migrateAway(h *servertest.Harness, workloadID string, old store.PlacementRow) (store.PlacementRow, error) {
	ctx := context.Background()
	target := migrate.Target{ExcludeProviders: []string{old.ProviderID}}
	if _, _, err := h.Server.Ops.Migrate.Execute(ctx, workload.Actor{Name: "test", ID: "test"}, workloadID, target, ""); err != nil {
		return store.PlacementRow{}, fmt.Errorf("migrating: %w", err)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		w, err := h.Server.Store.Read().Workloads().Get(ctx, workloadID)
		if err != nil {
			return store.PlacementRow{}, err
		}
		ps, err := h.Server.Store.Read().PlacementsOf(ctx, workloadID)
		if err != nil {
			return store.PlacementRow{}, err
		}
		for _, p := range ps {
			if w.State == model.StateRunning && p.ID != old.ID && p.State == model.PlacementRunning {
				return p, nil
			}
		}
	}
	return store.PlacementRow{}, errors.New("the migration did not switch within 30 s")
}

// deleteWorkload deletes the workload through the API, as its owner would.
func deleteWorkload(h *servertest.Harness, workloadID string) error {
	_, err := h.Admin.Do(context.Background(), "DELETE", "/v1/workloads/"+workloadID, nil, nil)
	return err
}

// checkConflict fails the test unless err is the problem a power action
// overtaken by a change of its replica answers: 409, replica-changed (a
// status the route declares; not 412, which asks for an ETag the action
// never took, nor a success that did nothing).
func checkConflict(t *testing.T, err error) {
	t.Helper()
	var p *client.Problem
	if !errors.As(err, &p) || p.Status != 409 || !strings.HasSuffix(p.Type, "/replica-changed") {
		t.Fatalf("stop of a replica that changed meanwhile: %v, want 409 replica-changed", err)
	}
	if !strings.HasPrefix(p.Detail, "replica 0 changed while «stop» ran") {
		t.Fatalf("problem detail %q does not say which replica and action", p.Detail)
	}
}

// When a change of the replica comes in a stop: before the action (at
// the stop's first driver lookup, after it read the replica and before it
// recorded its first step) or during it (while the provider carries out
// the stop).
type when int

const (
	beforeAction when = iota
	duringAction
)

// stopWhileChanging asks for the stop of workload id on h with change
// run once at the moment given, and fails the test unless change
// succeeded and the stop answered 409 replica-changed (checkConflict).
func stopWhileChanging(t *testing.T, h *servertest.Harness, drv *stopSim, id string, at when, change func() error) {
	t.Helper()
	var err error
	switch at {
	case beforeAction:
		var once sync.Once
		orig := h.Server.Workloads.Drivers
		h.Server.Workloads.Drivers = func(providerID string) (provider.Driver, error) {
			once.Do(func() { err = change() })
			return orig(providerID)
		}
	case duringAction:
		drv.onStop = func() { err = change() }
	}
	_, stopErr := h.Admin.Do(context.Background(), "POST", "/v1/workloads/"+id+":stop", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkConflict(t, stopErr)
}

// stopWhileMigrating is stopWhileChanging with the change a migration of
// the workload off old's provider (migrateAway); it returns the new
// replica.
func stopWhileMigrating(t *testing.T, h *servertest.Harness, drv *stopSim, id string, old store.PlacementRow, at when) store.PlacementRow {
	t.Helper()
	var fresh store.PlacementRow
	stopWhileChanging(t, h, drv, id, at, func() (err error) {
		fresh, err = migrateAway(h, id, old)
		return err
	})
	return fresh
}

// TestPowerReplicaMovedBeforeAction: a replica migrated to another
// provider after the stop read it but before it recorded its first step
// is not stopped at all — at neither provider — and the caller is told it
// changed (409); the new replica runs.
func TestPowerReplicaMovedBeforeAction(t *testing.T) {
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		drv, id, old := movedHarness(t, h)
		fresh := stopWhileMigrating(t, h, drv, id, old, beforeAction)
		checkUntouched(t, h, drv, old, fresh)
	})
}

// TestPowerReplicaDeletedBeforeAction: the same when the workload is
// deleted meanwhile: 409, no stop sent.
func TestPowerReplicaDeletedBeforeAction(t *testing.T) {
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		drv, id, old := movedHarness(t, h)
		stopWhileChanging(t, h, drv, id, beforeAction, func() error { return deleteWorkload(h, id) })
		if n := drv.stopsAt(old.ProviderID); n != 0 {
			t.Fatalf("%d stops sent for a replica deleted before the action", n)
		}
	})
}

// TestPowerReplicaMovedDuringAction: a replica migrated away while its
// provider carried out the stop is not reported stopped: the caller is
// told it changed (409) rather than answered as if the workload were
// stopped, the stop went to the provider the replica was on when it was
// asked (the old one) and to no other, and the new replica runs.
func TestPowerReplicaMovedDuringAction(t *testing.T) {
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		drv, id, old := movedHarness(t, h)
		fresh := stopWhileMigrating(t, h, drv, id, old, duringAction)
		if n := drv.stopsAt(old.ProviderID); n != 1 {
			t.Fatalf("%d stops at the replica's provider, want the one asked", n)
		}
		checkUntouched(t, h, drv, store.PlacementRow{}, fresh)
	})
}

// TestPowerReplicaDeletedDuringAction: a workload deleted while its
// provider carried out the stop: 409, not a stop that looks done.
func TestPowerReplicaDeletedDuringAction(t *testing.T) {
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		drv, id, _ := movedHarness(t, h)
		stopWhileChanging(t, h, drv, id, duringAction, func() error { return deleteWorkload(h, id) })
	})
}

// checkUntouched fails the test if a stop reached old's provider (old
// zero: not checked) or the new replica's, or if the new replica is not
// running, powered on, with its resource active.
func checkUntouched(t *testing.T, h *servertest.Harness, drv *stopSim, old, fresh store.PlacementRow) {
	t.Helper()
	ctx := context.Background()
	if old.ID != "" {
		if n := drv.stopsAt(old.ProviderID); n != 0 {
			t.Fatalf("%d stops sent to the provider the replica left", n)
		}
	}
	if fresh.ProviderID == old.ProviderID {
		t.Fatalf("the migration stayed on provider %s", fresh.ProviderID)
	}
	if n := drv.stopsAt(fresh.ProviderID); n != 0 {
		t.Fatalf("%d stops sent to the new replica's provider %s", n, fresh.ProviderID)
	}
	cur, err := h.Server.Store.Read().PlacementByID(ctx, fresh.ID)
	if err != nil || cur.State != model.PlacementRunning || cur.Power.Or() != model.PowerRunning {
		t.Fatalf("new replica after the stop: %+v %v, want running and on", cur, err)
	}
	res, err := h.Server.Store.Read().SimGet(ctx, fresh.ProviderID, fresh.ID)
	if err != nil || res.State != provider.StateActive {
		t.Fatalf("new replica's resource: %+v %v, want active", res, err)
	}
}
