package alert_test

import (
	"testing"
	"time"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/model"
)

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
