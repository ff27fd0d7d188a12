package alert_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// TestDriftClearedResolvesAlert: a cleared drift resolves the firing
// replica_drift alerts of its replica and kind — also one whose drift is
// older than the engine's look-back (fired before a restart) — and fires
// nothing itself; the same change recorded again after it fires a new
// alert that stays firing, and an alert of another replica is left alone.
// Evaluating again does not fire the resolved alert again.
func TestDriftClearedResolvesAlert(t *testing.T) {
	t.Parallel()
	f, clock := newDriftFixture(t)
	now, add, state, evaluate := f.now, f.add, f.state, f.evaluate

	// Fired two days ago, by an engine that has since restarted.
	old := add("pl_a", model.DriftReported, now.Add(-48*time.Hour))
	other := add("pl_b", model.DriftReported, now.Add(-47*time.Hour))
	before := alert.New(alert.Options{Now: func() time.Time { return now.Add(-47 * time.Hour) }}, f.st, f.h.Server.Fleet, nil, nil)
	evaluate(before)
	if state(old) != model.AlertFiring || state(other) != model.AlertFiring {
		t.Fatalf("alerts %s %s, want both firing", state(old), state(other))
	}

	cleared := add("pl_a", model.DriftCleared, now.Add(-time.Hour))
	again := add("pl_a", model.DriftReported, now.Add(-30*time.Minute))
	eng := alert.New(alert.Options{Now: clock}, f.st, f.h.Server.Fleet, nil, nil)
	for range 2 {
		evaluate(eng)
		if s := state(old); s != model.AlertResolved {
			t.Fatalf("the cleared drift's alert is %q, want resolved", s)
		}
		if s := state(cleared); s != "" {
			t.Fatalf("the cleared drift has an alert (%s)", s)
		}
		if s := state(again); s != model.AlertFiring {
			t.Fatalf("the drift recorded again after it cleared: alert %q, want firing", s)
		}
		if s := state(other); s != model.AlertFiring {
			t.Fatalf("another replica's alert is %q, want firing", s)
		}
	}
}

// TestDriftRestoredResolvesFailedRestore: when a restore the provider
// failed works on a later resync (a restored drift after restore_failed),
// the restore_failed alert resolves — its "the provider failed the
// restore" no longer holds — while the restored drift stays an alert of
// its own (a fact). Earlier restored drifts of the replica are facts too
// and stay firing; another replica's failed restore is left alone; a
// failure after the restore fires again.
func TestDriftRestoredResolvesFailedRestore(t *testing.T) {
	t.Parallel()
	f, clock := newDriftFixture(t)
	add := func(placement string, action model.DriftAction, ago time.Duration) string {
		t.Helper()
		return f.add(placement, action, f.now.Add(-ago))
	}
	eng := alert.New(alert.Options{Now: clock}, f.st, f.h.Server.Fleet, nil, nil)
	evaluate := func() { t.Helper(); f.evaluate(eng) }
	state := f.state

	earlier := add("pl_a", model.DriftRestored, 5*time.Hour)
	failed := add("pl_a", model.DriftRestoreFailed, 4*time.Hour)
	other := add("pl_b", model.DriftRestoreFailed, 4*time.Hour)
	evaluate()
	for _, id := range []string{earlier, failed, other} {
		if s := state(id); s != model.AlertFiring {
			t.Fatalf("alert of %s is %q before the restore, want firing", id, s)
		}
	}

	restored := add("pl_a", model.DriftRestored, 3*time.Hour)
	for range 2 {
		evaluate()
		want := map[string]model.AlertState{failed: model.AlertResolved, restored: model.AlertFiring,
			earlier: model.AlertFiring, other: model.AlertFiring}
		for id, w := range want {
			if s := state(id); s != w {
				t.Fatalf("alert of %s is %q after the restore, want %q", id, s, w)
			}
		}
	}

	again := add("pl_a", model.DriftRestoreFailed, 2*time.Hour)
	evaluate()
	if s := state(again); s != model.AlertFiring {
		t.Fatalf("a failed restore after the restore: alert %q, want firing", s)
	}
	if s := state(restored); s != model.AlertFiring {
		t.Fatalf("the restored drift's alert is %q, want still firing", s)
	}
}

// driftFixture records drifts (a stopped replica, by hand) on a test
// server and reads the replica_drift alert of each.
type driftFixture struct {
	t   *testing.T
	h   *servertest.Harness
	st  *store.Store
	now time.Time
}

func newDriftFixture(t *testing.T) (*driftFixture, func() time.Time) {
	t.Helper()
	h, clk := opstest.Start(t, config.Monitoring{AlertEvery: time.Hour})
	return &driftFixture{t: t, h: h, st: h.Server.Store, now: clk.Now()}, clk.Now
}

// add records a stopped drift of placement with action, detected at.
func (f *driftFixture) add(placement string, action model.DriftAction, at time.Time) string {
	f.t.Helper()
	ctx := context.Background()
	d := model.Drift{PlacementID: placement, WorkloadID: "wl_" + placement, ProviderID: "prv", SiteID: "site", ResourceID: "res-" + placement,
		Kind: model.DriftStopped, Detail: []model.Differs{{Field: "power", Want: "running", Got: "stopped"}}, Action: action, DetectedAt: at}
	if err := f.st.Write(ctx, func(tx *store.Tx) error { return tx.AddDrift(ctx, &d) }); err != nil {
		f.t.Fatal(err)
	}
	return d.ID
}

// state is the state of a drift's alert ("" when it has none).
func (f *driftFixture) state(driftID string) model.AlertState {
	f.t.Helper()
	p, err := f.st.Read().Alerts().List(context.Background(),
		store.ListOptions{Filters: map[string]string{"dedup_key": alert.RuleReplicaDrift + ":" + driftID}, Limit: 1})
	if err != nil {
		f.t.Fatal(err)
	}
	if len(p.Items) == 0 {
		return ""
	}
	return p.Items[0].State
}

// evaluate runs one evaluation of eng.
func (f *driftFixture) evaluate(eng *alert.Engine) {
	f.t.Helper()
	if err := eng.Evaluate(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}
