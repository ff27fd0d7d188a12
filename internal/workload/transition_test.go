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
// *TransitionError naming both states and leaves the workload as it was.
func TestWorkloadTransitionTable(t *testing.T) {
	for from := range WorkloadTransitions {
		if !slices.Contains(model.WorkloadStates, from) {
			t.Errorf("table lists %q, which is not in model.WorkloadStates", from)
		}
	}
	allowed := 0
	for _, from := range model.WorkloadStates {
		for _, to := range model.WorkloadStates {
			listed := slices.Contains(WorkloadTransitions[from], to)
			if listed && from == to {
				t.Errorf("table lists %s → %s: staying is not a move", from, to)
			}
			w := model.Workload{State: from}
			err := setState(&w, to)
			switch {
			case from == to:
				if err != nil || w.State != to {
					t.Errorf("staying in %s: %v", from, err)
				}
			case listed:
				allowed++
				if err != nil || w.State != to || !CanTransition(from, to) {
					t.Errorf("%s → %s is in the table but was refused: %v", from, to, err)
				}
			default:
				var te *TransitionError
				if !errors.As(err, &te) || te.Of != "workload" || te.From != string(from) || te.To != string(to) {
					t.Errorf("%s → %s is not in the table: got %v, want a TransitionError", from, to, err)
				}
				if w.State != from || CanTransition(from, to) {
					t.Errorf("%s → %s refused but the workload is now %s", from, to, w.State)
				}
			}
		}
	}
	for _, final := range []model.WorkloadState{model.StateDeleted, model.StateRejected} {
		if len(WorkloadTransitions[final]) != 0 {
			t.Errorf("%s is final but the table moves it to %v", final, WorkloadTransitions[final])
		}
	}
	if allowed == 0 {
		t.Fatal("no move allowed: the table is empty")
	}
}

// TestPlacementTransitionTable walks every pair of placement states the
// same way.
func TestPlacementTransitionTable(t *testing.T) {
	for from := range PlacementTransitions {
		if !slices.Contains(model.PlacementStates, from) {
			t.Errorf("table lists %q, which is not in model.PlacementStates", from)
		}
	}
	allowed := 0
	for _, from := range model.PlacementStates {
		for _, to := range model.PlacementStates {
			listed := slices.Contains(PlacementTransitions[from], to)
			if listed && from == to {
				t.Errorf("table lists %s → %s: staying is not a move", from, to)
			}
			p := store.PlacementRow{Placement: model.Placement{State: from}}
			err := setPlacement(&p, to)
			switch {
			case from == to:
				if err != nil || p.State != to {
					t.Errorf("staying in %s: %v", from, err)
				}
			case listed:
				allowed++
				if err != nil || p.State != to || !CanMovePlacement(from, to) {
					t.Errorf("%s → %s is in the table but was refused: %v", from, to, err)
				}
			default:
				var te *TransitionError
				if !errors.As(err, &te) || te.Of != "placement" || te.From != string(from) || te.To != string(to) {
					t.Errorf("%s → %s is not in the table: got %v, want a TransitionError", from, to, err)
				}
				if p.State != from || CanMovePlacement(from, to) {
					t.Errorf("%s → %s refused but the placement is now %s", from, to, p.State)
				}
			}
		}
	}
	for _, final := range []model.PlacementState{model.PlacementDeleted, model.PlacementFailed} {
		if len(PlacementTransitions[final]) != 0 {
			t.Errorf("%s is final but the table moves it to %v", final, PlacementTransitions[final])
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
	s := &Service{}
	for _, c := range []struct{ from, to model.WorkloadState }{
		{model.StateDeleted, model.StateRunning},
		{model.StateRejected, model.StateApproved},
		{model.StatePendingApproval, model.StateMigrating},
		{model.StateRunning, model.StateRunning},
	} {
		w := model.Workload{State: c.from, Reason: "before"}
		var te *TransitionError
		if err := s.Transition(t.Context(), nil, &w, c.to, "tester", M("workload.reason.deleted")); !errors.As(err, &te) {
			t.Errorf("%s → %s: got %v, want a TransitionError", c.from, c.to, err)
		}
		if w.State != c.from || w.Reason != "before" {
			t.Errorf("%s → %s refused but the workload changed: %s %q", c.from, c.to, w.State, w.Reason)
		}
	}
}
