package workload

import (
	"errors"
	"slices"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// TestWorkloadTransitionTable walks every pair of workload states: a move
// the table lists is allowed and made, every other move is refused with a
// *model.StateMoveError naming both states and leaves the workload as it
// was.
func TestWorkloadTransitionTable(t *testing.T) {
	t.Parallel()
	walkTable(t, "workload", WorkloadTransitions, model.WorkloadStates,
		[]model.WorkloadState{model.StateDeleted, model.StateRejected},
		func(from, to model.WorkloadState) (model.WorkloadState, error) {
			w := model.Workload{State: from}
			err := setState(&w, to)
			return w.State, err
		})
}

// TestPlacementTransitionTable walks every pair of placement states the
// same way.
func TestPlacementTransitionTable(t *testing.T) {
	t.Parallel()
	walkTable(t, "placement", PlacementTransitions, model.PlacementStates,
		[]model.PlacementState{model.PlacementDeleted, model.PlacementFailed},
		func(from, to model.PlacementState) (model.PlacementState, error) {
			p := store.PlacementRow{Placement: model.Placement{State: from}}
			err := setPlacement(&p, to)
			return p.State, err
		})
}

// walkTable tries every move between states with move (which sets a
// thing of state from to state to and returns its state after): a move
// the table lists is made, staying is allowed, every other move is
// refused with a *model.StateMoveError of of naming both states and
// leaves the state as it was. The final states have no way out, the table
// names no state outside states, and it allows at least one move.
func walkTable[S ~string](t *testing.T, of string, table model.StateTable[S], states, final []S, move func(from, to S) (S, error)) {
	t.Helper()
	for from := range table {
		if !slices.Contains(states, from) {
			t.Errorf("table lists %q, which is not a %s state", from, of)
		}
	}
	allowed := 0
	for _, from := range states {
		for _, to := range states {
			listed := slices.Contains(table[from], to)
			if listed && from == to {
				t.Errorf("table lists %s → %s: staying is not a move", from, to)
			}
			got, err := move(from, to)
			switch {
			case from == to:
				if err != nil || got != to {
					t.Errorf("staying in %s: %v", from, err)
				}
			case listed:
				allowed++
				if err != nil || got != to || !table.Allows(from, to) {
					t.Errorf("%s → %s is in the table but was refused: %v", from, to, err)
				}
			default:
				var te *model.StateMoveError
				if !errors.As(err, &te) || te.Of != of || te.From != string(from) || te.To != string(to) {
					t.Errorf("%s → %s is not in the table: got %v, want a StateMoveError", from, to, err)
				}
				if got != from || table.Allows(from, to) {
					t.Errorf("%s → %s refused but the %s is now %s", from, to, of, got)
				}
			}
		}
	}
	for _, f := range final {
		if len(table[f]) != 0 {
			t.Errorf("%s is final but the table moves it to %v", f, table[f])
		}
	}
	if allowed == 0 {
		t.Fatal("no move allowed: the table is empty")
	}
}

// TestTransitionRefusesBeforeWriting: Transition checks the table before
// it touches the store, so a refused move writes nothing (a nil Tx would
// panic if it tried), and staying in a state is refused too (there is no
// move to record).
func TestTransitionRefusesBeforeWriting(t *testing.T) {
	t.Parallel()
	s := &Service{}
	for _, c := range []struct{ from, to model.WorkloadState }{
		{model.StateDeleted, model.StateRunning},
		{model.StateRejected, model.StateApproved},
		{model.StatePendingApproval, model.StateMigrating},
		{model.StateRunning, model.StateRunning},
	} {
		w := model.Workload{State: c.from, Reason: "before"}
		var te *model.StateMoveError
		if err := s.Transition(t.Context(), nil, &w, c.to, "tester", M("workload.reason.deleted")); !errors.As(err, &te) {
			t.Errorf("%s → %s: got %v, want a StateMoveError", c.from, c.to, err)
		}
		if w.State != c.from || w.Reason != "before" {
			t.Errorf("%s → %s refused but the workload changed: %s %q", c.from, c.to, w.State, w.Reason)
		}
	}
}
