package reconcile_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/fleet"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// TestVanishedWhenNothingFits: the drift policy says recreate (the
// default) but every site the workload may use is down, so there is
// nowhere to place the vanished replica again. Vanished leaves it failed
// ("deleted outside soberana"), its metering stopped at lastSeen, records
// the drift with action "failed" and a workload event saying why the
// failover found nothing; the workload goes on running on the other
// replica, and fails only when that one vanishes too. The health monitor
// and failover wait an hour here, so that the sites marked down stay down
// and no failover races the direct calls. On SQLite and PostgreSQL.
func TestVanishedWhenNothingFits(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h := servertest.Start(t, servertest.Options{Postgres: pg, Configure: func(c *config.Config) {
			c.Monitoring.DownAfter, c.Monitoring.UpAfter, c.Monitoring.FailoverAfter = time.Hour, time.Hour, time.Hour
		}})
		ctx := context.Background()
		w := runningTwoReplicas(t, h)
		st := h.Server.Store
		if pol, err := st.Read().DriftPolicyOf(ctx, w.ID); err != nil || !pol.Recreate {
			t.Fatalf("drift policy %+v %v, want the default (recreate)", pol, err)
		}
		downBrazil(t, h)

		first, err := st.Read().PlacementByID(ctx, w.Placements[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		seen := lastSeenWhileMetered(t, st, w.ID, first.ID)
		action, err := h.Server.Workloads.Vanished(ctx, first, &seen, nil)
		if err != nil || action != model.DriftFailed {
			t.Fatalf("Vanished with nowhere to go: %q %v, want %q", action, err, model.DriftFailed)
		}
		want := seen.UTC().Truncate(time.Second)
		wantVanishedFailed(t, st, w.ID, first.ID, want)
		drifts, err := st.Read().DriftsOf(ctx, w.ID)
		if err != nil || len(drifts) != 1 || drifts[0].PlacementID != first.ID || drifts[0].Action != model.DriftFailed ||
			drifts[0].Kind != model.DriftDeleted || drifts[0].LastSeenAt == nil || !drifts[0].LastSeenAt.Equal(want) {
			t.Fatalf("drifts %+v %v, want one failed, last seen %s", drifts, err, want)
		}
		// The event names the replica and says why: the engine's account
		// of the sites, those in Brazil unhealthy (or the other replica's).
		if why := failoverFailedReason(t, st, w.ID); !strings.Contains(why, `"0 of `) || !strings.Contains(why, "unhealthy") ||
			!strings.Contains(why, `"`+strconv.Itoa(first.Replica)+`"`) {
			t.Fatalf("no failover_failed event saying why nothing fits: %q", why)
		}
		wantRunningOnTheOther(t, st, w.ID)

		// The last replica vanishes too: nothing is left, the workload fails.
		second, err := st.Read().PlacementByID(ctx, w.Placements[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		seen = lastSeenWhileMetered(t, st, w.ID, second.ID)
		if action, err := h.Server.Workloads.Vanished(ctx, second, &seen, nil); err != nil || action != model.DriftFailed {
			t.Fatalf("Vanished, the last replica: %q %v, want %q", action, err, model.DriftFailed)
		}
		wantVanishedFailed(t, st, w.ID, second.ID, seen.UTC().Truncate(time.Second))
		got, err := st.Read().Workloads().Get(ctx, w.ID)
		if err != nil || got.State != model.StateFailed || !strings.Contains(got.Reason, "replica.reason.deleted_outside") {
			t.Fatalf("workload %s %q %v, want failed, deleted outside soberana", got.State, got.Reason, err)
		}
	})
}

// runningTwoReplicas creates oneReplicaBody's workload with two replicas
// and waits until it and both replicas run.
func runningTwoReplicas(t *testing.T, h *servertest.Harness) driftView {
	t.Helper()
	body := oneReplicaBody(t, h)
	body["replicas"] = 2
	var w driftView
	if _, err := h.Admin.Do(context.Background(), "POST", "/v1/workloads", body, &w); err != nil {
		t.Fatal(err)
	}
	return waitWorkload(t, h.Admin, w.ID, func(v driftView) bool {
		if v.State != "running" || len(v.Placements) != 2 {
			return false
		}
		for _, p := range v.Placements {
			if p.State != "running" {
				return false
			}
		}
		return true
	})
}

// downBrazil marks every site in Brazil down (as the health monitor
// would), which is every site oneReplicaBody's residency allows.
func downBrazil(t *testing.T, h *servertest.Harness) {
	t.Helper()
	ctx := context.Background()
	sites, err := h.Server.Store.Read().Sites().List(ctx, store.ListOptions{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var down []fleet.HealthChange
	for _, s := range sites.Items {
		if s.Country == "BR" {
			down = append(down, fleet.HealthChange{SiteID: s.ID, Health: model.HealthDown})
		}
	}
	if len(down) == 0 || len(down) == len(sites.Items) {
		t.Fatalf("%d of %d sites in Brazil: the test needs some, not all", len(down), len(sites.Items))
	}
	if err := h.Server.Fleet.SetSitesHealth(ctx, down, nil); err != nil {
		t.Fatal(err)
	}
}

// lastSeenWhileMetered answers a time a list could last have shown the
// resource of placement id of workload wid: a second after its usage
// interval began, once the store's clock is a second past that, so that
// metering stopped at it differs from metering stopped at the time of
// the call.
func lastSeenWhileMetered(t *testing.T, st *store.Store, wid, id string) time.Time {
	t.Helper()
	var start time.Time
	opstest.Eventually(t, 30*time.Second, "the store's clock 2 s past the start of "+id+"'s usage", func() (bool, string) {
		ivs, err := st.Read().WorkloadIntervals(context.Background(), wid)
		if err != nil {
			t.Fatal(err)
		}
		for _, iv := range ivs {
			if iv.PlacementID == id && iv.End == nil {
				start = iv.Start
				return st.Now().Sub(start) >= 2*time.Second, fmt.Sprintf("now %s, started %s", st.Now(), start)
			}
		}
		return false, fmt.Sprintf("no open interval of %s in %+v", id, ivs)
	})
	return start.Add(time.Second)
}

// wantVanishedFailed fails the test unless placement id of workload wid is
// failed as deleted outside soberana with its usage interval ended at end.
func wantVanishedFailed(t *testing.T, st *store.Store, wid, id string, end time.Time) {
	t.Helper()
	ctx := context.Background()
	cur, err := st.Read().PlacementByID(ctx, id)
	if err != nil || cur.State != model.PlacementFailed || !strings.Contains(cur.Reason, "replica.reason.deleted_outside") {
		t.Fatalf("vanished replica %+v %v, want failed, deleted outside", cur, err)
	}
	ivs, err := st.Read().WorkloadIntervals(ctx, wid)
	if err != nil {
		t.Fatal(err)
	}
	for _, iv := range ivs {
		if iv.PlacementID == id {
			if iv.End == nil || !iv.End.Equal(end) {
				t.Fatalf("usage interval of %s %+v, want it ended at %s", id, iv, end)
			}
			return
		}
	}
	t.Fatalf("no usage interval of %s in %+v", id, ivs)
}

// TestVanishedRefusedReleasesTheReplacement: under the default drift
// policy Vanished places the replacement before its transaction; when the
// transaction is refused (the placement changed since the resync read it:
// store.ErrConflict) the capacity that placement reserved in the engine
// is given back, and nothing is recorded. On SQLite and PostgreSQL.
func TestVanishedRefusedReleasesTheReplacement(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h, w, p := vanishing(t, pg)
		ctx := context.Background()
		st := h.Server.Store
		before := h.Server.Fleet.Usage()
		stale := p
		stale.Version--
		if action, err := h.Server.Workloads.Vanished(ctx, stale, nil, nil); !errors.Is(err, store.ErrConflict) || action != "" {
			t.Fatalf("Vanished on a stale read: %q %v, want store.ErrConflict", action, err)
		}
		if after := h.Server.Fleet.Usage(); !reflect.DeepEqual(after, before) {
			t.Fatalf("engine usage after a refused Vanished:\n%+v\nwant as before:\n%+v", after, before)
		}
		if drifts, err := st.Read().DriftsOf(ctx, w.ID); err != nil || len(drifts) != 0 {
			t.Fatalf("drifts after a refused Vanished: %+v %v", drifts, err)
		}
		if ps, err := st.Read().PlacementsOf(ctx, w.ID); err != nil || len(ps) != 2 {
			t.Fatalf("placements after a refused Vanished: %+v %v, want the two", ps, err)
		}
	})
}
