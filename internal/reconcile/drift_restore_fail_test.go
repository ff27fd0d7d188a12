package reconcile_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// TestResyncRestoreFails: under the restore policy, a drifted resource
// whose repair the provider fails (a start, a resize back) is not
// silently ignored: the drift is recorded restore_failed — once, though
// every resync tries again — with the provider's error in the workload's
// timeline (in the caller's language), counted at every attempt, shown by
// GET /v1/workloads/{id}/drifts, and alerted (replica_drift, one alert).
// The resync does not fail and the other drifted replicas are restored.
// Once the provider works the next resync restores the resource and
// records it restored, once.
func TestResyncRestoreFails(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h, drv, p, rows := faultServer(t, pg, 3)
		r, st := h.Server.Reconciler, h.Server.Store
		ctx := context.Background()
		stopped, resized, fine := rows[0], rows[1], rows[2]
		for _, pl := range []store.PlacementRow{stopped, fine} {
			if err := drv.Tamper(ctx, pl.ProviderID, pl.ID, sim.Tamper{Stop: true}); err != nil {
				t.Fatal(err)
			}
		}
		if err := drv.Tamper(ctx, resized.ProviderID, resized.ID, sim.Tamper{VCPUs: resized.VCPUs * 4}); err != nil {
			t.Fatal(err)
		}
		errCloud := errors.New("nova: instance is locked")
		var failedStarts, failedResizes atomic.Int64
		drv.onStart = func(ref provider.ResourceRef) error {
			if ref.ReplicaID == stopped.ID {
				failedStarts.Add(1)
				return errCloud
			}
			return nil
		}
		drv.onResize = func(provider.Spec) error {
			failedResizes.Add(1)
			return errCloud
		}
		for range 2 { // the second resync tries again and records nothing new
			if err := r.ResyncProvider(ctx, p); err != nil {
				t.Fatalf("resync with failing repairs: %v", err)
			}
		}
		if s, z := failedStarts.Load(), failedResizes.Load(); s != 2 || z != 2 {
			t.Fatalf("%d failed starts and %d failed resizes, want 2 each (one per resync)", s, z)
		}
		wantDrifts(t, st, stopped, model.DriftStopped, model.DriftRestoreFailed)
		wantDrifts(t, st, resized, model.DriftResized, model.DriftRestoreFailed)
		wantDrifts(t, st, fine, model.DriftStopped, model.DriftRestored)
		if got := simState(t, st, stopped); got != sim.StateStopped {
			t.Fatalf("the resource whose start failed is %s", got)
		}
		for _, c := range []struct {
			kind model.DriftKind
			want float64
		}{{model.DriftStopped, 2}, {model.DriftResized, 2}} {
			if n := driftTotal(t, h, c.kind, model.DriftRestoreFailed); n != c.want {
				t.Fatalf("soberana_drift_total %s restore_failed = %v, want %v (every failed attempt)", c.kind, n, c.want)
			}
		}

		// Through the API: the drift, and the provider's error in the
		// timeline, in the caller's language.
		var drifts struct{ Items []model.Drift }
		if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+stopped.WorkloadID+"/drifts", nil, &drifts); err != nil ||
			len(drifts.Items) != 1 || drifts.Items[0].Action != model.DriftRestoreFailed || drifts.Items[0].PlacementID != stopped.ID {
			t.Fatalf("GET drifts: %+v %v", drifts, err)
		}
		var w struct {
			Events []struct {
				Reason string `json:"reason"`
			} `json:"events"`
		}
		if _, err := h.Client(servertest.AdminToken, "es").Do(ctx, "GET", "/v1/workloads/"+resized.WorkloadID, nil, &w); err != nil {
			t.Fatal(err)
		}
		told := false
		for _, e := range w.Events {
			told = told || strings.Contains(e.Reason, "no pudo restablecerlo") && strings.Contains(e.Reason, errCloud.Error())
		}
		if !told {
			t.Fatalf("timeline %+v lacks the failed restore with the provider's error (es)", w.Events)
		}

		// One alert per failed restore, however many resyncs tried.
		if n := driftAlerts(t, h, stopped.ID, "failed to bring it back"); n != 1 {
			t.Fatalf("%d replica_drift alerts of the failed start, want 1", n)
		}
		if n := driftAlerts(t, h, resized.ID, "failed to bring it back"); n != 1 {
			t.Fatalf("%d replica_drift alerts of the failed resize, want 1", n)
		}

		drv.onStart, drv.onResize = nil, nil
		for range 2 { // the second resync finds nothing more to do
			if err := r.ResyncProvider(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		wantDrifts(t, st, stopped, model.DriftStopped, model.DriftRestoreFailed, model.DriftRestored)
		wantDrifts(t, st, resized, model.DriftResized, model.DriftRestoreFailed, model.DriftRestored)
		wantDrifts(t, st, fine, model.DriftStopped, model.DriftRestored)
		if got := simState(t, st, stopped); got != provider.StateActive {
			t.Fatalf("the stopped resource after the provider works: %s", got)
		}
		res, err := st.Read().SimGet(ctx, resized.ProviderID, resized.ID)
		if err != nil || res.VCPUs != resized.VCPUs || res.State != provider.StateActive {
			t.Fatalf("resized resource after the repair: %+v %v", res, err)
		}
		if n := driftAlerts(t, h, stopped.ID, "brought back to what was asked"); n != 1 {
			t.Fatalf("%d replica_drift alerts of the restore that held, want 1", n)
		}
	})
}

// wantDrifts fails the test unless the replica's workload recorded
// exactly these drifts, all of kind, in this order of actions.
func wantDrifts(t *testing.T, st *store.Store, pl store.PlacementRow, kind model.DriftKind, actions ...model.DriftAction) {
	t.Helper()
	ds, err := st.Read().DriftsOf(context.Background(), pl.WorkloadID)
	if err != nil {
		t.Fatal(err)
	}
	ok := len(ds) == len(actions)
	for i := 0; ok && i < len(ds); i++ {
		ok = ds[i].PlacementID == pl.ID && ds[i].Kind == kind && ds[i].Action == actions[i] && len(ds[i].Detail) > 0
	}
	if !ok {
		t.Fatalf("replica %s: drifts %+v, want %s drifts %v", pl.ID, ds, kind, actions)
	}
}

// driftAlerts evaluates the alert rules once and counts the firing
// replica_drift alerts of a placement whose summary (en) says what.
func driftAlerts(t *testing.T, h *servertest.Harness, placementID, what string) int {
	t.Helper()
	n := 0
	for _, a := range alertsOf(t, h, placementID) {
		if a.State == model.AlertFiring && strings.Contains(a.Summary, what) {
			n++
		}
	}
	return n
}

// driftTotal scrapes the server's soberana_drift_total of one kind and
// action (0 when never counted).
func driftTotal(t *testing.T, h *servertest.Harness, kind model.DriftKind, action model.DriftAction) float64 {
	t.Helper()
	resp, err := http.Get(h.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	prefix := fmt.Sprintf("soberana_drift_total{action=%q,kind=%q} ", action, kind)
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return 0
}
