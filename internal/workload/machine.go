package workload

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/soberana/soberana/internal/geo"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/store"
)

// Outcome is what the reconciler observed and did for one placement, to be
// recorded: the placement as it was read (its version guards the write),
// and what it becomes.
type Outcome struct {
	Read       store.PlacementRow
	State      model.PlacementState
	ResourceID string
	Reason     Msg
	Attempts   int
	// NextAt schedules the next look (nil: none).
	NextAt *time.Time
	// Event, when set, is recorded on the workload's timeline.
	Event *Msg
	// Addresses, when set, are the replica's addresses as the provider
	// reports them.
	Addresses []model.Address
}

// Fence runs first in every recording transaction; an error aborts it
// (the reconciler checks it still holds its lease).
type Fence func(ctx context.Context, tx *store.Tx) error

// check runs f in tx; a nil fence (no lease to hold) lets every
// transaction through.
func (f Fence) check(ctx context.Context, tx *store.Tx) error {
	if f == nil {
		return nil
	}
	return f(ctx, tx)
}

// reread checks the fence in tx and reads p again as tx sees it, with its
// workload: the start of a write that acts on a placement read before the
// transaction. A placement whose version moved since, or that changed
// meanwhile as moved says (nil: only the version counts), returns
// store.ErrConflict.
func (f Fence) reread(ctx context.Context, tx *store.Tx, p store.PlacementRow, moved func(cur *store.PlacementRow) bool) (store.PlacementRow, model.Workload, error) {
	if err := f.check(ctx, tx); err != nil {
		return store.PlacementRow{}, model.Workload{}, err
	}
	cur, err := tx.PlacementByID(ctx, p.ID)
	if err != nil {
		return store.PlacementRow{}, model.Workload{}, err
	}
	if cur.Version != p.Version || (moved != nil && moved(&cur)) {
		return store.PlacementRow{}, model.Workload{}, store.ErrConflict
	}
	w, err := tx.Workloads().Get(ctx, cur.WorkloadID)
	return cur, w, err
}

// notRunning is reread's test for a write that acts only on a running
// replica.
func notRunning(cur *store.PlacementRow) bool { return cur.State != model.PlacementRunning }

// Apply records outcomes in one short transaction. A placement changed
// since it was read (deleted by a user meanwhile) is skipped: the next pass
// sees the new desired state. Workloads whose placements changed move to
// the state their placements imply. It returns how many were recorded.
func (s *Service) Apply(ctx context.Context, outs []Outcome, fence Fence) (int, error) {
	if len(outs) == 0 {
		return 0, nil
	}
	var freed []store.PlacementRow
	applied := 0
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		freed, applied = freed[:0], 0
		if err := fence.check(ctx, tx); err != nil {
			return err
		}
		now := tx.Now()
		// Every placement of the batch is one statement (UpdateAll): a
		// placement whose version moved meanwhile is left as the change
		// that won made it.
		rows, ptrs, err := outcomeRows(outs)
		if err != nil {
			return err
		}
		written, err := tx.Placements().UpdateAll(ctx, ptrs)
		if err != nil {
			return err
		}
		b := appliedBatch{freed: freed}
		err = s.tallyWritten(ctx, tx, &b, outs, rows, written, now)
		freed, applied = b.freed, b.applied
		if err != nil {
			return err
		}
		if err := startMetering(ctx, tx, s.Meter, b.started, now); err != nil {
			return err
		}
		evs, err := s.rollupTouched(ctx, tx, b.order, now)
		if err != nil {
			return err
		}
		return tx.AddEvents(ctx, append(b.events, evs...))
	})
	if err != nil {
		return 0, err
	}
	s.Release(freed)
	return applied, nil
}

// outcomeRows turns each outcome into the placement row to write: its
// read row moved to the outcome's state, attempts and next look, with the
// resource id, addresses and reason the outcome sets. ptrs points at rows,
// in order, for UpdateAll.
func outcomeRows(outs []Outcome) (rows []store.PlacementRow, ptrs []*store.PlacementRow, err error) {
	rows = make([]store.PlacementRow, len(outs))
	ptrs = make([]*store.PlacementRow, len(outs))
	for i, o := range outs {
		p := o.Read
		if err := setPlacement(&p, o.State); err != nil {
			return nil, nil, err
		}
		p.Attempts, p.NextAttemptAt = o.Attempts, o.NextAt
		if o.ResourceID != "" {
			p.ResourceID = o.ResourceID
		}
		if o.Addresses != nil {
			p.Addresses = o.Addresses
		}
		if !o.Reason.IsZero() {
			p.Reason = Enc(o.Reason)
		}
		rows[i], ptrs[i] = p, &rows[i]
	}
	return rows, ptrs, nil
}

// appliedBatch is what Apply's written rows leave to do: how many were
// applied, the replicas freed (deleted or failed), those whose metering
// starts, the outcomes' events, and the workloads whose placements changed
// state, each once in first-seen order.
type appliedBatch struct {
	applied int
	freed   []store.PlacementRow
	started []*model.Placement
	events  []model.WorkloadEvent
	order   []string
}

// tallyWritten goes through the rows UpdateAll wrote (written[i]), in
// order, into b: a replica that began running is to be metered, one that
// stopped running has its metering stopped now, in tx. A row not written
// is skipped: the change that won decides its metering.
func (s *Service) tallyWritten(ctx context.Context, tx *store.Tx, b *appliedBatch, outs []Outcome, rows []store.PlacementRow, written []bool, now time.Time) error {
	touched := map[string]bool{}
	for i, o := range outs {
		if !written[i] {
			continue
		}
		p, was := &rows[i], o.Read.State
		b.applied++
		if was != model.PlacementRunning && p.State == model.PlacementRunning && s.Meter != nil {
			b.started = append(b.started, &p.Placement)
		}
		if was == model.PlacementRunning && p.State != model.PlacementRunning && s.Meter != nil {
			if err := s.Meter.Stop(ctx, tx, &p.Placement, now); err != nil {
				return err
			}
		}
		if p.State == model.PlacementDeleted || p.State == model.PlacementFailed {
			b.freed = append(b.freed, *p)
		}
		if o.Event != nil {
			b.events = append(b.events, model.WorkloadEvent{WorkloadID: p.WorkloadID, At: now, Actor: ActorReconciler, Reason: Enc(*o.Event)})
		}
		if was != p.State && !touched[p.WorkloadID] {
			touched[p.WorkloadID] = true
			b.order = append(b.order, p.WorkloadID)
		}
	}
	return nil
}

// rollupTouched moves each workload of order to the state its placements
// imply and answers the events that records. One read serves every
// workload to roll up (issue #19) and the workloads that move are one
// statement; each was read in this transaction, so one that did not
// update is an error, as Update's ErrConflict.
func (s *Service) rollupTouched(ctx context.Context, tx *store.Tx, order []string, now time.Time) ([]model.WorkloadEvent, error) {
	ws, ps, err := tx.WorkloadsWithPlacements(ctx, order)
	if err != nil {
		return nil, err
	}
	var (
		moved  []*model.Workload
		events []model.WorkloadEvent
	)
	for _, id := range order {
		w, evs, err := s.rollupOf(ctx, tx, ws[id], ps[id], now)
		if err != nil {
			return nil, err
		}
		if w != nil {
			moved = append(moved, w)
		}
		events = append(events, evs...)
	}
	ok, err := tx.Workloads().UpdateAll(ctx, moved)
	if err != nil {
		return nil, err
	}
	for i, w := range moved {
		if !ok[i] {
			return nil, fmt.Errorf("updating workloads %s: %w (version %d is stale)", w.ID, store.ErrConflict, w.Version)
		}
	}
	return events, nil
}

// startMetering opens the usage intervals of replicas that began running,
// in one go when the meter can (BatchMeter).
func startMetering(ctx context.Context, tx *store.Tx, m Meter, ps []*model.Placement, now time.Time) error {
	return metering(ctx, tx, m, ps, now, Meter.Start, BatchMeter.StartAll)
}

// stopMetering closes the usage intervals of replicas that stopped, as
// startMetering opens them.
func stopMetering(ctx context.Context, tx *store.Tx, m Meter, ps []*model.Placement, now time.Time) error {
	return metering(ctx, tx, m, ps, now, Meter.Stop, BatchMeter.StopAll)
}

// metering hands the replicas ps to m's batch method all when m is a
// BatchMeter, else to its method one for each replica in turn.
func metering(ctx context.Context, tx *store.Tx, m Meter, ps []*model.Placement, now time.Time,
	one func(Meter, context.Context, *store.Tx, *model.Placement, time.Time) error,
	all func(BatchMeter, context.Context, *store.Tx, []*model.Placement, time.Time) error) error {
	if len(ps) == 0 {
		return nil
	}
	if bm, ok := m.(BatchMeter); ok {
		return all(bm, ctx, tx, ps, now)
	}
	for _, p := range ps {
		if err := one(m, ctx, tx, p, now); err != nil {
			return err
		}
	}
	return nil
}

// rollup moves a workload to the state its placements imply.
func (s *Service) rollup(ctx context.Context, tx *store.Tx, id string, now time.Time) error {
	w, ps, err := tx.WorkloadWithPlacements(ctx, id)
	if err != nil {
		return err
	}
	moved, evs, err := s.rollupOf(ctx, tx, w, ps, now)
	if err != nil {
		return err
	}
	if moved != nil {
		if err := tx.Workloads().Update(ctx, moved); err != nil {
			return err
		}
	}
	return tx.AddEvents(ctx, evs)
}

// rollupOf moves workload w, read with its placements ps, to the state
// they imply, and returns it for the caller to write (nil: it stays as
// it is) with the events to record for it.
func (s *Service) rollupOf(ctx context.Context, tx *store.Tx, w model.Workload, ps []store.PlacementRow, now time.Time) (*model.Workload, []model.WorkloadEvent, error) {
	id := w.ID
	var active, running, cleaning int
	for _, p := range ps {
		switch p.State {
		case model.PlacementPending, model.PlacementProvisioning:
			active++
		case model.PlacementRunning:
			active++
			running++
		case model.PlacementDeleting:
			cleaning++
		}
	}
	to, reason := w.State, Msg{}
	switch w.State {
	case model.StateApproved, model.StateProvisioning, model.StateRunning:
		switch {
		case running == w.Replicas && active == running:
			to, reason = model.StateRunning, M("workload.reason.running", strconv.Itoa(running))
		case w.State == model.StateApproved:
			to, reason = model.StateProvisioning, M("workload.reason.provisioning", strconv.Itoa(active))
		case w.State == model.StateRunning:
			to, reason = model.StateProvisioning, M("workload.reason.reprovisioning", strconv.Itoa(running), strconv.Itoa(w.Replicas))
		}
	case model.StateDeleting:
		if active == 0 && cleaning == 0 {
			to, reason = model.StateDeleted, M("workload.reason.deleted")
		}
	}
	if to == w.State {
		return nil, nil, nil
	}
	var evs []model.WorkloadEvent
	from := w.State
	if from == model.StateApproved && to == model.StateRunning {
		// Record the provisioning step even when it took one pass.
		evs = append(evs, model.WorkloadEvent{WorkloadID: id, At: now, Actor: ActorReconciler, From: from,
			To: model.StateProvisioning, Reason: Enc(M("workload.reason.provisioning", strconv.Itoa(w.Replicas)))})
		from = model.StateProvisioning
	}
	if err := setState(&w, to); err != nil {
		return nil, nil, err
	}
	w.Reason = Enc(reason)
	if to == model.StateDeleted {
		if err := s.releaseBudget(ctx, tx, &w); err != nil {
			return nil, nil, err
		}
	}
	return &w, append(evs, model.WorkloadEvent{WorkloadID: id, At: now, Actor: ActorReconciler, From: from, To: to, Reason: w.Reason}), nil
}

// Replace moves one replica off its site (the site is down, or the
// provider kept failing there): it places the replica again within the
// workload's policy, schedules the old resource for deletion and the new
// one for creation. When nothing fits, the workload fails with the reason
// and its other replicas are deleted.
func (s *Service) Replace(ctx context.Context, p store.PlacementRow, why Msg, fence Fence) error {
	tx := s.st.Read()
	w, err := tx.Workloads().Get(ctx, p.WorkloadID)
	if err != nil {
		return err
	}
	dec, off, lastErr, err := s.placeOne(ctx, &w, p, true)
	if err != nil {
		return err
	}
	var freed []store.PlacementRow
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		freed = freed[:0]
		cur, w2, err := fence.reread(ctx, tx, p, nil)
		if err != nil {
			return err
		}
		now := tx.Now()
		stop := func(q *store.PlacementRow) error {
			if q.State == model.PlacementRunning && s.Meter != nil {
				return s.Meter.Stop(ctx, tx, &q.Placement, now)
			}
			return nil
		}
		if dec != nil {
			c := dec.Choices[0]
			rows := s.PlacementRows(&w2, off, *dec, []int{p.Replica})
			rows[0].NextAttemptAt = &now
			if err := stop(&cur); err != nil {
				return err
			}
			if err := setPlacement(&cur, model.PlacementDeleting); err != nil {
				return err
			}
			cur.FinalState, cur.Attempts, cur.NextAttemptAt = model.PlacementDeleted, 0, &now
			cur.Reason = Enc(M("replica.reason.moved", s.siteName(c.SiteID), why.Render("en")))
			if err := tx.Placements().Update(ctx, &cur); err != nil {
				return err
			}
			if err := tx.Placements().Create(ctx, &rows[0], "pl"); err != nil {
				return err
			}
			if err := tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: w.ID, At: now, Actor: ActorReconciler,
				Reason: Enc(M("workload.reason.replica_moved", strconv.Itoa(p.Replica), s.siteName(p.SiteID), s.siteName(c.SiteID)))}); err != nil {
				return err
			}
			if err := tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: w.ID, At: now, Actor: ActorReconciler, Reason: Enc(why)}); err != nil {
				return err
			}
			return s.rollup(ctx, tx, w.ID, now)
		}
		// Nothing fits: the workload fails; every replica is deleted.
		reason := M("workload.reason.failover_failed", strconv.Itoa(p.Replica), p.SiteID, explainEN(lastErr))
		all, err := tx.PlacementsOf(ctx, w.ID)
		if err != nil {
			return err
		}
		for _, q := range all {
			switch q.State {
			case model.PlacementPending, model.PlacementProvisioning, model.PlacementRunning:
			default:
				continue
			}
			if err := stop(&q); err != nil {
				return err
			}
			if err := setPlacement(&q, model.PlacementDeleting); err != nil {
				return err
			}
			q.Attempts, q.NextAttemptAt = 0, &now
			q.FinalState = model.PlacementDeleted
			if q.ID == p.ID {
				q.FinalState = model.PlacementFailed
			}
			q.Reason = Enc(reason)
			if err := tx.Placements().Update(ctx, &q); err != nil {
				return err
			}
		}
		return s.failWorkload(ctx, tx, &w2, reason, now)
	})
	if err != nil {
		if dec != nil {
			_ = s.fleet.Engine().ReleaseDecision(*dec)
		}
		return fmt.Errorf("re-placing replica %d of %s: %w", p.Replica, p.WorkloadID, err)
	}
	s.Release(freed)
	s.Kick()
	return nil
}

// redundancyHolds checks the workload's set-wide rules with a new choice
// in place of the lost replica.
func (s *Service) redundancyHolds(w *model.Workload, keep []store.PlacementRow, c placement.Choice) bool {
	r := w.Redundancy
	if r.MinProviders <= 1 && r.MinFailureDomains <= 1 && r.MinDistanceKm <= 0 {
		return true
	}
	provs, fds := map[string]bool{c.ProviderID: true}, map[string]bool{c.FailureDomain: true}
	ns, ok := s.fleet.Site(c.SiteID)
	if !ok {
		return false
	}
	for _, q := range keep {
		site, ok := s.fleet.Site(q.SiteID)
		if !ok {
			return false
		}
		provs[q.ProviderID] = true
		fd := site.FailureDomain
		if fd == "" {
			fd = site.ID
		}
		fds[fd] = true
		if r.MinDistanceKm > 0 && geo.DistanceKm(ns.Latitude, ns.Longitude, site.Latitude, site.Longitude) < r.MinDistanceKm {
			return false
		}
	}
	return len(provs) >= r.MinProviders && len(fds) >= r.MinFailureDomains
}

// failWorkload ends w as failed for reason, unless it is already on its way
// out (deleting, deleted or failed): it releases the workload's budget and
// records the transition as the reconciler's. Failover and drift both end a
// workload this way when no replica of it is left, so they share it.
func (s *Service) failWorkload(ctx context.Context, tx *store.Tx, w *model.Workload, reason Msg, now time.Time) error {
	from := w.State
	if from == model.StateDeleting || from == model.StateDeleted || from == model.StateFailed {
		return nil
	}
	if err := setState(w, model.StateFailed); err != nil {
		return err
	}
	w.Reason = Enc(reason)
	if err := s.releaseBudget(ctx, tx, w); err != nil {
		return err
	}
	if err := tx.Workloads().Update(ctx, w); err != nil {
		return err
	}
	return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: w.ID, At: now, Actor: ActorReconciler, From: from, To: model.StateFailed, Reason: w.Reason})
}
