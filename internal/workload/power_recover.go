package workload

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// A power action records a transitional state (stopping, starting,
// rebooting), asks the provider, then records the end state. A process
// that dies between the first and the last step leaves the replica in
// its transitional state; nothing in the action itself comes back to
// it. The reconciler does (SettlePower): at the start of its lease term
// and in every resync it re-observes such a replica at its provider and
// drives it to the end state — finishing the action the person asked
// for, or settling to what the provider holds when the provider refuses.

// powerBusy is the set of replicas whose power action runs in this
// process (placement id → true): they are not stranded, whatever their
// age, and the reconciler leaves them alone.
type powerBusy struct{ m sync.Map }

func (b *powerBusy) add(ids []string) {
	for _, id := range ids {
		b.m.Store(id, true)
	}
}

func (b *powerBusy) done(ids []string) {
	for _, id := range ids {
		b.m.Delete(id)
	}
}

// PowerInFlight reports whether a power action on the placement is under
// way in this process.
func (s *Service) PowerInFlight(placementID string) bool {
	_, ok := s.busy.m.Load(placementID)
	return ok
}

// Transitional reports whether a power state is one an action passes
// through (stopping, starting, rebooting).
func Transitional(p model.PowerState) bool {
	switch p {
	case model.PowerStopping, model.PowerStarting, model.PowerRebooting:
		return true
	}
	return false
}

// actionOf is the action whose transitional state via is.
func actionOf(via model.PowerState) (PowerAction, powerStep, bool) {
	for a, st := range powerSteps {
		if st.via == via {
			return a, st, true
		}
	}
	return "", powerStep{}, false
}

// SettlePower drives a running replica left in a transitional power state
// (p as the reconciler read it) to its end state. stopped is what the
// provider's list says of the resource now; ctl is the driver's power
// control (nil: the driver has none, and the replica settles to what the
// provider holds).
//
//   - stopping: a resource already off settles stopped; one still on is
//     stopped now (Stop is idempotent) — running again if the provider
//     refuses.
//   - starting: the mirror image.
//   - rebooting: the reboot is issued again (a reboot asked for is done at
//     least once; an extra one is harmless, a lost one is not), and a
//     resource found off is started; it ends running, or stopped when the
//     provider cannot start it.
//
// One audited transaction records the end state with an event by the
// reconciler, and moves metering to the end state's price exactly as the
// action would have. A placement changed since p was read (the action
// finished meanwhile, or the replica was deleted) returns
// store.ErrConflict and changes nothing.
func (s *Service) SettlePower(ctx context.Context, p store.PlacementRow, stopped bool, ctl provider.PowerController, fence Fence) (model.PowerState, error) {
	via := p.Power.Or()
	action, step, ok := actionOf(via)
	if !ok || p.State != model.PlacementRunning {
		return via, store.ErrConflict
	}
	ref := refOf(p)
	var (
		to     model.PowerState
		failed error
	)
	act := func(f func(context.Context, provider.ResourceRef) error) error {
		if ctl == nil {
			return provider.ErrUnsupported
		}
		return f(ctx, ref)
	}
	switch via {
	case model.PowerStopping:
		to = model.PowerStopped
		if !stopped {
			if failed = act(func(c context.Context, r provider.ResourceRef) error { return ctl.Stop(c, r) }); failed != nil {
				to = model.PowerRunning
			}
		}
	case model.PowerStarting:
		to = model.PowerRunning
		if stopped {
			if failed = act(func(c context.Context, r provider.ResourceRef) error { return ctl.Start(c, r) }); failed != nil {
				to = model.PowerStopped
			}
		}
	case model.PowerRebooting:
		to = model.PowerRunning
		if stopped {
			if failed = act(func(c context.Context, r provider.ResourceRef) error { return ctl.Start(c, r) }); failed != nil {
				to = model.PowerStopped
			}
		} else {
			// Running, rebooted or not: the end state is right either way.
			failed = act(func(c context.Context, r provider.ResourceRef) error { return ctl.Reboot(c, r) })
		}
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return via, ctx.Err()
	}
	why := M("replica.reason.power_recovered", string(action), string(via), string(to))
	if to != step.to {
		why = M("replica.reason.power_recovered_back", string(action), string(via), string(to))
	}
	if failed != nil {
		why = M("replica.reason.power_recovered_failed", string(action), string(via), string(to), failed.Error())
	}
	ev := audit.System("reconciler", "replica.power_recovered", "placements", p.ID)
	err := audit.Write(ctx, s.st, ev, func(tx *store.Tx, ev *model.AuditEvent) error {
		cur, w, err := fence.reread(ctx, tx, p, func(cur *store.PlacementRow) bool {
			return notRunning(cur) || cur.Power.Or() != via
		})
		if err != nil {
			return err
		}
		ev.InstitutionID, ev.ProjectID = w.InstitutionID, w.ProjectID
		now := tx.Now()
		if err := s.powerTo(ctx, tx, &cur, to, ActorReconciler, now, Msg{}); err != nil {
			return err
		}
		// Why, as its own event: rendered in each reader's language.
		return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: cur.WorkloadID, At: now, Actor: ActorReconciler, Reason: Enc(why)})
	})
	if err != nil {
		return via, err
	}
	s.log.Warn("replica left in a transitional power state settled", "placement", p.ID, "workload", p.WorkloadID,
		"replica", strconv.Itoa(p.Replica), "from", via, "to", to, "provider_error", failed)
	return to, nil
}
