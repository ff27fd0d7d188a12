package reconcile_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/reconcile"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// TestDriftRecursAfterCleared: a drift that recurs after the replica was
// put back by hand is recorded again, never silently ignored. A replica
// stopped outside soberana on a cloud that cannot start it is reported;
// started by hand, the next resync records the drift cleared — once, not
// at every resync —, in the workload's timeline (in the caller's
// language), and its replica_drift alert resolves; stopped again, it is a
// second reported drift with an alert of its own. The same holds for an
// adopted drift. A replica that stays stopped is recorded once however
// many resyncs see it.
func TestDriftRecursAfterCleared(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h, drv, p, rows := faultServer(t, pg, 3)
		r, st := h.Server.Reconciler, h.Server.Store
		ctx := context.Background()
		flaps, still, adopted := rows[0], rows[1], rows[2]
		if err := st.Write(ctx, func(tx *store.Tx) error {
			return tx.PutDriftPolicy(ctx, adopted.WorkloadID, model.DriftPolicy{Recreate: true, OnChange: model.DriftAdopt})
		}); err != nil {
			t.Fatal(err)
		}
		// A cloud that cannot start a server.
		drv.onStart = func(provider.ResourceRef) error { return provider.ErrUnsupported }
		resync := func(n int) { t.Helper(); resyncTimes(t, r, p, n) }
		stop := func(pls ...store.PlacementRow) {
			t.Helper()
			for _, pl := range pls {
				if err := drv.Tamper(ctx, pl.ProviderID, pl.ID, sim.Tamper{Stop: true}); err != nil {
					t.Fatal(err)
				}
			}
		}

		stop(flaps, still, adopted)
		resync(2)
		wantDrifts(t, st, flaps, model.DriftStopped, model.DriftReported)
		wantDrifts(t, st, still, model.DriftStopped, model.DriftReported)
		wantDrifts(t, st, adopted, model.DriftStopped, model.DriftAdopted)
		if n := driftAlerts(t, h, flaps.ID, "cannot bring it back"); n != 1 {
			t.Fatalf("%d replica_drift alerts of the reported drift, want 1", n)
		}

		// An operator starts two of them by hand: cleared, once.
		startByHand(t, h, flaps, adopted)
		resync(3)
		wantDrifts(t, st, flaps, model.DriftStopped, model.DriftReported, model.DriftCleared)
		wantDrifts(t, st, adopted, model.DriftStopped, model.DriftAdopted, model.DriftCleared)
		wantDrifts(t, st, still, model.DriftStopped, model.DriftReported)
		if n := driftTotal(t, h, model.DriftStopped, model.DriftCleared); n != 2 {
			t.Fatalf("soberana_drift_total stopped cleared = %v, want 2", n)
		}
		if n := driftAlerts(t, h, flaps.ID, "cannot bring it back"); n != 0 {
			t.Fatalf("%d replica_drift alerts of the cleared drift still firing, want 0", n)
		}
		if n := driftAlerts(t, h, adopted.ID, "adopted"); n != 0 {
			t.Fatalf("%d replica_drift alerts of the cleared adopted drift still firing, want 0", n)
		}
		if a := alertsOf(t, h, flaps.ID); len(a) != 1 || a[0].State != model.AlertResolved || a[0].ResolvedAt == nil {
			t.Fatalf("alerts of the cleared drift %+v, want one resolved", a)
		}
		if n := driftAlerts(t, h, still.ID, "cannot bring it back"); n != 1 {
			t.Fatalf("%d replica_drift alerts of the drift still holding, want 1 (firing)", n)
		}
		var drifts struct{ Items []model.Drift }
		if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+flaps.WorkloadID+"/drifts", nil, &drifts); err != nil ||
			len(drifts.Items) != 2 || drifts.Items[1].Action != model.DriftCleared || drifts.Items[1].Detail[0].Field != "power" {
			t.Fatalf("GET drifts: %+v %v", drifts, err)
		}
		for lang, want := range map[string]string{"es": "vuelve a estar como se solicitó", "pt-BR": "voltou a estar como solicitado",
			"en": "is as asked again"} {
			if !inTimeline(t, h, lang, flaps.WorkloadID, want, "power: running → stopped") {
				t.Fatalf("the %s timeline lacks the cleared drift (%q)", lang, want)
			}
		}

		// Weeks later, stopped outside soberana again: a new drift, alerted.
		stop(flaps, adopted)
		resync(2)
		wantDrifts(t, st, flaps, model.DriftStopped, model.DriftReported, model.DriftCleared, model.DriftReported)
		wantDrifts(t, st, adopted, model.DriftStopped, model.DriftAdopted, model.DriftCleared, model.DriftAdopted)
		wantDrifts(t, st, still, model.DriftStopped, model.DriftReported)
		if n := driftAlerts(t, h, flaps.ID, "cannot bring it back"); n != 1 {
			t.Fatalf("%d replica_drift alerts of the recurring drift, want 1", n)
		}
		if n := driftAlerts(t, h, adopted.ID, "adopted"); n != 1 {
			t.Fatalf("%d replica_drift alerts of the recurring adopted drift, want 1", n)
		}
		if a := alertsOf(t, h, flaps.ID); len(a) != 2 {
			t.Fatalf("alerts of the replica %+v, want the resolved one and the new one", a)
		}
	})
}

// TestRestoreFailedClearedByHand: a restore the provider keeps failing
// stops being tried once the replica is put back by hand: the drift is
// recorded cleared and its alert resolves; a new stop whose restore fails
// again is recorded (and alerted) again, not swallowed as a retry.
func TestRestoreFailedClearedByHand(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h, drv, p, rows := faultServer(t, pg, 1)
		r, st := h.Server.Reconciler, h.Server.Store
		ctx := context.Background()
		pl := rows[0]
		var failed atomic.Int64
		drv.onStart = func(provider.ResourceRef) error {
			failed.Add(1)
			return errors.New("nova: instance is locked")
		}
		resync := func(n int) { t.Helper(); resyncTimes(t, r, p, n) }
		if err := drv.Tamper(ctx, pl.ProviderID, pl.ID, sim.Tamper{Stop: true}); err != nil {
			t.Fatal(err)
		}
		resync(2)
		wantDrifts(t, st, pl, model.DriftStopped, model.DriftRestoreFailed)
		if n := driftAlerts(t, h, pl.ID, "failed to bring it back"); n != 1 {
			t.Fatalf("%d replica_drift alerts of the failed restore, want 1", n)
		}

		startByHand(t, h, pl)
		resync(2)
		wantDrifts(t, st, pl, model.DriftStopped, model.DriftRestoreFailed, model.DriftCleared)
		if n := failed.Load(); n != 2 {
			t.Fatalf("%d failed starts, want 2: none once the replica is back", n)
		}
		if n := driftAlerts(t, h, pl.ID, "failed to bring it back"); n != 0 {
			t.Fatalf("%d replica_drift alerts of the cleared drift still firing, want 0", n)
		}

		if err := drv.Tamper(ctx, pl.ProviderID, pl.ID, sim.Tamper{Stop: true}); err != nil {
			t.Fatal(err)
		}
		resync(2)
		wantDrifts(t, st, pl, model.DriftStopped, model.DriftRestoreFailed, model.DriftCleared, model.DriftRestoreFailed)
		if n := driftAlerts(t, h, pl.ID, "failed to bring it back"); n != 1 {
			t.Fatalf("%d replica_drift alerts of the recurring failed restore, want 1", n)
		}
		if got := simState(t, st, pl); got != sim.StateStopped {
			t.Fatalf("resource %s, want it still stopped (every start fails)", got)
		}
	})
}

// resyncTimes runs n resyncs of provider p, failing the test on error.
func resyncTimes(t *testing.T, r *reconcile.Reconciler, p model.Provider, n int) {
	t.Helper()
	for range n {
		if err := r.ResyncProvider(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
}

// startByHand starts replicas' simulated resources the way an operator
// of the cloud would, without soberana.
func startByHand(t *testing.T, h *servertest.Harness, pls ...store.PlacementRow) {
	t.Helper()
	for _, pl := range pls {
		ref := provider.ResourceRef{ProviderID: pl.ProviderID, SiteID: pl.SiteID, WorkloadID: pl.WorkloadID, ReplicaID: pl.ID, ResourceID: pl.ResourceID}
		if err := h.Server.Sim.Start(context.Background(), ref); err != nil {
			t.Fatal(err)
		}
	}
}

// alertsOf evaluates the alert rules once and returns the replica_drift
// alerts of a placement, firing or resolved, oldest first.
func alertsOf(t *testing.T, h *servertest.Harness, placementID string) []api.AlertView {
	t.Helper()
	ctx := context.Background()
	if err := h.Server.Ops.Alerts.Evaluate(ctx); err != nil {
		t.Fatal(err)
	}
	var alerts struct{ Items []api.AlertView }
	if _, err := h.Admin.Do(ctx, "GET", "/v1/alerts?rule=replica_drift&limit=1000", nil, &alerts); err != nil {
		t.Fatal(err)
	}
	var out []api.AlertView
	for _, a := range alerts.Items {
		if a.TargetID == placementID {
			out = append(out, a)
		}
	}
	return out
}

// inTimeline reports whether a workload's timeline, read in lang, has an
// event that says every one of what.
func inTimeline(t *testing.T, h *servertest.Harness, lang, workloadID string, what ...string) bool {
	t.Helper()
	var w struct {
		Events []struct {
			Reason string `json:"reason"`
		} `json:"events"`
	}
	if _, err := h.Client(servertest.AdminToken, lang).Do(context.Background(), "GET", "/v1/workloads/"+workloadID, nil, &w); err != nil {
		t.Fatal(err)
	}
	for _, e := range w.Events {
		all := true
		for _, s := range what {
			all = all && strings.Contains(e.Reason, s)
		}
		if all {
			return true
		}
	}
	return false
}

// TestOpenDriftsOf: the database chooses a provider's open drifts — per
// running placement and kind, the latest drift (by detected time, then
// id) when its action leaves it open; a later drift closes an older one,
// a deleted drift and another provider's drifts are never returned, and
// a placement no longer running has none.
func TestOpenDriftsOf(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h, _, p, rows := faultServer(t, pg, 3)
		st := h.Server.Store
		ctx := context.Background()
		a, b, gone := rows[0], rows[1], rows[2]
		t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		drift := func(id string, pl store.PlacementRow, kind model.DriftKind, action model.DriftAction, at time.Duration) *model.Drift {
			return &model.Drift{ID: id, PlacementID: pl.ID, WorkloadID: pl.WorkloadID, InstitutionID: "ins", ProviderID: pl.ProviderID,
				SiteID: pl.SiteID, ResourceID: pl.ResourceID, Kind: kind, Action: action, DetectedAt: t0.Add(at)}
		}
		other := drift("dft_other", b, model.DriftResized, model.DriftReported, 9*time.Minute)
		other.ProviderID = "prv_other"
		for _, d := range []*model.Drift{
			drift("dft_a1", a, model.DriftStopped, model.DriftReported, time.Minute), // closed by a2
			drift("dft_a2", a, model.DriftStopped, model.DriftCleared, 2*time.Minute),
			drift("dft_a3", a, model.DriftResized, model.DriftAdopted, time.Minute), // open
			drift("dft_a4", a, model.DriftDeleted, model.DriftReported, 3*time.Minute),
			// Same detected time: the greater id is the later.
			drift("dft_b1", b, model.DriftStopped, model.DriftRestored, 4*time.Minute),
			drift("dft_b2", b, model.DriftStopped, model.DriftRestoreFailed, 4*time.Minute), // open
			drift("dft_b4", b, model.DriftMoved, model.DriftReported, 5*time.Minute),        // closed by b5
			drift("dft_b5", b, model.DriftMoved, model.DriftRestored, 5*time.Minute),
			drift("dft_b6", b, model.DriftMoved, model.DriftReported, 4*time.Minute), // older than b5
			other,
			drift("dft_g1", gone, model.DriftStopped, model.DriftReported, time.Minute),
		} {
			if err := st.Write(ctx, func(tx *store.Tx) error { return tx.AddDrift(ctx, d) }); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE placements SET state = ? WHERE id = ?", model.PlacementFailed, gone.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := st.Read().OpenDriftsOf(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range got {
			ids = append(ids, d.ID)
		}
		if want := []string{"dft_a3", "dft_b2"}; !slices.Equal(ids, want) {
			t.Fatalf("open drifts %v, want %v", ids, want)
		}
		for _, d := range got {
			if !d.Action.Open() {
				t.Errorf("%s: action %s is not open", d.ID, d.Action)
			}
		}
	})
}
