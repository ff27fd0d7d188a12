package reconcile

import (
	"context"
	"errors"
	"fmt"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// A power action that a crash interrupted leaves its replica in a
// transitional state (stopping, starting, rebooting). The reconciler
// settles such replicas (workload.Service.SettlePower) when its lease
// term starts — the restart after the crash — and in every resync, from
// what the provider's list says of the resource. A replica is taken for
// stranded when its power action does not run in this process and its
// placement has not changed for PowerGrace (another serve replica may be
// running the action: a Nova action can take minutes).

// stranded reports whether a running placement was left mid power action.
func (r *Reconciler) stranded(p store.PlacementRow, now func() int64) bool {
	if !workload.Transitional(p.Power.Or()) || r.svc.PowerInFlight(p.ID) {
		return false
	}
	return p.UpdatedAt.UnixMicro() <= now()-r.o.PowerGrace.Microseconds()
}

// settleAtStart looks, once per lease term and in the background, for
// replicas a crash left mid power action and settles them.
func (r *Reconciler) settleAtStart(t *term) {
	if t.powerSettled {
		return
	}
	t.powerSettled = true
	t.workers.Go(func() {
		for _, p := range r.fleet.Providers() {
			if err := r.SettleStranded(t.ctx, p); err != nil && t.ctx.Err() == nil {
				r.log.Warn("settling replicas left mid power action", "provider", p.ID, "err", err)
			}
		}
	})
}

// SettleStranded settles a provider's running replicas left mid power
// action, with one list of the provider's resources when there are any.
func (r *Reconciler) SettleStranded(ctx context.Context, p model.Provider) error {
	pass, err := r.o.Pace.Begin(ctx, "stranded power actions "+p.ID)
	if err != nil {
		return err
	}
	defer pass.End()
	now := func() int64 { return r.st.Now().UnixMicro() }
	var todo []store.PlacementRow
	after := ""
	const page = 1000
	for {
		ps, err := r.st.Read().RunningPlacementsOf(ctx, p.ID, after, page)
		if err != nil {
			return err
		}
		for _, pl := range ps {
			if r.stranded(pl.PlacementRow, now) {
				todo = append(todo, pl.PlacementRow)
			}
		}
		if len(ps) < page {
			break
		}
		after = ps[len(ps)-1].ID
		if err := pass.Yield(ctx); err != nil {
			return err
		}
	}
	pass.End() // settling is a few driver calls, not a bulk pass
	if len(todo) == 0 {
		return nil
	}
	drv, err := r.drivers.Get(p.Driver)
	if err != nil {
		return err
	}
	lctx, cancel := context.WithTimeout(ctx, max(r.o.CallTimeout, r.o.Resync/2))
	list, err := drv.ListResources(lctx, p.ID)
	cancel()
	if err != nil {
		return fmt.Errorf("listing resources: %w", err)
	}
	byReplica := make(map[string][]provider.Resource, len(list))
	for _, res := range list {
		byReplica[res.ReplicaID] = append(byReplica[res.ReplicaID], res)
	}
	for _, pl := range todo {
		var (
			res provider.Resource
			ok  bool
		)
		// The placement's own resource, not a duplicate of it.
		for _, c := range byReplica[pl.ID] {
			if !ok || c.ResourceID == pl.ResourceID {
				res, ok = c, true
			}
		}
		if !ok || res.Deleting {
			continue // gone: the resync records it deleted outside soberana
		}
		if err := r.settle(ctx, drv, pl, res); err != nil {
			return err
		}
	}
	return nil
}

// settle drives one stranded replica to its end state.
func (r *Reconciler) settle(ctx context.Context, drv provider.Driver, p store.PlacementRow, res provider.Resource) error {
	ctl, _ := drv.(provider.PowerController)
	to, err := r.svc.SettlePower(ctx, p, res.Stopped, ctl, r.fence)
	switch {
	case errors.Is(err, store.ErrConflict):
		return nil // finished or changed meanwhile
	case errors.Is(err, errLostLease):
		return err
	case err != nil:
		r.log.Warn("settling a replica left mid power action", "placement", p.ID, "err", err)
		return nil
	}
	r.mActions.WithLabelValues("power_settle_"+string(to), "ok").Inc()
	return nil
}
