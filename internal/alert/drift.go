package alert

import (
	"context"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// Drift rules: a replica's resource deleted outside soberana, or changed
// outside it (stopped, resized, moved). Each drift the resync records is
// one alert (a fact: it stays until read), whatever was done about it —
// except that a drift found gone later (a cleared drift: the resource is
// as placed again) resolves the alerts of that replica and kind, and is
// no alert itself; and a restored drift (soberana brought the resource
// back, e.g. on a retry after restore_failed) resolves the alerts of the
// open drifts before it — reported, adopted, restore_failed: their
// difference no longer holds — while it stays an alert of its own.
const (
	RuleReplicaDeleted = "replica_deleted_outside"
	RuleReplicaDrift   = "replica_drift"
)

// driftConditions turns the drifts recorded since the engine started
// looking back into conditions. A drift of a replica and kind followed by
// a cleared one is no condition any more, and the cleared drift is one
// that clears (condition.clears): the firing replica_drift alerts of that
// replica and kind that no condition holds resolve — also those of drifts
// recorded before the engine's look-back. An open drift followed by a
// restored one is no condition either, and the restored drift clears
// too, besides being a condition itself.
func (e *Engine) driftConditions(ctx context.Context, tx *store.Tx) ([]condition, error) {
	ds, err := tx.DriftsSince(ctx, e.since, 1000)
	if err != nil {
		return nil, err
	}
	type key struct {
		placement string
		kind      model.DriftKind
	}
	lastCleared, lastRestored := map[key]int{}, map[key]int{}
	for i, d := range ds {
		switch d.Action {
		case model.DriftCleared:
			lastCleared[key{d.PlacementID, d.Kind}] = i
		case model.DriftRestored:
			lastRestored[key{d.PlacementID, d.Kind}] = i
		}
	}
	out := make([]condition, 0, len(ds))
	for i, d := range ds {
		if d.Kind == model.DriftDeleted {
			seen := ""
			if d.LastSeenAt != nil {
				seen = d.LastSeenAt.UTC().Format(time.RFC3339)
			}
			out = append(out, condition{key: RuleReplicaDeleted + ":" + d.ID, rule: RuleReplicaDeleted, severity: model.SeverityCritical,
				kind: TargetPlacement, id: d.PlacementID, institution: d.InstitutionID, value: string(d.Action),
				summary: workload.M("alert.replica_deleted_outside."+string(d.Action), d.ResourceID, d.PlacementID, d.WorkloadID, seen)})
			continue
		}
		k := key{d.PlacementID, d.Kind}
		c := condition{key: RuleReplicaDrift + ":" + d.ID, rule: RuleReplicaDrift, kind: TargetPlacement, id: d.PlacementID,
			institution: d.InstitutionID, value: string(d.Kind)}
		if last, ok := lastCleared[k]; ok && i <= last {
			if i == last {
				c.clears = true
				out = append(out, c)
			}
			continue
		}
		if last, ok := lastRestored[k]; ok && i <= last {
			if i < last && d.Action.Open() {
				continue
			}
			if i == last {
				clears := c
				clears.clears = true
				out = append(out, clears)
			}
		}
		c.severity = model.SeverityWarning
		c.summary = workload.M("alert.replica_drift."+string(d.Action), d.ResourceID, d.PlacementID, d.WorkloadID, workload.DiffText(d.Detail))
		out = append(out, c)
	}
	return out, nil
}
