package reconcile_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/workload"
)

// TestApplyRecordsOnlyWhatItMay: Apply refuses a batch with a move the
// placement table does not allow and records nothing of it; an outcome
// read before the placement changed is skipped (0 applied); an outcome
// that stops a running replica ends its usage interval, records the
// outcome's event.
// Apply is called directly; the resync (an hour apart) stays out of the
// way. On SQLite and PostgreSQL.
func TestApplyRecordsOnlyWhatItMay(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h, w := driftHarness(t, pg, time.Hour)
		ctx := context.Background()
		st := h.Server.Store
		svc := h.Server.Workloads
		p, err := st.Read().PlacementByID(ctx, w.Placements[0].ID)
		if err != nil {
			t.Fatal(err)
		}

		if n, err := svc.Apply(ctx, []workload.Outcome{{Read: p, State: model.PlacementState("nonsense")}}, nil); err == nil || n != 0 {
			t.Fatalf("Apply of a move the table refuses: %d %v, want an error", n, err)
		}
		stale := p
		stale.Version--
		if n, err := svc.Apply(ctx, []workload.Outcome{{Read: stale, State: model.PlacementFailed}}, nil); err != nil || n != 0 {
			t.Fatalf("Apply of a stale read: %d %v, want 0 applied", n, err)
		}
		if cur, err := st.Read().PlacementByID(ctx, p.ID); err != nil || cur.State != model.PlacementRunning || cur.Version != p.Version {
			t.Fatalf("placement after refused applies: %+v %v, want it as read", cur, err)
		}

		ev := workload.M("workload.reason.replica_deleted_outside", "0", p.ResourceID, "site")
		n, err := svc.Apply(ctx, []workload.Outcome{{Read: p, State: model.PlacementFailed, Reason: workload.M("replica.reason.workload_deleted"), Event: &ev}}, nil)
		if err != nil || n != 1 {
			t.Fatalf("Apply: %d %v, want 1 applied", n, err)
		}
		if cur, err := st.Read().PlacementByID(ctx, p.ID); err != nil || cur.State != model.PlacementFailed || cur.Reason != workload.Enc(workload.M("replica.reason.workload_deleted")) {
			t.Fatalf("placement %+v %v, want failed with the outcome's reason", cur, err)
		}
		ivs, err := st.Read().WorkloadIntervals(ctx, w.ID)
		if err != nil || len(ivs) != 1 || ivs[0].End == nil {
			t.Fatalf("usage intervals %+v %v, want the one ended", ivs, err)
		}
		evs, err := st.Read().EventsOf(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range evs {
			found = found || (e.Reason == workload.Enc(ev) && e.Actor == workload.ActorReconciler)
		}
		if !found {
			t.Fatalf("events %+v, want the outcome's", evs)
		}
	})
}
