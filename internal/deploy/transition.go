package deploy

import (
	"fmt"
	"slices"

	"github.com/soberana/soberana/internal/model"
)

// ReleaseTransitions is the table of release states: each state and the
// states it may move to. Succeeded and failed are final (a rollback is a
// new release). The deploy service is the one writer of release and step
// states; every write of one in this package goes through setRelease or
// setStep, which check the tables.
var ReleaseTransitions = map[model.ReleaseState][]model.ReleaseState{
	// Queued → failed: no site to roll out to.
	model.ReleaseQueued:      {model.ReleaseRollingOut, model.ReleaseFailed},
	model.ReleaseRollingOut:  {model.ReleaseSucceeded, model.ReleaseRollingBack},
	model.ReleaseRollingBack: {model.ReleaseFailed},
}

// StepTransitions is the table of step (rollout site) states. Available
// sites may be rolled back when a later site fails; a failed site stays
// failed (Step.RolledBack tells that it was returned to the previous
// release); rolled back is final.
var StepTransitions = map[model.StepState][]model.StepState{
	model.StepPending: {model.StepWaiting, model.StepFailed},
	// Waiting → rolled back: a wave failed while the site was converging.
	model.StepWaiting:   {model.StepAvailable, model.StepFailed, model.StepRolledBack},
	model.StepAvailable: {model.StepRolledBack},
}

// TransitionError is a move a table does not allow: a bug in the caller,
// or a state read before another writer moved it.
type TransitionError struct {
	// Of is what moved: "release" or "step".
	Of       string
	From, To string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("deploy: no %s transition from %q to %q", e.Of, e.From, e.To)
}

// CanMoveRelease reports whether ReleaseTransitions lets a release move
// from one state to another. Staying in a state is always allowed.
func CanMoveRelease(from, to model.ReleaseState) bool {
	return from == to || slices.Contains(ReleaseTransitions[from], to)
}

// CanMoveStep reports whether StepTransitions lets a step move from one
// state to another. Staying in a state is always allowed.
func CanMoveStep(from, to model.StepState) bool {
	return from == to || slices.Contains(StepTransitions[from], to)
}

// setRelease moves rel to state to, checking ReleaseTransitions; it only
// changes rel (the caller saves it). A refused move leaves rel as it was.
func setRelease(rel *model.Release, to model.ReleaseState) error {
	if !CanMoveRelease(rel.State, to) {
		return &TransitionError{Of: "release", From: string(rel.State), To: string(to)}
	}
	rel.State = to
	return nil
}

// setStep moves st to state to, checking StepTransitions; it only changes
// st. A refused move leaves st as it was.
func setStep(st *model.Step, to model.StepState) error {
	if !CanMoveStep(st.State, to) {
		return &TransitionError{Of: "step", From: string(st.State), To: string(to)}
	}
	st.State = to
	return nil
}
