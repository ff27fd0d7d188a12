package workload

import (
	"context"
	"errors"
	"strconv"

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
	tx := s.st.Read()
	w, err := runningWorkload(ctx, tx, id, "resize")
	if err != nil {
		return w, err
	}
	off, err := s.offeringByRef(ctx, tx, req.Offering)
	if err != nil {
		return w, err
	}
	if off.ID == w.OfferingID {
		var v model.Validator
		v.Add("offering", "workload.field.same_offering", off.Name)
		return w, v.Err()
	}
	ps, err := tx.PlacementsOf(ctx, id)
	if err != nil {
		return w, err
	}
	var live []store.PlacementRow
	for _, p := range ps {
		switch p.State {
		case model.PlacementRunning:
			live = append(live, p)
		case model.PlacementPending, model.PlacementProvisioning:
			return w, &StateError{Action: "resize", State: string(p.State)}
		}
	}
	rzs, err := capable[provider.Resizer](s, live, "resize")
	if err != nil {
		return w, err
	}
	pw, err := WithinPolicy(ctx, tx, w)
	if err != nil {
		return w, err
	}
	// Place each replica again at its own site: its old size is given
	// back first, so that a site with room for the difference takes it.
	for _, p := range live {
		_ = s.fleet.Engine().Release(p.SiteID, fleet.Resources(p.Placement))
	}
	var decs []placement.Decision
	undo := func() {
		for _, d := range decs {
			_ = s.fleet.Engine().ReleaseDecision(d)
		}
		for _, p := range live {
			_ = s.fleet.Engine().Reserve(p.SiteID, fleet.Resources(p.Placement))
		}
	}
	sites := s.fleet.Usage()
	var total int64
	for _, p := range live {
		var exclude []string
		for sid := range sites {
			if sid != p.SiteID {
				exclude = append(exclude, sid)
			}
		}
		r, err := s.PlacementRequest(ctx, &pw, off, exclude)
		if err != nil {
			undo()
			return w, err
		}
		r.Replicas, r.Redundancy, r.CostCeilingMinor, r.Near = 1, placement.Redundancy{}, 0, nil
		d, err := s.fleet.Engine().Place(r)
		if err != nil {
			undo()
			return w, s.PlaceError(err, w.Currency, off.Name)
		}
		decs = append(decs, d)
		total += d.TotalMonthlyMinor
	}
	if w.CostCeilingMinor > 0 && total > w.CostCeilingMinor {
		undo()
		var v model.Validator
		v.Add("offering", "workload.field.resize_ceiling", off.Name, s.money(total, w.Currency), s.money(w.CostCeilingMinor, w.Currency))
		return w, v.Err()
	}
	rc, _ := s.Budget.(Recommitter)
	if rc != nil {
		if _, err := rc.RecommitDelta(ctx, s.st.Read(), &w, total); err != nil {
			undo()
			return w, err
		}
	}
	key := model.NewID("rsz")
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		now := tx.Now()
		w2, err := tx.Workloads().Get(ctx, id)
		if err != nil {
			return err
		}
		if w2.Version != w.Version {
			return store.ErrConflict
		}
		rows := make([]store.PlacementRow, len(live))
		for i, p := range live {
			cur, err := tx.PlacementByID(ctx, p.ID)
			if err != nil {
				return err
			}
			if cur.Version != p.Version {
				return store.ErrConflict
			}
			if s.Meter != nil {
				if err := s.Meter.Stop(ctx, tx, &cur.Placement, now); err != nil {
					return err
				}
			}
			rows[i] = cur
		}
		old, oldOff := w2.ForecastMonthlyMinor, w2.OfferingID
		if rc != nil {
			// After the meters stopped: the usage at the old size is
			// charged against the old commitment before it moves.
			if _, err := rc.Recommit(ctx, tx, &w2, total, key); err != nil {
				return err
			}
			if err := rc.Reoffer(ctx, tx, w2.ID, off.ID); err != nil {
				return err
			}
		}
		for i := range rows {
			d := decs[i]
			rows[i].VCPUs, rows[i].MemoryMiB, rows[i].DiskGiB = d.Resources.VCPU, d.Resources.MemoryMiB, d.Resources.DiskGiB
			rows[i].MonthlyMinor = d.Choices[0].MonthlyMinor
			rows[i].Reason = Enc(M("replica.reason.resized", off.Name))
			if s.Meter != nil {
				if err := s.Meter.Start(ctx, tx, &rows[i].Placement, now); err != nil {
					return err
				}
			}
			if err := tx.Placements().Update(ctx, &rows[i]); err != nil {
				return err
			}
		}
		oldName := oldOff
		if o, err := tx.Offerings().Get(ctx, oldOff); err == nil {
			oldName = o.Name
		}
		w2.OfferingID, w2.ForecastMonthlyMinor = off.ID, total
		w2.Reason = Enc(M("workload.reason.resized", oldName, off.Name, s.money(old, w2.Currency), s.money(total, w2.Currency)))
		if err := tx.Workloads().Update(ctx, &w2); err != nil {
			return err
		}
		store.AuditTarget(ctx, "workloads", w2.ID)
		w = w2
		return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: id, At: now, Actor: who.Name, From: w2.State, To: w2.State, Reason: w2.Reason})
	})
	if err != nil {
		undo()
		return w, err
	}
	// The providers resize (outside any transaction).
	var failed error
	for i, p := range live {
		d := decs[i]
		spec := provider.Spec{ResourceRef: refOf(p), OfferingID: off.ID, VCPUs: d.Resources.VCPU, MemoryMiB: d.Resources.MemoryMiB, DiskGiB: d.Resources.DiskGiB}
		if err := rzs[i].Resize(ctx, spec); err != nil {
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
	return w, failed
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
