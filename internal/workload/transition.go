package workload

import (
	"context"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// WorkloadTransitions is the table of workload states: each state and the
// states it may move to. Deleted and rejected are final. The workload
// service is the one writer of workload and placement states; migrate and
// reconcile change them through its methods (Transition, AddReplicas,
// RetireReplica, Apply, Replace), and the layering test
// (scripts/layering) fails when another package writes them. Every write
// of a workload's state in this package goes through setState, which
// checks this table.
var WorkloadTransitions = model.StateTable[model.WorkloadState]{
	model.StatePendingApproval: {model.StateApproved, model.StateRejected, model.StateFailed, model.StateDeleting, model.StateDeleted},
	model.StateApproved:        {model.StateProvisioning, model.StateRunning, model.StateFailed, model.StateDeleting, model.StateDeleted},
	model.StateProvisioning:    {model.StateRunning, model.StateFailed, model.StateDeleting, model.StateDeleted},
	model.StateRunning:         {model.StateProvisioning, model.StateMigrating, model.StateFailed, model.StateDeleting, model.StateDeleted},
	model.StateMigrating:       {model.StateRunning, model.StateFailed, model.StateDeleting, model.StateDeleted},
	model.StateFailed:          {model.StateProvisioning, model.StateRunning, model.StateDeleting, model.StateDeleted},
	model.StateDeleting:        {model.StateDeleted, model.StateFailed},
}

// PlacementTransitions is the table of placement (replica) states: each
// state and the states it may move to. Deleted and failed are final (a
// failed replica has no resource left: the provider lost it, or it was
// deleted after its workload failed). Every write of a placement's state in
// this package goes through setPlacement, which checks this table; the
// reconciler proposes moves as Outcomes and Apply checks them here.
var PlacementTransitions = model.StateTable[model.PlacementState]{
	// Pending → running: the provider already had the resource (adopted).
	// Pending → failed or deleted: the approval could not place it, or
	// replaced it, or the workload was rejected or deleted before it ran.
	model.PlacementPending:      {model.PlacementProvisioning, model.PlacementRunning, model.PlacementFailed, model.PlacementDeleting, model.PlacementDeleted},
	model.PlacementProvisioning: {model.PlacementRunning, model.PlacementDeleting},
	// Running → failed: its resource was deleted outside soberana (drift).
	model.PlacementRunning: {model.PlacementFailed, model.PlacementDeleting},
	// Deleting ends in its FinalState: deleted, or failed when the replica
	// was deleted because nothing could replace it.
	model.PlacementDeleting: {model.PlacementDeleted, model.PlacementFailed},
}

// setState moves w to state to, checking WorkloadTransitions. It only
// changes w; the caller stores it and records the event. A refused move
// leaves w as it was and returns a *model.StateMoveError of "workload".
func setState(w *model.Workload, to model.WorkloadState) error {
	return WorkloadTransitions.Move("workload", &w.State, to)
}

// setPlacement moves p to state to, checking PlacementTransitions. It only
// changes p; the caller stores it. A refused move leaves p as it was and
// returns a *model.StateMoveError of "placement".
func setPlacement(p *store.PlacementRow, to model.PlacementState) error {
	return PlacementTransitions.Move("placement", &p.State, to)
}

// Transition moves w, as read in tx, to state to with reason, stores it,
// and records the move as a workload event by actor. It refuses a move
// the table does not allow with a *model.StateMoveError, and a move to
// the state w is already in (nothing to record).
func (s *Service) Transition(ctx context.Context, tx *store.Tx, w *model.Workload, to model.WorkloadState, actor string, reason Msg) error {
	from := w.State
	if from == to {
		return &model.StateMoveError{Of: "workload", From: string(from), To: string(to)}
	}
	if err := setState(w, to); err != nil {
		return err
	}
	w.Reason = Enc(reason)
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
// first when it was running. A replica already deleting, deleted or
// failed has nothing left to retire and is left as it is.
func (s *Service) RetireReplica(ctx context.Context, tx *store.Tx, p *store.PlacementRow, now time.Time, reason Msg) error {
	switch p.State {
	case model.PlacementDeleting, model.PlacementDeleted, model.PlacementFailed:
		return nil
	}
	if p.State == model.PlacementRunning && s.Meter != nil {
		if err := s.Meter.Stop(ctx, tx, &p.Placement, now); err != nil {
			return err
		}
	}
	if err := setPlacement(p, model.PlacementDeleting); err != nil {
		return err
	}
	p.FinalState, p.Attempts, p.NextAttemptAt = model.PlacementDeleted, 0, &now
	p.Reason = Enc(reason)
	return tx.Placements().Update(ctx, p)
}
