package reconcile_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

type driftView struct {
	ID         string `json:"id"`
	State      string `json:"state"`
	Reason     string `json:"reason"`
	Placements []struct {
		ID         string `json:"id"`
		Replica    int    `json:"replica"`
		State      string `json:"state"`
		SiteID     string `json:"site_id"`
		ProviderID string `json:"provider_id"`
		ResourceID string `json:"resource_id"`
		Reason     string `json:"reason"`
	} `json:"placements"`
}

// driftHarness starts a server whose resync lists every provider every
// resync, and creates one running single-replica workload in Brazil.
func driftHarness(t *testing.T, postgres bool, resync time.Duration) (*servertest.Harness, driftView) {
	t.Helper()
	h := servertest.Start(t, servertest.Options{Postgres: postgres, Configure: func(c *config.Config) {
		c.Reconcile.Resync = resync
	}})
	return h, createDriftWorkload(t, h)
}

// createDriftWorkload creates one single-replica workload in Brazil and
// waits until it runs.
func createDriftWorkload(t *testing.T, h *servertest.Harness) driftView {
	t.Helper()
	ctx := context.Background()
	body := oneReplicaBody(t, h)
	var w driftView
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", body, &w); err != nil {
		t.Fatal(err)
	}
	return waitWorkload(t, h.Admin, w.ID, func(v driftView) bool { return v.State == "running" })
}

// waitWorkload polls a workload until ok holds (deadline 30 s).
func waitWorkload(t *testing.T, c *client.Client, id string, ok func(driftView) bool) driftView {
	t.Helper()
	var v driftView
	opstest.Eventually(t, 30*time.Second, "workload "+id+" reaching the expected state", func() (bool, string) {
		v = driftView{}
		if _, err := c.Do(context.Background(), "GET", "/v1/workloads/"+id, nil, &v); err != nil {
			t.Fatal(err)
		}
		return ok(v), fmt.Sprintf("%+v", v)
	})
	return v
}

// TestDeletedOutsideIsRecreated: a simulated resource deleted behind
// soberana's back (as `openstack server delete` would) is found by the
// resync: the replica fails with "deleted outside soberana" (in the
// caller's language), its usage interval ends exactly at the last time a
// list showed the resource, an alert fires, and a new replica is placed
// within the workload's constraints and reaches running. On SQLite and
// PostgreSQL.
func TestDeletedOutsideIsRecreated(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		const resync = 300 * time.Millisecond
		h, w := driftHarness(t, pg, resync)
		ctx := context.Background()
		old := w.Placements[0]
		st := h.Server.Store
		// The resync saw it at least once.
		opstest.Seen(t, st, old.ID, 30*time.Second)
		deletedAt := st.Now()
		if err := h.Server.Sim.Tamper(ctx, old.ProviderID, old.ID, sim.Tamper{Delete: true}); err != nil {
			t.Fatal(err)
		}
		es := h.Client(servertest.AdminToken, "es")
		v := waitWorkload(t, es, w.ID, func(v driftView) bool {
			n := 0
			for _, p := range v.Placements {
				if p.State == "running" && p.ID != old.ID {
					n++
				}
			}
			return v.State == "running" && n == 1
		})
		var failed, fresh = v.Placements[0], v.Placements[0]
		for _, p := range v.Placements {
			if p.ID == old.ID {
				failed = p
			} else {
				fresh = p
			}
		}
		if failed.State != "failed" || !strings.Contains(failed.Reason, "eliminado fuera de soberana") || !strings.Contains(failed.Reason, old.ResourceID) {
			t.Fatalf("old replica: %+v, want failed, deleted outside soberana (es)", failed)
		}
		if fresh.Replica != old.Replica || fresh.ResourceID == "" || fresh.ResourceID == old.ResourceID {
			t.Fatalf("new replica %+v does not replace %+v", fresh, old)
		}
		site, ok := h.Server.Fleet.Site(fresh.SiteID)
		if !ok || site.Country != "BR" {
			t.Fatalf("recreated on %s (%+v), outside the workload's residency", fresh.SiteID, site)
		}

		// Metering stopped exactly at the last time a list showed it.
		seen, err := st.Read().LastSeen(ctx, old.ID)
		if err != nil || seen == nil {
			t.Fatalf("last seen: %v %v", seen, err)
		}
		if seen.After(deletedAt) || deletedAt.Sub(*seen) > resync+30*time.Second {
			t.Fatalf("last seen %s, deleted at %s", seen, deletedAt)
		}
		ivs, err := st.Read().WorkloadIntervals(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		var oldIv, newIv *store.UsageInterval
		for i := range ivs {
			switch ivs[i].PlacementID {
			case old.ID:
				oldIv = &ivs[i]
			case fresh.ID:
				newIv = &ivs[i]
			}
		}
		if oldIv == nil || oldIv.End == nil || !oldIv.End.Equal(seen.Truncate(time.Second)) {
			t.Fatalf("old replica's usage interval %+v, want it ended at %s", oldIv, seen.Truncate(time.Second))
		}
		if newIv == nil || newIv.End != nil {
			t.Fatalf("new replica's usage interval %+v, want one open", newIv)
		}
		drifts, err := st.Read().DriftsOf(ctx, w.ID)
		if err != nil || len(drifts) != 1 || drifts[0].Kind != model.DriftDeleted || drifts[0].Action != model.DriftRecreated ||
			drifts[0].LastSeenAt == nil || !drifts[0].LastSeenAt.Equal(seen.Truncate(time.Second)) {
			t.Fatalf("drifts %+v %v", drifts, err)
		}

		// Audited under the system actor, in the institution's scope.
		evs, err := st.Read().AuditEvents(ctx, store.AuditFilter{Action: "replica.deleted_outside", TargetID: old.ID, Limit: 10})
		if err != nil || len(evs) != 1 || evs[0].ActorID != "system" || evs[0].InstitutionID == "" {
			t.Fatalf("audit events %+v %v", evs, err)
		}

		// The alert fires, in the caller's language.
		opstest.Eventually(t, 30*time.Second, "an alert for the deleted replica", func() (bool, string) {
			var alerts struct {
				Items []struct {
					Rule     string `json:"rule"`
					TargetID string `json:"target_id"`
					State    string `json:"state"`
					Summary  string `json:"summary"`
				} `json:"items"`
			}
			if _, err := es.Do(ctx, "GET", "/v1/alerts?rule=replica_deleted_outside", nil, &alerts); err != nil {
				t.Fatal(err)
			}
			for _, a := range alerts.Items {
				if a.TargetID == old.ID && a.State == "firing" && strings.Contains(a.Summary, "eliminado fuera de soberana") {
					return true, ""
				}
			}
			return false, fmt.Sprintf("%+v", alerts.Items)
		})
	})
}

// TestDeletedOutsideNoRecreate: with a drift policy that does not
// recreate, the replica stays failed and the single-replica workload fails
// with the reason; nothing is created again.
func TestDeletedOutsideNoRecreate(t *testing.T) {
	h, w := driftHarness(t, false, 200*time.Millisecond)
	ctx := context.Background()
	// A bad policy is refused with the reason in the caller's language.
	es := h.Client(servertest.AdminToken, "es")
	if _, err := es.Do(ctx, "PUT", "/v1/workloads/"+w.ID+"/drift-policy", map[string]any{"on_change": "ignore"}, nil); err == nil ||
		!strings.Contains(err.Error(), "ignore") || !strings.Contains(err.Error(), "on_change") {
		t.Fatalf("PUT a bad drift policy: %v", err)
	}
	var pol model.DriftPolicy
	if _, err := h.Admin.Do(ctx, "PUT", "/v1/workloads/"+w.ID+"/drift-policy", map[string]any{"recreate": false}, &pol); err != nil ||
		pol.Recreate || pol.OnChange != model.DriftRestore {
		t.Fatalf("PUT drift policy: %+v %v", pol, err)
	}
	old := w.Placements[0]
	if err := h.Server.Sim.Tamper(ctx, old.ProviderID, old.ID, sim.Tamper{Delete: true}); err != nil {
		t.Fatal(err)
	}
	v := waitWorkload(t, h.Admin, w.ID, func(v driftView) bool { return v.State == "failed" })
	if len(v.Placements) != 1 || v.Placements[0].State != "failed" || !strings.Contains(v.Reason, "deleted outside soberana") {
		t.Fatalf("workload %+v", v)
	}
	var drifts struct{ Items []model.Drift }
	if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+w.ID+"/drifts", nil, &drifts); err != nil ||
		len(drifts.Items) != 1 || drifts.Items[0].Action != model.DriftFailed || drifts.Items[0].PlacementID != old.ID {
		t.Fatalf("drifts %+v %v", drifts, err)
	}
}

// TestChangedOutsideIsRestored: a resource stopped, and one resized,
// behind soberana's back are brought back to what was placed (the default
// policy), each drift recorded with what differed; under the adopt policy
// a change is recorded once and left as it is; a move to another site is
// reported (it cannot be undone in place), once.
func TestChangedOutsideIsRestored(t *testing.T) {
	t.Parallel()
	h, w := driftHarness(t, false, 200*time.Millisecond)
	ctx := context.Background()
	st := h.Server.Store
	p := w.Placements[0]
	waitDrift := func(n int) []model.Drift {
		t.Helper()
		var ds []model.Drift
		opstest.Eventually(t, 30*time.Second, fmt.Sprintf("%d drifts recorded", n), func() (bool, string) {
			var err error
			if ds, err = st.Read().DriftsOf(ctx, w.ID); err != nil {
				t.Fatal(err)
			}
			return len(ds) >= n, fmt.Sprintf("%d recorded: %+v", len(ds), ds)
		})
		return ds
	}
	res := func() model.SimResource {
		r, err := st.Read().SimGet(ctx, p.ProviderID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	if err := h.Server.Sim.Tamper(ctx, p.ProviderID, p.ID, sim.Tamper{Stop: true}); err != nil {
		t.Fatal(err)
	}
	ds := waitDrift(1)
	if ds[0].Kind != model.DriftStopped || ds[0].Action != model.DriftRestored || res().State != "active" {
		t.Fatalf("stopped: drift %+v, resource %+v", ds[0], res())
	}

	want := res()
	if err := h.Server.Sim.Tamper(ctx, p.ProviderID, p.ID, sim.Tamper{VCPUs: want.VCPUs * 4}); err != nil {
		t.Fatal(err)
	}
	ds = waitDrift(2)
	if ds[1].Kind != model.DriftResized || ds[1].Action != model.DriftRestored || res().VCPUs != want.VCPUs ||
		len(ds[1].Detail) != 1 || ds[1].Detail[0].Field != "vcpus" {
		t.Fatalf("resized: drift %+v, resource %+v", ds[1], res())
	}

	if err := st.Write(ctx, func(tx *store.Tx) error {
		return tx.PutDriftPolicy(ctx, w.ID, model.DriftPolicy{Recreate: true, OnChange: model.DriftAdopt})
	}); err != nil {
		t.Fatal(err)
	}
	if err := h.Server.Sim.Tamper(ctx, p.ProviderID, p.ID, sim.Tamper{Stop: true}); err != nil {
		t.Fatal(err)
	}
	ds = waitDrift(3)
	if ds[2].Kind != model.DriftStopped || ds[2].Action != model.DriftAdopted || res().State != sim.StateStopped {
		t.Fatalf("adopted: drift %+v, resource %+v", ds[2], res())
	}
	// Moved to another zone: reported (it cannot be undone in place).
	if err := h.Server.Sim.Tamper(ctx, p.ProviderID, p.ID, sim.Tamper{SiteID: p.SiteID + "-elsewhere"}); err != nil {
		t.Fatal(err)
	}
	ds = waitDrift(4)
	if ds[3].Kind != model.DriftMoved || ds[3].Action != model.DriftReported || ds[3].Detail[0].Got != p.SiteID+"-elsewhere" {
		t.Fatalf("moved: drift %+v", ds[3])
	}
	// Adopted and reported once, not again at every resync: wait for
	// several lists.
	lists := func() int {
		n := 0
		for _, pr := range h.Server.Fleet.Providers() {
			if pr.ID == p.ProviderID {
				n = int(h.Server.Reconciler.ResyncLists(pr.ID))
			}
		}
		return n
	}
	n0 := lists()
	opstest.Eventually(t, 30*time.Second, "three more resync lists", func() (bool, string) {
		n := lists()
		return n >= n0+3, fmt.Sprintf("the resync stopped listing at %d (from %d)", n, n0)
	})
	if ds := waitDrift(4); len(ds) != 4 {
		t.Fatalf("an adopted or reported drift was recorded again: %+v", ds)
	}
	v := waitWorkload(t, h.Admin, w.ID, func(v driftView) bool { return true })
	if v.State != "running" || v.Placements[0].State != "running" {
		t.Fatalf("an adopted drift changed the workload: %+v", v)
	}
}

// TestDeletedWhileDownIsFoundAfterRestart: a resource deleted while
// soberana is stopped is found by the restarted server (the last-seen time
// survives the restart, and so metering stops there, not at the restart).
func TestDeletedWhileDownIsFoundAfterRestart(t *testing.T) {
	dir := t.TempDir()
	h := servertest.Start(t, servertest.Options{DataDir: dir, Configure: func(c *config.Config) {
		c.Reconcile.Resync = 200 * time.Millisecond
	}})
	w := createDriftWorkload(t, h)
	ctx := context.Background()
	old := w.Placements[0]
	opstest.Seen(t, h.Server.Store, old.ID, 30*time.Second)
	h.Stop()
	// While soberana is down, the cloud's operator deletes the resource.
	st, err := store.Open(ctx, filepath.Join(dir, "soberana.db"))
	if err != nil {
		t.Fatal(err)
	}
	seenBefore, err := st.Read().LastSeen(ctx, old.ID)
	if err != nil || seenBefore == nil {
		t.Fatalf("last seen before the restart: %v %v", seenBefore, err)
	}
	if err := sim.New(st).Tamper(ctx, old.ProviderID, old.ID, sim.Tamper{Delete: true}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	h2 := servertest.Start(t, servertest.Options{DataDir: dir, Configure: func(c *config.Config) {
		c.Reconcile.Resync = 200 * time.Millisecond
	}})
	v := waitWorkload(t, h2.Admin, w.ID, func(v driftView) bool {
		for _, p := range v.Placements {
			if p.ID != old.ID && p.State == "running" {
				return v.State == "running"
			}
		}
		return false
	})
	ivs, err := h2.Server.Store.Read().WorkloadIntervals(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, iv := range ivs {
		if iv.PlacementID == old.ID && (iv.End == nil || !iv.End.Equal(seenBefore.Truncate(time.Second))) {
			t.Fatalf("interval %+v, want it ended at %s (last seen before the restart)", iv, seenBefore.Truncate(time.Second))
		}
	}
	for _, p := range v.Placements {
		if p.ID == old.ID && (p.State != "failed" || !strings.Contains(p.Reason, "deleted outside soberana")) {
			t.Fatalf("old replica %+v", p)
		}
	}
}
