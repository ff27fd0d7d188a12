package alert_test

import (
	"testing"
	"time"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/model"
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
