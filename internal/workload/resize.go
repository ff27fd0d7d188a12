package workload

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/soberana/soberana/internal/fleet"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// Recommitter is the part of the ledger a resize needs: it moves the
// workload's budget commitment to the new forecast exactly as a
// migration's switch does (*ledger.Ledger implements it; the workload's
// Budget is asked for it by type assertion), and records the offering
// the replicas are metered at from now on.
type Recommitter interface {
	RecommitDelta(ctx context.Context, tx *store.Tx, w *model.Workload, monthlyMinor int64) (int64, error)
	Recommit(ctx context.Context, tx *store.Tx, w *model.Workload, monthlyMinor int64, key string) (int64, error)
	Reoffer(ctx context.Context, tx *store.Tx, workloadID, offeringID string) error
}

// ResizeRequest is the body of POST /v1/workloads/{id}:resize.
type ResizeRequest struct {
	// Offering is the new offering, by id or by name.
	Offering string `json:"offering"`
}

// Resize moves a running workload's replicas to another offering where
// they are. Every replica is placed again at its own site with the new
// offering (capacity, price and policy; otherwise the placement engine's
// reason, and nothing changes); the budget commitment then moves to the
// new forecast as a migration's switch moves it (a line that cannot take
// it refuses the resize with ErrBudget, and nothing changes). The new
// sizes, forecast and metering are recorded in one transaction, then each
// provider resizes its resource; a provider that fails is retried by the
// resync, which sees the size differ.
func (s *Service) Resize(ctx context.Context, who Actor, id string, req ResizeRequest) (model.Workload, error) {
	if req.Offering == "" {
		var v model.Validator
		v.Required("offering", req.Offering)
		return model.Workload{}, v.Err()
	}
	r, err := s.resizeInputs(ctx, id, req.Offering)
	if err != nil {
		return r.w, err
	}
	if err := s.placeResize(ctx, &r); err != nil {
		return r.w, err
	}
	rc, _ := s.Budget.(Recommitter)
	if rc != nil {
		if _, err := rc.RecommitDelta(ctx, s.st.Read(), &r.w, r.total); err != nil {
			r.undo()
			return r.w, err
		}
	}
	key := model.NewID("rsz")
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		return s.writeResize(ctx, tx, who, &r, rc, key)
	})
	if err != nil {
		r.undo()
		return r.w, err
	}
	return r.w, s.resizeAtProviders(ctx, who, id, r)
}

// resizing is a resize between its steps: the workload, the offering it
// moves to, its running replicas and their providers' resizers, then
// each replica's new placement at its own site and their monthly total.
type resizing struct {
	w     model.Workload
	off   model.Offering
	live  []store.PlacementRow
	rzs   []provider.Resizer
	pw    model.Workload
	decs  []placement.Decision
	total int64
	// undo gives the engine back what placeResize took and reserves the
	// replicas' old sizes again.
	undo func()
}

// resizeInputs reads what a resize needs: the running workload, the
// offering ref names (not the one it runs on), its replicas (all running
// or ended: one pending or provisioning refuses the resize), a resizer
// for each running one, and the workload within its institution's policy.
func (s *Service) resizeInputs(ctx context.Context, id, ref string) (resizing, error) {
	var r resizing
	tx := s.st.Read()
	var err error
	if r.w, err = runningWorkload(ctx, tx, id, "resize"); err != nil {
		return r, err
	}
	if r.off, err = s.offeringByRef(ctx, tx, ref); err != nil {
		return r, err
	}
	if r.off.ID == r.w.OfferingID {
		var v model.Validator
		v.Add("offering", "workload.field.same_offering", r.off.Name)
		return r, v.Err()
	}
	ps, err := tx.PlacementsOf(ctx, id)
	if err != nil {
		return r, err
	}
	for _, p := range ps {
		switch p.State {
		case model.PlacementRunning:
			r.live = append(r.live, p)
		case model.PlacementPending, model.PlacementProvisioning:
			return r, &StateError{Action: "resize", State: string(p.State)}
		}
	}
	if r.rzs, err = capable[provider.Resizer](s, r.live, "resize"); err != nil {
		return r, err
	}
	r.pw, err = WithinPolicy(ctx, tx, r.w)
	return r, err
}

// placeResize places each running replica again at its own site with
// the new offering, its old size given back first so that a site with
// room for the difference takes it, and checks the new total against the
// workload's cost ceiling. It sets r.decs, r.total and r.undo; when it
// fails, the engine is as it was.
func (s *Service) placeResize(ctx context.Context, r *resizing) error {
	for _, p := range r.live {
		_ = s.fleet.Engine().Release(p.SiteID, fleet.Resources(p.Placement))
	}
	r.undo = func() {
		for _, d := range r.decs {
			_ = s.fleet.Engine().ReleaseDecision(d)
		}
		for _, p := range r.live {
			_ = s.fleet.Engine().Reserve(p.SiteID, fleet.Resources(p.Placement))
		}
	}
	// One request for every replica, each confined to its own site: the
	// request reads the workload's placements (its substrate), once
	// rather than once a replica.
	base, err := s.PlacementRequest(ctx, &r.pw, r.off, nil)
	if err != nil {
		r.undo()
		return err
	}
	base.Replicas, base.Redundancy, base.CostCeilingMinor, base.Near = 1, placement.Redundancy{}, 0, nil
	sites := s.fleet.Usage()
	for _, p := range r.live {
		var exclude []string
		for sid := range sites {
			if sid != p.SiteID {
				exclude = append(exclude, sid)
			}
		}
		req := base
		req.Exclude = exclude
		d, err := s.fleet.Engine().Place(req)
		if err != nil {
			r.undo()
			return s.PlaceError(err, r.w.Currency, r.off.Name)
		}
		r.decs = append(r.decs, d)
		r.total += d.TotalMonthlyMinor
	}
	if r.w.CostCeilingMinor > 0 && r.total > r.w.CostCeilingMinor {
		r.undo()
		var v model.Validator
		v.Add("offering", "workload.field.resize_ceiling", r.off.Name, s.money(r.total, r.w.Currency), s.money(r.w.CostCeilingMinor, r.w.Currency))
		return v.Err()
	}
	return nil
}

// writeResize is the resize's transaction: the replicas' meters stop at
// their old size, the budget commitment moves to the new total and the
// metering to the new offering (rc, when the ledger is wired), the
// replicas get their new sizes and meters, and the workload its new
// offering and forecast, with a timeline entry; r.w is set to the
// workload written.
func (s *Service) writeResize(ctx context.Context, tx *store.Tx, who Actor, r *resizing, rc Recommitter, key string) error {
	now := tx.Now()
	w2, rows, err := s.stopResized(ctx, tx, r, now)
	if err != nil {
		return err
	}
	old, oldOff := w2.ForecastMonthlyMinor, w2.OfferingID
	if rc != nil {
		// After the meters stopped: the usage at the old size is
		// charged against the old commitment before it moves.
		if _, err := rc.Recommit(ctx, tx, &w2, r.total, key); err != nil {
			return err
		}
		if err := rc.Reoffer(ctx, tx, w2.ID, r.off.ID); err != nil {
			return err
		}
	}
	if err := s.writeResizedRows(ctx, tx, r, rows, now); err != nil {
		return err
	}
	oldName := oldOff
	if o, err := tx.Offerings().Get(ctx, oldOff); err == nil {
		oldName = o.Name
	}
	w2.OfferingID, w2.ForecastMonthlyMinor = r.off.ID, r.total
	w2.Reason = Enc(M("workload.reason.resized", oldName, r.off.Name, s.money(old, w2.Currency), s.money(r.total, w2.Currency)))
	if err := tx.Workloads().Update(ctx, &w2); err != nil {
		return err
	}
	store.AuditTarget(ctx, "workloads", w2.ID)
	r.w = w2
	return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: w2.ID, At: now, Actor: who.Name, From: w2.State, To: w2.State, Reason: w2.Reason})
}

// stopResized reads the workload and its replicas again in the resize's
// transaction, in one statement (any running replica changed since
// resizeInputs read it is a conflict: sameReplicas), and stops the
// running replicas' meters at their old size, all at once when the meter
// can (issue #19: a read and a meter statement per replica cost a round
// trip each).
func (s *Service) stopResized(ctx context.Context, tx *store.Tx, r *resizing, now time.Time) (model.Workload, []store.PlacementRow, error) {
	w2, ps, err := tx.WorkloadWithPlacements(ctx, r.w.ID)
	if err != nil {
		return w2, nil, err
	}
	if w2.Version != r.w.Version {
		return w2, nil, &WorkloadChangedError{Action: "resize"}
	}
	rows, err := sameReplicas(r.live, ps)
	if err != nil {
		return w2, nil, err
	}
	if s.Meter != nil {
		if err := stopMetering(ctx, tx, s.Meter, placementsOf(rows), now); err != nil {
			return w2, nil, err
		}
	}
	return w2, rows, nil
}

// sameReplicas returns the replicas of live as cur has them now, in
// live's order; one cur lacks or whose version moved since live was read
// is a *ReplicaChangedError (store.ErrConflict): the workload is there,
// its replica was deleted, moved or acted on meanwhile.
func sameReplicas(live, cur []store.PlacementRow) ([]store.PlacementRow, error) {
	byID := make(map[string]store.PlacementRow, len(cur))
	for _, p := range cur {
		byID[p.ID] = p
	}
	rows := make([]store.PlacementRow, len(live))
	for i, p := range live {
		c, ok := byID[p.ID]
		if !ok || c.Version != p.Version {
			return nil, &ReplicaChangedError{Action: "resize", Replica: p.Replica}
		}
		rows[i] = c
	}
	return rows, nil
}

// writeResizedRows gives each replica its new size and price, starts the
// replicas' meters at the new size and writes them: the meters in one go
// when the meter can, the replicas in one version-checked statement
// (updatePlacements; issue #19).
func (s *Service) writeResizedRows(ctx context.Context, tx *store.Tx, r *resizing, rows []store.PlacementRow, now time.Time) error {
	ptrs := make([]*store.PlacementRow, len(rows))
	for i := range rows {
		d := r.decs[i]
		rows[i].VCPUs, rows[i].MemoryMiB, rows[i].DiskGiB = d.Resources.VCPU, d.Resources.MemoryMiB, d.Resources.DiskGiB
		rows[i].MonthlyMinor = d.Choices[0].MonthlyMinor
		rows[i].Reason = Enc(M("replica.reason.resized", r.off.Name))
		ptrs[i] = &rows[i]
	}
	if s.Meter != nil {
		if err := startMetering(ctx, tx, s.Meter, placementsOf(rows), now); err != nil {
			return err
		}
	}
	return updatePlacements(ctx, tx, ptrs)
}

// placementsOf points at the placements of rows.
func placementsOf(rows []store.PlacementRow) []*model.Placement {
	ps := make([]*model.Placement, len(rows))
	for i := range rows {
		ps[i] = &rows[i].Placement
	}
	return ps
}

// resizeAtProviders has each replica's provider resize its resource,
// outside any transaction. A provider that fails is logged and noted on
// the timeline (the resync retries it); the first failure is returned as
// a *ProviderError.
func (s *Service) resizeAtProviders(ctx context.Context, who Actor, id string, r resizing) error {
	var failed error
	for i, p := range r.live {
		d := r.decs[i]
		spec := provider.Spec{ResourceRef: refOf(p), OfferingID: r.off.ID, VCPUs: d.Resources.VCPU, MemoryMiB: d.Resources.MemoryMiB, DiskGiB: d.Resources.DiskGiB}
		if err := r.rzs[i].Resize(ctx, spec); err != nil {
			s.log.Warn("resizing a replica at its provider", "placement", p.ID, "err", err)
			if failed == nil {
				failed = &ProviderError{Action: "resize", Replica: p.Replica, Err: err}
			}
			_ = s.st.Write(ctx, func(tx *store.Tx) error {
				return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: id, At: tx.Now(), Actor: who.Name,
					Reason: Enc(M("replica.reason.resize_failed", strconv.Itoa(p.Replica), err.Error()))})
			})
		}
	}
	return failed
}

// offeringByRef finds an offering by id, else by name.
func (s *Service) offeringByRef(ctx context.Context, tx *store.Tx, ref string) (model.Offering, error) {
	off, err := tx.Offerings().Get(ctx, ref)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return off, err
	}
	page, err := tx.Offerings().List(ctx, store.ListOptions{Filters: map[string]string{"name": ref}, Limit: 2})
	if err != nil {
		return off, err
	}
	if len(page.Items) != 1 {
		return off, refErr("offering", "offering", ref)
	}
	return page.Items[0], nil
}
