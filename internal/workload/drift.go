package workload

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/store"
)

// Vanished records that a running replica's resource was deleted outside
// soberana: the provider's list no longer shows it and a direct look
// confirmed it. In one transaction the replica becomes failed with the
// reason "deleted outside soberana", its metering stops at lastSeen (the
// last time a provider list showed the resource), the drift is recorded
// (the alert engine fires on it) and — when the workload's drift policy
// says so, the default — the replica is placed again at a site that keeps
// every constraint of the workload (the same site may be chosen: the site
// is fine, the resource is gone). When the policy says no, or nothing fits,
// the replica stays failed; the workload fails only when no replica is left.
//
// p is the placement as read by the resync; a placement changed since
// (deleted by its owner meanwhile) returns store.ErrConflict.
func (s *Service) Vanished(ctx context.Context, p store.PlacementRow, lastSeen *time.Time, fence Fence) (action model.DriftAction, err error) {
	dec, lastErr, err := s.replacementFor(ctx, p)
	if err != nil {
		return "", err
	}
	seen := p.CreatedAt
	if lastSeen != nil {
		seen = *lastSeen
	}
	seen = seen.UTC().Truncate(time.Second)
	var freed []store.PlacementRow
	ev := audit.System("reconciler", "replica.deleted_outside", "placements", p.ID)
	err = audit.Write(ctx, s.st, ev, func(tx *store.Tx, ev *model.AuditEvent) error {
		freed = freed[:0]
		cur, w2, err := fence.reread(ctx, tx, p, notRunning)
		if err != nil {
			return err
		}
		now := tx.Now()
		ev.InstitutionID, ev.ProjectID = w2.InstitutionID, w2.ProjectID
		action = model.DriftFailed
		if dec != nil {
			action = model.DriftRecreated
		}
		why, err := s.failVanished(ctx, tx, &cur, &w2, seen, now, action)
		if err != nil {
			return err
		}
		freed = append(freed, cur)
		if dec != nil {
			return s.recreateVanished(ctx, tx, &w2, cur, *dec, now)
		}
		return s.leaveVanished(ctx, tx, &w2, cur, lastErr, why, now)
	})
	if err != nil {
		if dec != nil {
			_ = s.fleet.Engine().ReleaseDecision(*dec)
		}
		return "", fmt.Errorf("recording replica %d of %s deleted outside soberana: %w", p.Replica, p.WorkloadID, err)
	}
	s.Release(freed)
	s.Kick()
	return action, nil
}

// replacementFor decides, before Vanished's transaction, where the vanished
// replica p is placed again: only when the workload's drift policy
// recreates and the workload is running or provisioning. dec is nil when
// it is not placed again; lastErr then says why nothing fits, or is the
// failure to read what placing needs. err is a failure to read the
// workload or its drift policy.
func (s *Service) replacementFor(ctx context.Context, p store.PlacementRow) (dec *placement.Decision, lastErr, err error) {
	tx := s.st.Read()
	w, err := tx.Workloads().Get(ctx, p.WorkloadID)
	if err != nil {
		return nil, nil, err
	}
	pol, err := tx.DriftPolicyOf(ctx, w.ID)
	if err != nil {
		return nil, nil, err
	}
	if pol.Recreate && (w.State == model.StateRunning || w.State == model.StateProvisioning) {
		var err error
		if dec, _, lastErr, err = s.placeOne(ctx, &w, p, false); err != nil {
			lastErr = err
		}
	}
	return dec, lastErr, nil
}

// failVanished is Vanished's first step in the transaction: it stops cur's
// metering at seen, fails cur with the reason "deleted outside soberana"
// (answered as why), then records the drift with action and the workload
// event.
func (s *Service) failVanished(ctx context.Context, tx *store.Tx, cur *store.PlacementRow, w2 *model.Workload, seen, now time.Time, action model.DriftAction) (why Msg, err error) {
	if s.Meter != nil {
		if err := s.Meter.Stop(ctx, tx, &cur.Placement, seen); err != nil {
			return why, err
		}
	}
	why = M("replica.reason.deleted_outside", cur.ResourceID, seen.Format(time.RFC3339))
	if err := setPlacement(cur, model.PlacementFailed); err != nil {
		return why, err
	}
	cur.FinalState, cur.Attempts, cur.NextAttemptAt = model.PlacementFailed, 0, nil
	cur.Reason = Enc(why)
	if err := tx.Placements().Update(ctx, cur); err != nil {
		return why, err
	}
	if err := tx.AddDrift(ctx, &model.Drift{PlacementID: cur.ID, WorkloadID: w2.ID, InstitutionID: w2.InstitutionID,
		ProviderID: cur.ProviderID, SiteID: cur.SiteID, ResourceID: cur.ResourceID, Kind: model.DriftDeleted,
		Action: action, LastSeenAt: &seen, DetectedAt: now}); err != nil {
		return why, err
	}
	return why, tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: w2.ID, At: now, Actor: ActorReconciler,
		Reason: Enc(M("workload.reason.replica_deleted_outside", strconv.Itoa(cur.Replica), cur.ResourceID, s.siteName(cur.SiteID)))})
}

// recreateVanished creates the replacement of the failed replica cur where
// dec placed it, due now, records the workload event and rolls the
// workload's state up.
func (s *Service) recreateVanished(ctx context.Context, tx *store.Tx, w2 *model.Workload, cur store.PlacementRow, dec placement.Decision, now time.Time) error {
	c := dec.Choices[0]
	off, err := tx.Offerings().Get(ctx, w2.OfferingID)
	if err != nil {
		return err
	}
	rows := s.PlacementRows(w2, off, dec, []int{cur.Replica})
	rows[0].NextAttemptAt = &now
	rows[0].Reason = Enc(M("replica.reason.recreated", s.siteName(c.SiteID), cur.ResourceID))
	if err := tx.Placements().Create(ctx, &rows[0], "pl"); err != nil {
		return err
	}
	if err := tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: w2.ID, At: now, Actor: ActorReconciler,
		Reason: Enc(M("workload.reason.replica_recreated", strconv.Itoa(cur.Replica), s.siteName(c.SiteID)))}); err != nil {
		return err
	}
	return s.rollup(ctx, tx, w2.ID, now)
}

// leaveVanished handles a failed replica cur that is not placed again: it
// records why the failover found nothing (lastErr, when placing was
// tried), and the workload runs on what is left — it fails with why when
// no replica is pending, provisioning or running.
func (s *Service) leaveVanished(ctx context.Context, tx *store.Tx, w2 *model.Workload, cur store.PlacementRow, lastErr error, why Msg, now time.Time) error {
	if lastErr != nil {
		if err := tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: w2.ID, At: now, Actor: ActorReconciler,
			Reason: Enc(M("workload.reason.failover_failed", strconv.Itoa(cur.Replica), s.siteName(cur.SiteID), explainEN(lastErr)))}); err != nil {
			return err
		}
	}
	ps, err := tx.PlacementsOf(ctx, w2.ID)
	if err != nil {
		return err
	}
	for _, q := range ps {
		if q.State == model.PlacementPending || q.State == model.PlacementProvisioning || q.State == model.PlacementRunning {
			return nil
		}
	}
	return s.failWorkload(ctx, tx, w2, why, now)
}

// placeOne places one replica of w again within the workload's policy:
// away from its other live replicas' sites, within what is left of the
// cost ceiling, keeping the set-wide redundancy rules. A failover also
// keeps away from p's own site and asks for the failover cover of a
// workload that has one. It answers the decision and w's offering, or
// unfit, why nothing fits; err is a failure to read what it needs.
func (s *Service) placeOne(ctx context.Context, w *model.Workload, p store.PlacementRow, failover bool) (dec *placement.Decision, off model.Offering, unfit, err error) {
	tx := s.st.Read()
	ps, err := tx.PlacementsOf(ctx, w.ID)
	if err != nil {
		return nil, off, nil, err
	}
	off, err = tx.Offerings().Get(ctx, w.OfferingID)
	if err != nil {
		return nil, off, nil, err
	}
	var exclude []string
	if failover {
		exclude = append(exclude, p.SiteID)
	}
	var keep []store.PlacementRow
	for _, q := range ps {
		if q.ID == p.ID {
			continue
		}
		if q.State == model.PlacementPending || q.State == model.PlacementProvisioning || q.State == model.PlacementRunning {
			keep = append(keep, q)
			exclude = append(exclude, q.SiteID)
		}
	}
	// The replica is placed again within the institution's data policy as
	// it stands now.
	pw, err := WithinPolicy(ctx, tx, *w)
	if err != nil {
		return nil, off, nil, err
	}
	unfit = errors.New("no site keeps the redundancy policy")
	for range 8 {
		req, err := s.PlacementRequest(ctx, &pw, off, exclude)
		if err != nil {
			return nil, off, nil, err
		}
		req.Replicas = 1
		req.Redundancy = placement.Redundancy{}
		if failover && hasCover(w) {
			s.failoverCover(w, &req, p.SiteID, keep)
		}
		if w.CostCeilingMinor > 0 {
			sum := int64(0)
			for _, q := range keep {
				sum += q.MonthlyMinor
			}
			req.CostCeilingMinor = max(w.CostCeilingMinor-sum, 1)
		}
		d, err := s.fleet.Engine().Place(req)
		if err != nil {
			return nil, off, s.PlaceError(err, w.Currency, off.Name), nil
		}
		if s.redundancyHolds(w, keep, d.Choices[0]) {
			return &d, off, nil, nil
		}
		_ = s.fleet.Engine().ReleaseDecision(d)
		exclude = append(exclude, d.Choices[0].SiteID)
	}
	return nil, off, unfit, nil
}

// Drifted records that a running replica's resource differs from what
// soberana placed (stopped, resized or moved outside soberana), and what
// was done about it (action: model.DriftRestored, DriftAdopted,
// DriftReported, or DriftRestoreFailed with the provider's error as
// cause, which the workload's timeline shows). The placement itself is
// unchanged: a restored resource is as placed again, an adopted or
// reported one keeps being metered as placed (it still holds its capacity
// at the provider).
func (s *Service) Drifted(ctx context.Context, p store.PlacementRow, kind model.DriftKind, detail []model.Differs, action model.DriftAction, cause error, fence Fence) error {
	ev := audit.System("reconciler", "replica.drift."+string(action), "placements", p.ID)
	return audit.Write(ctx, s.st, ev, func(tx *store.Tx, ev *model.AuditEvent) error {
		if err := fence.check(ctx, tx); err != nil {
			return err
		}
		now := tx.Now()
		w, err := tx.Workloads().Get(ctx, p.WorkloadID)
		if err != nil {
			return err
		}
		ev.InstitutionID, ev.ProjectID = w.InstitutionID, w.ProjectID
		if err := tx.AddDrift(ctx, &model.Drift{PlacementID: p.ID, WorkloadID: w.ID, InstitutionID: w.InstitutionID,
			ProviderID: p.ProviderID, SiteID: p.SiteID, ResourceID: p.ResourceID, Kind: kind, Detail: detail,
			Action: action, DetectedAt: now}); err != nil {
			return err
		}
		args := []string{strconv.Itoa(p.Replica), p.ResourceID, DiffText(detail)}
		if cause != nil {
			args = append(args, cause.Error())
		}
		return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: w.ID, At: now, Actor: ActorReconciler,
			Reason: Enc(M("workload.reason.replica_drift."+string(action), args...))})
	})
}

// DriftCleared records that an open drift of a running replica (reported,
// adopted or restore_failed; model.DriftAction.Open) no longer holds: the
// resync found the resource as placed again, put back by someone other
// than soberana. The cleared drift carries the difference that went away
// and shows in the workload's timeline; the alert engine resolves the
// drift's replica_drift alert. The same change happening again is then a
// new drift (the resync records only a difference that the replica's
// latest drift of that kind does not already hold).
//
// p is the placement and open the drift as read by the resync; a
// placement changed since, or a drift of that replica and kind recorded
// since, returns store.ErrConflict (the next resync judges again).
func (s *Service) DriftCleared(ctx context.Context, p store.PlacementRow, open model.Drift, fence Fence) error {
	ev := audit.System("reconciler", "replica.drift."+string(model.DriftCleared), "placements", p.ID)
	return audit.Write(ctx, s.st, ev, func(tx *store.Tx, ev *model.AuditEvent) error {
		cur, w, err := fence.reread(ctx, tx, p, notRunning)
		if err != nil {
			return err
		}
		ev.InstitutionID, ev.ProjectID = w.InstitutionID, w.ProjectID
		latest, _, err := tx.LatestDriftOf(ctx, w.ID, cur.ID, open.Kind)
		if err != nil {
			return err
		}
		if latest.ID != open.ID {
			return store.ErrConflict
		}
		now := tx.Now()
		if err := tx.AddDrift(ctx, &model.Drift{PlacementID: cur.ID, WorkloadID: w.ID, InstitutionID: w.InstitutionID,
			ProviderID: cur.ProviderID, SiteID: cur.SiteID, ResourceID: cur.ResourceID, Kind: open.Kind, Detail: open.Detail,
			Action: model.DriftCleared, DetectedAt: now}); err != nil {
			return err
		}
		return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: w.ID, At: now, Actor: ActorReconciler,
			Reason: Enc(M("workload.reason.replica_drift."+string(model.DriftCleared), strconv.Itoa(cur.Replica), cur.ResourceID, DiffText(open.Detail)))})
	})
}

// DiffText writes what differs in a drift as "field: want → got", comma
// separated (the same in every language: field names and values).
func DiffText(detail []model.Differs) string {
	what := ""
	for i, d := range detail {
		if i > 0 {
			what += ", "
		}
		what += d.Field + ": " + d.Want + " → " + d.Got
	}
	return what
}
