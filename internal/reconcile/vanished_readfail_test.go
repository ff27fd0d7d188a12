package reconcile_test

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// TestVanishedWhenAReadFails: Vanished reads the workload and its drift
// policy, and what placing the replica again needs, before its
// transaction. When reading the workload or the drift policy fails, the
// failure is returned and nothing is recorded — the replica still runs,
// no drift, no workload event, no capacity held in the engine — so the
// next resync tries again. When only a read for placing again fails, the
// replica is still recorded deleted outside soberana (that is known) and
// the workload event says why the failover found nothing. The reads are
// made to fail for real: an ended context, or a table hidden by renaming
// it for the length of the call. On SQLite and PostgreSQL.
func TestVanishedWhenAReadFails(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h, w, p := vanishing(t, pg)
		ctx := context.Background()
		st := h.Server.Store
		before := h.Server.Fleet.Usage()
		evsBefore, err := st.Read().EventsOf(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}

		ended, cancel := context.WithCancel(ctx)
		cancel()
		if action, err := h.Server.Workloads.Vanished(ended, p, nil, nil); !errors.Is(err, context.Canceled) || action != "" {
			t.Fatalf("Vanished failing to read the workload: %q %v, want context.Canceled", action, err)
		}
		wantNothingVanished(t, h, w.ID, p, before, len(evsBefore), "failing to read the workload")

		var action model.DriftAction
		withTableHidden(t, st, "workload_drift_policies", func() {
			action, err = h.Server.Workloads.Vanished(ctx, p, nil, nil)
		})
		if err == nil || action != "" || !strings.Contains(err.Error(), "reading drift policy of "+w.ID) {
			t.Fatalf("Vanished failing to read the drift policy: %q %v, want the failure", action, err)
		}
		wantNothingVanished(t, h, w.ID, p, before, len(evsBefore), "failing to read the drift policy")

		// Placing again reads the institution's data policy; the
		// transaction does not.
		withTableHidden(t, st, "institutions", func() {
			action, err = h.Server.Workloads.Vanished(ctx, p, nil, nil)
		})
		if err != nil || action != model.DriftFailed {
			t.Fatalf("Vanished failing to read what placing needs: %q %v, want %q", action, err, model.DriftFailed)
		}
		cur, err := st.Read().PlacementByID(ctx, p.ID)
		if err != nil || cur.State != model.PlacementFailed || !strings.Contains(cur.Reason, "replica.reason.deleted_outside") {
			t.Fatalf("vanished replica %+v %v, want failed, deleted outside", cur, err)
		}
		drifts, err := st.Read().DriftsOf(ctx, w.ID)
		if err != nil || len(drifts) != 1 || drifts[0].PlacementID != p.ID || drifts[0].Action != model.DriftFailed {
			t.Fatalf("drifts %+v %v, want one, failed", drifts, err)
		}
		if why := failoverFailedReason(t, st, w.ID); !strings.Contains(why, `"`+strconv.Itoa(p.Replica)+`"`) || !strings.Contains(why, "institutions") {
			t.Fatalf("no failover_failed event naming the replica and the failed read: %q", why)
		}
		wantRunningOnTheOther(t, st, w.ID)
	})
}

// withTableHidden runs fn while table is renamed away, so that every
// statement naming it fails; the rename is undone before it returns.
func withTableHidden(t *testing.T, st *store.Store, table string, fn func()) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.DB().ExecContext(ctx, `ALTER TABLE `+table+` RENAME TO `+table+`_hidden`); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if _, err := st.DB().ExecContext(ctx, `ALTER TABLE `+table+`_hidden RENAME TO `+table); err != nil {
			t.Fatal(err)
		}
	}()
	fn()
}

// wantNothingVanished fails the test unless Vanished, failing as when
// says, left placement p of workload wid running as it was, recorded no
// drift and no workload event beyond the events it had, and gave the
// engine back to usage before.
func wantNothingVanished(t *testing.T, h *servertest.Harness, wid string, p store.PlacementRow, before map[string]placement.Usage, events int, when string) {
	t.Helper()
	ctx := context.Background()
	st := h.Server.Store
	if cur, err := st.Read().PlacementByID(ctx, p.ID); err != nil || cur.State != model.PlacementRunning || cur.Version != p.Version {
		t.Fatalf("replica after %s: %+v %v, want it running as it was", when, cur, err)
	}
	if drifts, err := st.Read().DriftsOf(ctx, wid); err != nil || len(drifts) != 0 {
		t.Fatalf("drifts after %s: %+v %v, want none", when, drifts, err)
	}
	if evs, err := st.Read().EventsOf(ctx, wid); err != nil || len(evs) != events {
		t.Fatalf("workload events after %s: %+v %v, want the %d there were", when, evs, err, events)
	}
	if after := h.Server.Fleet.Usage(); !reflect.DeepEqual(after, before) {
		t.Fatalf("engine usage after %s:\n%+v\nwant as before:\n%+v", when, after, before)
	}
}

// failoverFailedReason is the reason of workload wid's last
// failover_failed event ("" when it has none).
func failoverFailedReason(t *testing.T, st *store.Store, wid string) string {
	t.Helper()
	evs, err := st.Read().EventsOf(context.Background(), wid)
	if err != nil {
		t.Fatal(err)
	}
	why := ""
	for _, e := range evs {
		if strings.Contains(e.Reason, "workload.reason.failover_failed") {
			why = e.Reason
		}
	}
	return why
}

// wantRunningOnTheOther fails the test unless two-replica workload wid,
// one replica vanished and not placed again, has its two placements and
// runs on the replica left.
func wantRunningOnTheOther(t *testing.T, st *store.Store, wid string) {
	t.Helper()
	ctx := context.Background()
	if ps, err := st.Read().PlacementsOf(ctx, wid); err != nil || len(ps) != 2 {
		t.Fatalf("placements %+v %v, want the two replicas and nothing placed again", ps, err)
	}
	if got, err := st.Read().Workloads().Get(ctx, wid); err != nil || got.State != model.StateRunning {
		t.Fatalf("workload %s %v, want it running on the replica left", got.State, err)
	}
}

// vanishing starts a server on SQLite or, with pg, PostgreSQL, with
// runningTwoReplicas' workload, and answers it with its first placement
// as a resync would read it, for Vanished.
func vanishing(t *testing.T, pg bool) (*servertest.Harness, driftView, store.PlacementRow) {
	t.Helper()
	h := servertest.Start(t, servertest.Options{Postgres: pg})
	w := runningTwoReplicas(t, h)
	p, err := h.Server.Store.Read().PlacementByID(context.Background(), w.Placements[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return h, w, p
}
