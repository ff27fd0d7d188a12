package migrate_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/migrate"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server"
	"github.com/soberana/soberana/internal/workload"
)

// TestMigrateUnderLoad: 100 workloads on Nuvem Verde move to Global
// Hyperscale while new requests keep arriving. A watcher checks all the
// time that no workload has fewer running replicas than it asked for;
// every migration ends done, on the target, with the forecast updated.
func TestMigrateUnderLoad(t *testing.T) {
	t.Parallel()
	srv, d := startLong(t, "migration under load")
	ctx := context.Background()
	from, to := d.Providers["Nuvem Verde (sim)"], d.Providers["Global Hyperscale LatAm (sim)"]
	gen := func(i int) workload.CreateRequest {
		r := d.Internal(1+i%2, model.SovereigntyAny, "BR", "CO")
		r.Redundancy = model.Redundancy{MinFailureDomains: 1 + i%2}
		return r
	}
	ids := opstest.CreateMany(t, srv.Workloads, 100, 4, gen)
	opstest.WaitRunning(t, srv.Store, ids, time.Minute)
	// Put them all on Nuvem Verde first (the cheapest may be elsewhere).
	moveAll(t, srv.Ops.Migrate, ids, migrate.Target{ToProvider: from.ID})
	waitMigrations(t, srv.Ops.Migrate, ids, from.ID, srv)

	// Watch: never fewer running replicas than asked for.
	var stop atomic.Bool
	var watchErr atomic.Value
	var wg sync.WaitGroup
	wg.Go(func() {
		for !stop.Load() {
			for _, id := range ids {
				w, err := srv.Store.Read().Workloads().Get(ctx, id)
				if err != nil {
					continue
				}
				ps, _ := srv.Store.Read().PlacementsOf(ctx, id)
				run := 0
				for _, p := range ps {
					if p.State == model.PlacementRunning {
						run++
					}
				}
				if run < w.Replicas {
					watchErr.Store(fmt.Sprintf("%s (%s) has %d running replicas of %d", id, w.State, run, w.Replicas))
				}
			}
		}
	})
	// Load: new requests keep arriving.
	wg.Go(func() {
		i := 0
		for !stop.Load() {
			if _, _, err := srv.Workloads.Create(ctx, workload.Actor{Name: "load", ID: "load"}, gen(i), nil); err != nil {
				t.Errorf("request during migration: %v", err)
				return
			}
			i++
			time.Sleep(5 * time.Millisecond)
		}
	})
	before := map[string]int64{}
	for _, id := range ids {
		w, _ := srv.Store.Read().Workloads().Get(ctx, id)
		before[id] = w.ForecastMonthlyMinor
	}
	start := time.Now()
	moveAll(t, srv.Ops.Migrate, ids, migrate.Target{ToProvider: to.ID})
	waitMigrations(t, srv.Ops.Migrate, ids, to.ID, srv)
	t.Logf("100 workloads migrated in %s", time.Since(start).Round(time.Millisecond))
	stop.Store(true)
	wg.Wait()
	if v := watchErr.Load(); v != nil {
		t.Fatal(v)
	}
	changed := 0
	for _, id := range ids {
		w, _ := srv.Store.Read().Workloads().Get(ctx, id)
		if w.ForecastMonthlyMinor != before[id] {
			changed++
		}
	}
	if changed == 0 {
		t.Fatal("no forecast changed after moving to another provider's prices")
	}
}

// startLong skips a long test (what it does, for the message) in -short
// mode, and otherwise starts the demo fleet for it.
func startLong(t *testing.T, what string) (*server.Server, opstest.Demo) {
	t.Helper()
	if testing.Short() {
		t.Skip(what + " skipped in -short mode")
	}
	h, _, d := opstest.StartDemo(t, config.Monitoring{})
	return h.Server, d
}

func moveAll(t *testing.T, svc *migrate.Service, ids []string, target migrate.Target) {
	t.Helper()
	for _, id := range ids {
		p, err := svc.Plan(context.Background(), id, target)
		if err != nil || !p.Feasible {
			t.Fatalf("plan %s: %v %s", id, err, p.Reason)
		}
		if _, _, err := svc.Execute(context.Background(), workload.Actor{Name: "test"}, id, target, ""); err != nil {
			t.Fatalf("execute %s: %v", id, err)
		}
	}
}

func waitMigrations(t *testing.T, svc *migrate.Service, ids []string, provider string, srv *server.Server) {
	t.Helper()
	ctx := context.Background()
	opstest.Eventually(t, 2*time.Minute, "migrations finish", func() (bool, string) {
		running, err := srv.Store.Read().MigrationsInState(ctx, model.MigrationRunning, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(running) > 0 {
			return false, fmt.Sprintf("%d migrations running", len(running))
		}
		for _, id := range ids {
			w, _ := srv.Store.Read().Workloads().Get(ctx, id)
			if w.State != model.StateRunning {
				return false, fmt.Sprintf("%s is %s", id, w.State)
			}
			ps, _ := srv.Store.Read().PlacementsOf(ctx, id)
			for _, p := range ps {
				if p.State == model.PlacementRunning && p.ProviderID != provider {
					return false, fmt.Sprintf("%s still runs on %s", id, p.ProviderID)
				}
			}
		}
		return true, ""
	})
	rolled, _ := srv.Store.Read().MigrationsInState(ctx, model.MigrationRolledBack, 1000)
	if len(rolled) > 0 {
		t.Fatalf("%d migrations rolled back: %s", len(rolled), rolled[0].Reason)
	}
}
