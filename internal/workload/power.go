package workload

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// PowerAction is what a person asks of a running replica's power.
type PowerAction string

// Power actions (POST /v1/workloads/{id}:start, :stop, :reboot).
const (
	ActionStart  PowerAction = "start"
	ActionStop   PowerAction = "stop"
	ActionReboot PowerAction = "reboot"
)

// powerStep is what an action does: from which states, through which
// transitional state, to which end state.
type powerStep struct {
	from    model.PowerState
	via, to model.PowerState
}

var powerSteps = map[PowerAction]powerStep{
	ActionStop:   {from: model.PowerRunning, via: model.PowerStopping, to: model.PowerStopped},
	ActionStart:  {from: model.PowerStopped, via: model.PowerStarting, to: model.PowerRunning},
	ActionReboot: {from: model.PowerRunning, via: model.PowerRebooting, to: model.PowerRunning},
}

// PowerTransitions is the table of a replica's power states: each state
// and the states it may move to. A transitional state goes to its end
// state when the provider did it, or back where it came from when the
// provider refused.
var PowerTransitions = map[model.PowerState][]model.PowerState{
	model.PowerRunning:  {model.PowerStopping, model.PowerRebooting},
	model.PowerStopping: {model.PowerStopped, model.PowerRunning},
	model.PowerStopped:  {model.PowerStarting},
	model.PowerStarting: {model.PowerRunning, model.PowerStopped},
	// Rebooting → stopped: only when a process died mid-reboot and the
	// provider holds the resource off and cannot start it (SettlePower).
	model.PowerRebooting: {model.PowerRunning, model.PowerStopped},
}

// ErrPowerTransition: a power state change outside PowerTransitions (a bug).
var ErrPowerTransition = errors.New("workload: power transition not in the table")

// setPower moves p to state `to`, checking the table.
func setPower(p *store.PlacementRow, to model.PowerState) error {
	from := p.Power.Or()
	for _, ok := range PowerTransitions[from] {
		if ok == to {
			p.Power = to
			return nil
		}
	}
	return fmt.Errorf("%w: %s → %s", ErrPowerTransition, from, to)
}

// Drivers finds the driver of a provider (by its id); the workload service
// asks it for the capabilities power and resize need. Nil: no driver is
// reachable and power actions and resizes are refused as unsupported.
type Drivers func(providerID string) (provider.Driver, error)

// CapabilityError is an action the replica's provider cannot do (a
// Kubernetes namespace cannot be stopped). The API answers 409.
type CapabilityError struct {
	Action   string
	Provider string
}

func (e *CapabilityError) Error() string {
	return fmt.Sprintf("workload: provider %s cannot %s a replica", e.Provider, e.Action)
}

// Unwrap makes errors.Is(err, provider.ErrUnsupported) true.
func (e *CapabilityError) Unwrap() error { return provider.ErrUnsupported }

// ProviderError is a provider that failed an action soberana asked of it;
// what was recorded before stays consistent (the replica went back to its
// previous power state). The API answers 502.
type ProviderError struct {
	Action  string
	Replica int
	Err     error
}

func (e *ProviderError) Error() string {
	return fmt.Sprintf("workload: the provider failed to %s replica %d: %v", e.Action, e.Replica, e.Err)
}

// Unwrap returns the driver's error.
func (e *ProviderError) Unwrap() error { return e.Err }

// ReplicaChangedError is a power action or a resize overtaken by a change
// of one of its replicas — deleted, moved to another provider (a
// migration, an evacuation, a failover) or settled by another server —
// between the action's read and its last step: the action is not carried
// out on it, or its outcome not recorded. The API answers 409; read the
// workload again.
type ReplicaChangedError struct {
	Action  string
	Replica int
}

func (e *ReplicaChangedError) Error() string {
	return fmt.Sprintf("workload: replica %d changed while the %s action ran", e.Replica, e.Action)
}

// Unwrap makes errors.Is(err, store.ErrConflict) true.
func (e *ReplicaChangedError) Unwrap() error { return store.ErrConflict }

// WorkloadChangedError is an action on a workload (a resize) overtaken by
// another change of the workload itself between the action's read and its
// write — another resize, a state change: nothing is written. The API
// answers 409; read the workload again and retry.
type WorkloadChangedError struct {
	Action string
}

func (e *WorkloadChangedError) Error() string {
	return fmt.Sprintf("workload: changed while the %s action ran", e.Action)
}

// Unwrap makes errors.Is(err, store.ErrConflict) true.
func (e *WorkloadChangedError) Unwrap() error { return store.ErrConflict }

// providerName is a provider's name for messages (its id when unknown).
func (s *Service) providerName(id string) string {
	if p, ok := s.fleet.Provider(id); ok && p.Name != "" {
		return p.Name
	}
	return id
}

func (s *Service) driverOf(providerID string) (provider.Driver, error) {
	if s.Drivers == nil {
		return nil, provider.ErrUnknownDriver
	}
	return s.Drivers(providerID)
}

func refOf(p store.PlacementRow) provider.ResourceRef {
	return provider.ResourceRef{ProviderID: p.ProviderID, SiteID: p.SiteID, WorkloadID: p.WorkloadID, ReplicaID: p.ID, ResourceID: p.ResourceID}
}

// Power starts, stops or reboots a running workload's replicas — all of
// them (replica nil: those in a state the action applies to), or one. It
// records each replica's transitional state, asks the provider, then
// records the end state (or the state it came from, when the provider
// refused) with metering switched to the stopped price for a stopped
// replica. Every step is an event on the workload's timeline. A replica
// deleted or moved meanwhile is a *ReplicaChangedError: before the first
// step nothing is asked of any provider; after it, the action is not
// reported done.
func (s *Service) Power(ctx context.Context, who Actor, id string, action PowerAction, replica *int) (model.Workload, error) {
	step, ok := powerSteps[action]
	if !ok {
		var v model.Validator
		v.Add("action", "field.one_of", string(action), "start, stop, reboot")
		return model.Workload{}, v.Err()
	}
	tx := s.st.Read()
	w, err := runningWorkload(ctx, tx, id, string(action))
	if err != nil {
		return w, err
	}
	targets, err := powerTargets(ctx, tx, id, action, step, replica)
	if err != nil {
		return w, err
	}
	ctls, err := capable[provider.PowerController](s, targets, string(action))
	if err != nil {
		return w, err
	}
	// While the action runs here, the reconciler does not take the
	// replicas for ones a crash left in their transitional state.
	ids := make([]string, len(targets))
	for i, p := range targets {
		ids[i] = p.ID
	}
	s.busy.add(ids)
	defer s.busy.done(ids)
	if err := s.powerBegin(ctx, who, action, step, targets); err != nil {
		return w, err
	}
	errs := powerAct(ctx, action, ctls, targets)
	failed, err := s.powerEnd(ctx, who, action, step, targets, errs)
	if err != nil {
		return w, err
	}
	w, err = s.st.Read().Workloads().Get(ctx, id)
	if err != nil {
		return w, err
	}
	return w, failed
}

// powerTargets is the workload's running replicas the action applies to:
// with replica nil, every one in the action's from state; otherwise that
// one, which must exist (a validation error) and be in the from state (a
// StateError). No target at all is a StateError too.
func powerTargets(ctx context.Context, tx *store.Tx, id string, action PowerAction, step powerStep, replica *int) ([]store.PlacementRow, error) {
	ps, err := tx.PlacementsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	var targets []store.PlacementRow
	found := false
	for _, p := range ps {
		if p.State != model.PlacementRunning || (replica != nil && p.Replica != *replica) {
			continue
		}
		found = true
		if p.Power.Or() != step.from {
			if replica != nil {
				return nil, &StateError{Action: string(action), State: string(p.Power.Or())}
			}
			continue
		}
		targets = append(targets, p)
	}
	if replica != nil && !found {
		var v model.Validator
		v.Add("replica", "workload.field.replica", strconv.Itoa(*replica))
		return nil, v.Err()
	}
	if len(targets) == 0 {
		return nil, &StateError{Action: string(action), State: string(step.to)}
	}
	return targets, nil
}

// powerBegin is step 1: in one transaction, every target moves to the
// action's transitional state (a *ReplicaChangedError if one changed since
// it was read); targets then holds the rows as written.
func (s *Service) powerBegin(ctx context.Context, who Actor, action PowerAction, step powerStep, targets []store.PlacementRow) error {
	return s.st.Write(ctx, func(tx *store.Tx) error {
		now := tx.Now()
		for i := range targets {
			p, err := tx.PlacementByID(ctx, targets[i].ID)
			if err != nil {
				return err
			}
			if p.Version != targets[i].Version {
				return &ReplicaChangedError{Action: string(action), Replica: p.Replica}
			}
			if err := s.powerTo(ctx, tx, &p, step.via, who.Name, now, Msg{}); err != nil {
				return err
			}
			targets[i] = p
		}
		return nil
	})
}

// powerAct is step 2: the provider acts on each target (outside any
// transaction); the result holds each target's error, nil where it did.
func powerAct(ctx context.Context, action PowerAction, ctls []provider.PowerController, targets []store.PlacementRow) []error {
	errs := make([]error, len(targets))
	for i, p := range targets {
		ref := refOf(p)
		switch action {
		case ActionStop:
			errs[i] = ctls[i].Stop(ctx, ref)
		case ActionStart:
			errs[i] = ctls[i].Start(ctx, ref)
		case ActionReboot:
			errs[i] = ctls[i].Reboot(ctx, ref)
		}
	}
	return errs
}

// powerEnd is step 3: in one transaction, each target still running in
// the transitional state moves to the end state, or back where it was
// when the provider failed (a replica deleted or moved meanwhile is left
// alone). failed is the first provider failure, as a ProviderError, else
// the first replica left alone, as a *ReplicaChangedError; err is the
// transaction's.
func (s *Service) powerEnd(ctx context.Context, who Actor, action PowerAction, step powerStep, targets []store.PlacementRow, errs []error) (failed, err error) {
	var changed error
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		failed, changed = nil, nil
		now := tx.Now()
		for i, t := range targets {
			p, err := tx.PlacementByID(ctx, t.ID)
			if err != nil {
				return err
			}
			if p.State != model.PlacementRunning || p.Power != step.via {
				// Deleted or moved meanwhile: the action did not happen
				// to the workload as it is now.
				if changed == nil {
					changed = &ReplicaChangedError{Action: string(action), Replica: p.Replica}
				}
				continue
			}
			to, why := step.to, Msg{}
			if errs[i] != nil {
				to, why = step.from, M("replica.reason.power_failed", string(action), errs[i].Error())
				if failed == nil {
					failed = &ProviderError{Action: string(action), Replica: p.Replica, Err: errs[i]}
				}
			}
			if err := s.powerTo(ctx, tx, &p, to, who.Name, now, why); err != nil {
				return err
			}
		}
		return nil
	})
	if failed == nil {
		failed = changed
	}
	return failed, err
}

// powerTo moves one running replica to a power state by the table, keeps
// metering in step (a stopped replica is metered at the stopped price) and
// records the event.
func (s *Service) powerTo(ctx context.Context, tx *store.Tx, p *store.PlacementRow, to model.PowerState, actor string, now time.Time, why Msg) error {
	from := p.Power.Or()
	if err := setPower(p, to); err != nil {
		return err
	}
	if s.Meter != nil && from.Off() != to.Off() {
		// Close the stretch at the old price and open one at the new
		// (Meter.Start reads the power state).
		if err := s.Meter.Stop(ctx, tx, &p.Placement, now); err != nil {
			return err
		}
		if err := s.Meter.Start(ctx, tx, &p.Placement, now); err != nil {
			return err
		}
	}
	reason := M("replica.reason.power", strconv.Itoa(p.Replica), string(from), string(to))
	if !why.IsZero() {
		reason = M("replica.reason.power_because", strconv.Itoa(p.Replica), string(from), string(to), why.Render("en"))
		p.Reason = Enc(why)
	} else {
		p.Reason = Enc(reason)
	}
	if err := tx.Placements().Update(ctx, p); err != nil {
		return err
	}
	return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: p.WorkloadID, At: now, Actor: actor, Reason: Enc(reason)})
}

// runningWorkload reads workload id for an action that only a running
// workload takes: one in another state refuses it with a *StateError.
func runningWorkload(ctx context.Context, tx *store.Tx, id, action string) (model.Workload, error) {
	w, err := tx.Workloads().Get(ctx, id)
	if err != nil {
		return w, err
	}
	if w.State != model.StateRunning {
		return w, &StateError{Action: action, State: string(w.State)}
	}
	return w, nil
}

// capable gives each placement's driver as the capability C an action
// needs (provider.PowerController, provider.Resizer): a driver without it
// refuses the action with a *CapabilityError.
func capable[C any](s *Service, ps []store.PlacementRow, action string) ([]C, error) {
	out := make([]C, len(ps))
	for i, p := range ps {
		drv, err := s.driverOf(p.ProviderID)
		if err != nil {
			return nil, err
		}
		c, ok := drv.(C)
		if !ok {
			return nil, &CapabilityError{Action: action, Provider: s.providerName(p.ProviderID)}
		}
		out[i] = c
	}
	return out, nil
}
