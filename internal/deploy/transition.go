package deploy

import (
	"github.com/soberana/soberana/internal/model"
)

// ReleaseTransitions is the table of release states: each state and the
// states it may move to. Succeeded and failed are final (a rollback is a
// new release). The deploy service is the one writer of release and step
// states; every write of one in this package goes through setRelease or
// setStep, which check the tables.
var ReleaseTransitions = model.StateTable[model.ReleaseState]{
	// Queued → failed: no site to roll out to.
	model.ReleaseQueued:      {model.ReleaseRollingOut, model.ReleaseFailed},
	model.ReleaseRollingOut:  {model.ReleaseSucceeded, model.ReleaseRollingBack},
	model.ReleaseRollingBack: {model.ReleaseFailed},
}

// StepTransitions is the table of step (rollout site) states. Available
// sites may be rolled back when a later site fails; a failed site stays
// failed (Step.RolledBack tells that it was returned to the previous
// release); rolled back is final.
var StepTransitions = model.StateTable[model.StepState]{
	model.StepPending: {model.StepWaiting, model.StepFailed},
	// Waiting → rolled back: a wave failed while the site was converging.
	model.StepWaiting:   {model.StepAvailable, model.StepFailed, model.StepRolledBack},
	model.StepAvailable: {model.StepRolledBack},
}

// setRelease moves rel to state to, checking ReleaseTransitions; it only
// changes rel (the caller saves it). A refused move leaves rel as it was
// and returns a *model.StateMoveError of "release".
func setRelease(rel *model.Release, to model.ReleaseState) error {
	return ReleaseTransitions.Move("release", &rel.State, to)
}

// setStep moves st to state to, checking StepTransitions; it only changes
// st. A refused move leaves st as it was and returns a
// *model.StateMoveError of "step".
func setStep(st *model.Step, to model.StepState) error {
	return StepTransitions.Move("step", &st.State, to)
}
