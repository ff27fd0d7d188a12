package migrate_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/migrate"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/workload"
)

// TestEvacuateProvider: 1,000 workloads on Nuvem Verde, some only
// movable there (restricted data in São Paulo/Rio/Brasília under national
// sovereignty). The plan accounts for every one (feasible with a target,
// or the reason none exists); executing moves every feasible one off the
// provider, 16 at a time. Skipped with -short.
func TestEvacuateProvider(t *testing.T) {
	t.Parallel()
	srv, d := startLong(t, "1,000-workload evacuation")
	ctx := context.Background()
	nv := d.Providers["Nuvem Verde (sim)"]
	ids := opstest.CreateMany(t, srv.Workloads, 1000, 8, func(i int) workload.CreateRequest {
		r := d.Internal(1, model.SovereigntyAny, "BR", "CO")
		if i%10 == 0 { // only Nuvem Verde may hold it
			r.Classification, r.Sovereignty.Mode = model.ClassRestricted, model.SovereigntyNational
			r.Residency = model.Residency{Countries: []string{"BR"}, Subdivisions: []string{"BR-SP", "BR-RJ", "BR-DF"}}
		}
		return r
	})
	opstest.WaitRunning(t, srv.Store, ids, 2*time.Minute)
	svc := srv.Ops.Migrate
	for _, id := range ids { // everything on Nuvem Verde first
		if _, _, err := svc.Execute(ctx, workload.Actor{Name: "test"}, id, migrate.Target{ToProvider: nv.ID}, ""); err != nil {
			w, _ := srv.Store.Read().Workloads().Get(ctx, id)
			if w.State == model.StateRunning { // already there is fine only if feasible
				t.Fatalf("moving %s to Nuvem Verde: %v", id, err)
			}
		}
	}
	waitMigrations(t, svc, ids, nv.ID, srv)

	plan, err := svc.PlanEvacuation(ctx, nv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Workloads != len(ids) || plan.Feasible+plan.Infeasible != len(ids) {
		t.Fatalf("plan accounts for %d (%d feasible, %d not) of %d", plan.Workloads, plan.Feasible, plan.Infeasible, len(ids))
	}
	if plan.Infeasible != 100 {
		t.Fatalf("%d infeasible, want the 100 restricted ones", plan.Infeasible)
	}
	for _, it := range plan.Items {
		if !it.Feasible && it.Reason == "" {
			t.Fatalf("%s infeasible without a reason", it.WorkloadID)
		}
	}
	t.Logf("plan: %d feasible, %d not; delta %v; %d GiB", plan.Feasible, plan.Infeasible, plan.Delta, plan.DataGiB)

	start := time.Now()
	e, _, err := svc.StartEvacuation(ctx, workload.Actor{Name: "test"}, nv.ID, 16)
	if err != nil {
		t.Fatal(err)
	}
	opstest.Eventually(t, 3*time.Minute, "evacuation", func() (bool, string) {
		p, err := svc.EvacuationProgress(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p.State == model.EvacuationDone, fmt.Sprintf("%+v", p)
	})
	took := time.Since(start)
	p, _ := svc.EvacuationProgress(ctx, e.ID)
	if p.Done != plan.Feasible {
		t.Fatalf("evacuation moved %d of %d feasible (rolled back %d)", p.Done, plan.Feasible, p.RolledBack)
	}
	left, err := srv.Store.Read().ActiveOnProvider(ctx, nv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != plan.Infeasible {
		t.Fatalf("%d workloads left on the provider, want %d", len(left), plan.Infeasible)
	}
	t.Logf("evacuated %d workloads in %s (%.1f workloads/s)", p.Done, took.Round(time.Millisecond), float64(p.Done)/took.Seconds())
}
