package workload

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// workloadTransitions is the table of workload states: the states each
// state may move to. Transition refuses any other move. The workload
// service is the one writer of workload and placement states; migrate
// and reconcile change them through its methods (Transition, AddReplicas,
// RetireReplica, Apply, Replace), and the layering test
// (scripts/layering) fails when another package writes them.
var workloadTransitions = map[string][]string{
	model.StatePendingApproval: {model.StateApproved, model.StateRejected, model.StateFailed, model.StateDeleting},
	model.StateApproved:        {model.StateProvisioning, model.StateRunning, model.StateFailed, model.StateDeleting},
	model.StateProvisioning:    {model.StateRunning, model.StateFailed, model.StateDeleting},
	model.StateRunning:         {model.StateProvisioning, model.StateMigrating, model.StateFailed, model.StateDeleting},
	model.StateMigrating:       {model.StateRunning, model.StateFailed, model.StateDeleting},
	model.StateFailed:          {model.StateProvisioning, model.StateRunning, model.StateDeleting},
	model.StateDeleting:        {model.StateDeleted, model.StateFailed},
}

// TransitionError is a move the table does not allow.
type TransitionError struct{ From, To string }

func (e *TransitionError) Error() string {
	return fmt.Sprintf("workload: no transition from %s to %s", e.From, e.To)
}

// CanTransition reports whether the table lets a workload move from one
// state to another.
func CanTransition(from, to string) bool { return slices.Contains(workloadTransitions[from], to) }

// Transition moves w, as read in tx, to state to with reason, stores it,
// and records the move as a workload event by actor. It refuses a move
// the table does not allow with a *TransitionError.
func (s *Service) Transition(ctx context.Context, tx *store.Tx, w *model.Workload, to, actor string, reason Msg) error {
	from := w.State
	if !CanTransition(from, to) {
		return &TransitionError{From: from, To: to}
	}
	w.State, w.Reason = to, Enc(reason)
	if err := tx.Workloads().Update(ctx, w); err != nil {
		return err
	}
	return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: w.ID, At: tx.Now(), Actor: actor, From: from, To: to, Reason: w.Reason})
}

// AddReplicas stores new pending placement rows (PlacementRows), due at
// now, each with the reason reason gives it.
func (s *Service) AddReplicas(ctx context.Context, tx *store.Tx, rows []store.PlacementRow, now time.Time, reason func(store.PlacementRow) Msg) error {
	for i := range rows {
		rows[i].NextAttemptAt = &now
		rows[i].Reason = Enc(reason(rows[i]))
		if err := tx.Placements().Create(ctx, &rows[i], "pl"); err != nil {
			return err
		}
	}
	return nil
}

// RetireReplica schedules p's resource for deletion at now (state
// deleting, final state deleted) with reason, stopping its meter at now
// first when it was running.
func (s *Service) RetireReplica(ctx context.Context, tx *store.Tx, p *store.PlacementRow, now time.Time, reason Msg) error {
	if p.State == model.PlacementRunning && s.Meter != nil {
		if err := s.Meter.Stop(ctx, tx, &p.Placement, now); err != nil {
			return err
		}
	}
	p.State, p.FinalState, p.Attempts, p.NextAttemptAt = model.PlacementDeleting, model.PlacementDeleted, 0, &now
	p.Reason = Enc(reason)
	return tx.Placements().Update(ctx, p)
}
