package deploy

import (
	"context"
	"errors"
	"testing"

	"github.com/soberana/soberana/internal/model"
)

// TestTransitionTablesCoverTheStates: every state in the tables is a
// known one, succeeded, failed and rolled back are final, and every other
// state has a way out.
func TestTransitionTablesCoverTheStates(t *testing.T) {
	t.Parallel()
	finalRel := map[model.ReleaseState]bool{model.ReleaseSucceeded: true, model.ReleaseFailed: true}
	for _, s := range model.ReleaseStates {
		if got := len(ReleaseTransitions[s]) > 0; got == finalRel[s] {
			t.Errorf("release state %s: has moves %v, want final %v", s, got, finalRel[s])
		}
	}
	for from, tos := range ReleaseTransitions {
		for _, to := range append([]model.ReleaseState{from}, tos...) {
			if !containsState(model.ReleaseStates, to) {
				t.Errorf("release transition %s → %s: unknown state", from, to)
			}
		}
	}
	finalStep := map[model.StepState]bool{model.StepFailed: true, model.StepRolledBack: true}
	for _, s := range model.StepStates {
		if got := len(StepTransitions[s]) > 0; got == finalStep[s] {
			t.Errorf("step state %s: has moves %v, want final %v", s, got, finalStep[s])
		}
	}
	for from, tos := range StepTransitions {
		for _, to := range append([]model.StepState{from}, tos...) {
			if !containsState(model.StepStates, to) {
				t.Errorf("step transition %s → %s: unknown state", from, to)
			}
		}
	}
}

func containsState[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestIllegalTransitionsAreRefused: setRelease and setStep refuse a move
// the tables do not allow with a *TransitionError and leave the state as
// it was; a move they allow goes through.
func TestIllegalTransitionsAreRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ from, to model.ReleaseState }{
		{model.ReleaseSucceeded, model.ReleaseRollingOut},
		{model.ReleaseFailed, model.ReleaseQueued},
		{model.ReleaseQueued, model.ReleaseSucceeded}, // a release cannot skip its rollout
		{model.ReleaseRollingBack, model.ReleaseSucceeded},
	} {
		rel := model.Release{State: c.from}
		var te *TransitionError
		if err := setRelease(&rel, c.to); !errors.As(err, &te) || te.Of != "release" {
			t.Errorf("release %s → %s: err %v, want a release *TransitionError", c.from, c.to, err)
		}
		if rel.State != c.from {
			t.Errorf("release %s → %s refused but the state is now %s", c.from, c.to, rel.State)
		}
	}
	for _, c := range []struct{ from, to model.StepState }{
		{model.StepPending, model.StepAvailable}, // not applied yet
		{model.StepAvailable, model.StepFailed},
		{model.StepRolledBack, model.StepWaiting},
		{model.StepFailed, model.StepRolledBack}, // a failed site keeps its state; RolledBack says it was returned
	} {
		st := model.Step{State: c.from}
		var te *TransitionError
		if err := setStep(&st, c.to); !errors.As(err, &te) || te.Of != "step" {
			t.Errorf("step %s → %s: err %v, want a step *TransitionError", c.from, c.to, err)
		}
		if st.State != c.from {
			t.Errorf("step %s → %s refused but the state is now %s", c.from, c.to, st.State)
		}
	}
	rel := model.Release{State: model.ReleaseQueued}
	if err := setRelease(&rel, model.ReleaseRollingOut); err != nil || rel.State != model.ReleaseRollingOut {
		t.Errorf("queued → rolling_out: %v, state %s", err, rel.State)
	}
	st := model.Step{State: model.StepWaiting}
	if err := setStep(&st, model.StepAvailable); err != nil || st.State != model.StepAvailable {
		t.Errorf("waiting → available: %v, state %s", err, st.State)
	}
}

// TestRolloutRefusesToFailASucceededRelease: the rollout service itself
// goes through the tables — failing a site of a release that already
// succeeded (an available site turning failed, a succeeded release
// rolling back) is refused, and the stored release is left as it was.
func TestRolloutRefusesToFailASucceededRelease(t *testing.T) {
	e := newSimEnv(t, nil)
	ctx := context.Background()
	rel, _ := e.settle(t, e.release(t, "registry.example.mx/salud/citas:v2").ID, 50)
	if rel.State != StateSucceeded {
		t.Fatalf("release %s: %s", rel.State, Render("en", rel.Reason))
	}
	var te *TransitionError
	if err := e.ro.fail(ctx, &rel, 0, M("release.reason.apply", "late")); !errors.As(err, &te) {
		t.Fatalf("failing a site of a succeeded release: %v, want a *TransitionError", err)
	}
	got, err := e.st.Read().Releases().Get(ctx, rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != StateSucceeded || got.Steps[0].State != StepAvailable {
		t.Errorf("stored release %s, site 0 %s: want succeeded and available", got.State, got.Steps[0].State)
	}
}
