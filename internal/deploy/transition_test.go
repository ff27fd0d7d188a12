package deploy

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/soberana/soberana/internal/model"
)

// TestTransitionTablesCoverTheStates: every state in the tables is a
// known one, succeeded, failed and rolled back are final, and every other
// state has a way out.
func TestTransitionTablesCoverTheStates(t *testing.T) {
	t.Parallel()
	coversStates(t, "release", ReleaseTransitions, model.ReleaseStates, model.ReleaseSucceeded, model.ReleaseFailed)
	coversStates(t, "step", StepTransitions, model.StepStates, model.StepFailed, model.StepRolledBack)
}

// coversStates: the states with no move in table are exactly final, and
// the table names no state outside states.
func coversStates[S ~string](t *testing.T, of string, table model.StateTable[S], states []S, final ...S) {
	t.Helper()
	for _, s := range states {
		if got, want := len(table[s]) > 0, !slices.Contains(final, s); got != want {
			t.Errorf("%s state %s: has moves %v, want final %v", of, s, got, !want)
		}
	}
	for from, tos := range table {
		for _, to := range append([]S{from}, tos...) {
			if !slices.Contains(states, to) {
				t.Errorf("%s transition %s → %s: unknown state", of, from, to)
			}
		}
	}
}

// TestIllegalTransitionsAreRefused: setRelease and setStep refuse a move
// the tables do not allow with a *model.StateMoveError and leave the state as
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
		refusedMove(t, "release", c.from, c.to, func() (model.ReleaseState, error) {
			err := setRelease(&rel, c.to)
			return rel.State, err
		})
	}
	for _, c := range []struct{ from, to model.StepState }{
		{model.StepPending, model.StepAvailable}, // not applied yet
		{model.StepAvailable, model.StepFailed},
		{model.StepRolledBack, model.StepWaiting},
		{model.StepFailed, model.StepRolledBack}, // a failed site keeps its state; RolledBack says it was returned
	} {
		st := model.Step{State: c.from}
		refusedMove(t, "step", c.from, c.to, func() (model.StepState, error) {
			err := setStep(&st, c.to)
			return st.State, err
		})
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
	t.Parallel()
	e := newSimEnv(t, nil)
	ctx := context.Background()
	rel, _ := e.settle(t, e.release(t, "registry.example.mx/salud/citas:v2").ID, 50)
	if rel.State != model.ReleaseSucceeded {
		t.Fatalf("release %s: %s", rel.State, Render("en", rel.Reason))
	}
	var te *model.StateMoveError
	if err := e.ro.fail(ctx, &rel, 0, M("release.reason.apply", "late")); !errors.As(err, &te) {
		t.Fatalf("failing a site of a succeeded release: %v, want a *model.StateMoveError", err)
	}
	got, err := e.st.Read().Releases().Get(ctx, rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != model.ReleaseSucceeded || got.Steps[0].State != model.StepAvailable {
		t.Errorf("stored release %s, site 0 %s: want succeeded and available", got.State, got.Steps[0].State)
	}
}

// refusedMove fails the test unless move, asked to go from → to, returns
// a *model.StateMoveError of that kind and leaves the state at from.
func refusedMove[S ~string](t *testing.T, of string, from, to S, move func() (S, error)) {
	t.Helper()
	got, err := move()
	var te *model.StateMoveError
	if !errors.As(err, &te) || te.Of != of {
		t.Errorf("%s %s → %s: err %v, want a %s *model.StateMoveError", of, from, to, err, of)
	}
	if got != from {
		t.Errorf("%s %s → %s refused but the state is now %s", of, from, to, got)
	}
}
