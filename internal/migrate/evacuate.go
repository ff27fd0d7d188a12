package migrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// EvacuationPlan is the wire model.EvacuationPlan with its items' plans,
// whose reasons and steps Render renders in the reader's language.
type EvacuationPlan struct {
	model.EvacuationPlan
	plans []Plan
}

// PlanEvacuation plans moving every workload off a provider. The plans
// hold their reservations until all are made, so that the capacity one
// workload would take is not promised to the next.
func (s *Service) PlanEvacuation(ctx context.Context, providerID string) (EvacuationPlan, error) {
	if _, ok := s.fleet.Provider(providerID); !ok {
		return EvacuationPlan{}, fmt.Errorf("%w: %s", ErrTarget, providerID)
	}
	wids, err := s.st.Read().ActiveOnProvider(ctx, providerID)
	if err != nil {
		return EvacuationPlan{}, err
	}
	s.planMu.Lock()
	defer s.planMu.Unlock()
	ep := EvacuationPlan{EvacuationPlan: model.EvacuationPlan{ProviderID: providerID, Delta: map[string]int64{}, Items: []model.EvacuationItem{}}}
	t := Target{ExcludeProviders: []string{providerID}}
	var held []func()
	defer func() {
		for _, f := range held {
			f()
		}
	}()
	for _, id := range wids {
		l, err := s.load(ctx, id)
		if err != nil {
			return ep, err
		}
		d, p, err := s.place(ctx, l, t)
		if d != nil {
			dec := *d
			held = append(held, func() { _ = s.fleet.Engine().ReleaseDecision(dec) })
		}
		it := model.EvacuationItem{WorkloadID: id, Feasible: err == nil, Plan: p.MigrationPlan}
		if err != nil {
			if !errors.Is(err, ErrInfeasible) && !errors.Is(err, ErrNotRunning) {
				return ep, err
			}
			it.Reason = p.Reason
			ep.Infeasible++
		} else {
			ep.Feasible++
			ep.Delta[p.Currency] += p.DeltaMonthlyMinor
			ep.DataGiB += p.DataGiB
			for _, dm := range p.Data {
				if dm.Method == DataApplication {
					ep.DataByApp++
					break
				}
			}
		}
		ep.Items = append(ep.Items, it)
		ep.plans = append(ep.plans, p)
	}
	ep.Workloads = len(ep.Items)
	return ep, nil
}

// Render fills the plans' steps and the reasons in lang.
func (ep *EvacuationPlan) Render(lang i18n.Lang) {
	for i := range ep.Items {
		it := &ep.Items[i]
		ep.plans[i].Render(lang)
		it.Plan = ep.plans[i].MigrationPlan
		if !it.Feasible {
			it.Reason = it.Plan.Reason
		}
	}
}

// StartEvacuation plans and starts an evacuation: every feasible workload
// is migrated off the provider, at most concurrency at a time.
func (s *Service) StartEvacuation(ctx context.Context, who workload.Actor, providerID string, concurrency int) (model.Evacuation, EvacuationPlan, error) {
	if concurrency <= 0 {
		concurrency = 8
	}
	ep, err := s.PlanEvacuation(ctx, providerID)
	if err != nil {
		return model.Evacuation{}, ep, err
	}
	var queue []string
	for _, it := range ep.Items {
		if it.Feasible {
			queue = append(queue, it.WorkloadID)
		}
	}
	e := model.Evacuation{ProviderID: providerID, State: model.EvacuationRunning, Concurrency: concurrency, Queue: jsonOf(queue),
		Total: len(queue), CreatedBy: who.Name}
	ev := audit.System("migrate", "evacuation.started", "evacuations", "")
	audit.ActingAs(ctx, &ev)
	err = audit.Write(ctx, s.st, ev, func(tx *store.Tx, ev *model.AuditEvent) error {
		if err := tx.Evacuations().Create(ctx, &e, "evac"); err != nil {
			return err
		}
		ev.TargetID = e.ID
		store.AuditTarget(ctx, "evacuations", e.ID) // and so does the request's event
		return nil
	})
	if err != nil {
		return e, ep, err
	}
	s.wake()
	return e, ep, nil
}

// EvacuationProgress reports how far an evacuation is.
func (s *Service) EvacuationProgress(ctx context.Context, id string) (model.EvacuationProgress, error) {
	e, err := s.st.Read().Evacuations().Get(ctx, id)
	if err != nil {
		return model.EvacuationProgress{}, err
	}
	var q []string
	_ = json.Unmarshal([]byte(e.Queue), &q)
	c, err := s.st.Read().CountMigrations(ctx, id)
	if err != nil {
		return model.EvacuationProgress{}, err
	}
	p := model.EvacuationProgress{Evacuation: e, Queued: len(q), Migrating: c[model.MigrationRunning], Done: c[model.MigrationDone], RolledBack: c[model.MigrationRolledBack]}
	p.Skipped = e.Total - p.Queued - p.Migrating - p.Done - p.RolledBack
	return p, nil
}

// advanceEvacuations starts queued migrations up to each evacuation's
// concurrency and ends evacuations with nothing left.
func (s *Service) advanceEvacuations(ctx context.Context) error {
	p, err := s.st.Read().Evacuations().List(ctx, store.ListOptions{Filters: map[string]string{"state": string(model.EvacuationRunning)}, Limit: 100})
	if err != nil {
		return err
	}
	for _, e := range p.Items {
		var q []string
		if err := json.Unmarshal([]byte(e.Queue), &q); err != nil {
			return err
		}
		c, err := s.st.Read().CountMigrations(ctx, e.ID)
		if err != nil {
			return err
		}
		free := e.Concurrency - c[model.MigrationRunning]
		started := 0
		t := Target{ExcludeProviders: []string{e.ProviderID}}
		for started < free && len(q) > 0 {
			id := q[0]
			q = q[1:]
			_, _, err := s.Execute(ctx, workload.Actor{Name: "evacuation:" + e.ID, ID: e.CreatedBy}, id, t, e.ID)
			if err != nil {
				s.log.Warn("evacuation: workload not moved", "evacuation", e.ID, "workload", id, "err", err)
				continue
			}
			started++
		}
		e.Queue = jsonOf(q)
		update := func(tx *store.Tx) error { return tx.Evacuations().Update(ctx, &e) }
		if len(q) == 0 && c[model.MigrationRunning]+started == 0 {
			if err := e.SetState(model.EvacuationDone); err != nil {
				return err
			}
			err = audit.Write(ctx, s.st, audit.System("migrate", "evacuation.finished", "evacuations", e.ID),
				func(tx *store.Tx, _ *model.AuditEvent) error { return update(tx) })
		} else {
			err = s.st.Write(ctx, update)
		}
		if err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return nil
}
