package reconcile_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// TestVanishedKeepsTheWorkloadOnWhatIsLeft: a replica of a two-replica
// workload whose drift policy does not recreate is failed by Vanished
// (drift "failed"), and the workload goes on running on the other one —
// it fails only when no replica is left. A placement read before it
// changed is refused with store.ErrConflict and nothing is recorded.
// Vanished is called directly; the resync (an hour apart) stays out of
// the way. On SQLite and PostgreSQL.
func TestVanishedKeepsTheWorkloadOnWhatIsLeft(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h := servertest.Start(t, servertest.Options{Postgres: pg})
		ctx := context.Background()
		w := runningTwoReplicas(t, h)
		if _, err := h.Admin.Do(ctx, "PUT", "/v1/workloads/"+w.ID+"/drift-policy", map[string]any{"recreate": false}, nil); err != nil {
			t.Fatal(err)
		}
		st := h.Server.Store
		p, err := st.Read().PlacementByID(ctx, w.Placements[0].ID)
		if err != nil {
			t.Fatal(err)
		}

		stale := p
		stale.Version--
		if action, err := h.Server.Workloads.Vanished(ctx, stale, nil, nil); !errors.Is(err, store.ErrConflict) ||
			action != "" || !strings.Contains(err.Error(), "deleted outside soberana") {
			t.Fatalf("Vanished on a stale read: %q %v, want store.ErrConflict", action, err)
		}
		if drifts, err := st.Read().DriftsOf(ctx, w.ID); err != nil || len(drifts) != 0 {
			t.Fatalf("drifts after a refused Vanished: %+v %v", drifts, err)
		}

		seen := st.Now().Add(-time.Minute)
		action, err := h.Server.Workloads.Vanished(ctx, p, &seen, nil)
		if err != nil || action != model.DriftFailed {
			t.Fatalf("Vanished: %q %v, want %q", action, err, model.DriftFailed)
		}
		drifts, err := st.Read().DriftsOf(ctx, w.ID)
		if err != nil || len(drifts) != 1 || drifts[0].PlacementID != p.ID || drifts[0].Action != model.DriftFailed ||
			drifts[0].Kind != model.DriftDeleted || drifts[0].LastSeenAt == nil || !drifts[0].LastSeenAt.Equal(seen.UTC().Truncate(time.Second)) {
			t.Fatalf("drifts %+v %v", drifts, err)
		}
		cur, err := st.Read().PlacementByID(ctx, p.ID)
		if err != nil || cur.State != model.PlacementFailed || !strings.Contains(cur.Reason, "replica.reason.deleted_outside") {
			t.Fatalf("vanished replica %+v %v, want failed, deleted outside", cur, err)
		}
		got, err := st.Read().Workloads().Get(ctx, w.ID)
		if err != nil || got.State != model.StateRunning {
			t.Fatalf("workload %s %v, want it running on the replica left", got.State, err)
		}
	})
}
