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
// one alert (a fact: it stays until read), whatever was done about it.
const (
	RuleReplicaDeleted = "replica_deleted_outside"
	RuleReplicaDrift   = "replica_drift"
)

// driftConditions turns the drifts recorded since the engine started
// looking back into conditions.
func (e *Engine) driftConditions(ctx context.Context, tx *store.Tx) ([]condition, error) {
	ds, err := tx.DriftsSince(ctx, e.since, 1000)
	if err != nil {
		return nil, err
	}
	out := make([]condition, 0, len(ds))
	for _, d := range ds {
		if d.Kind == model.DriftDeleted {
			seen := ""
			if d.LastSeenAt != nil {
				seen = d.LastSeenAt.UTC().Format(time.RFC3339)
			}
			out = append(out, condition{key: RuleReplicaDeleted + ":" + d.ID, rule: RuleReplicaDeleted, severity: model.SeverityCritical,
				kind: "placement", id: d.PlacementID, institution: d.InstitutionID, value: string(d.Action),
				summary: workload.M("alert.replica_deleted_outside."+string(d.Action), d.ResourceID, d.PlacementID, d.WorkloadID, seen)})
			continue
		}
		what := ""
		for i, x := range d.Detail {
			if i > 0 {
				what += ", "
			}
			what += x.Field + ": " + x.Want + " → " + x.Got
		}
		out = append(out, condition{key: RuleReplicaDrift + ":" + d.ID, rule: RuleReplicaDrift, severity: model.SeverityWarning,
			kind: "placement", id: d.PlacementID, institution: d.InstitutionID, value: string(d.Kind),
			summary: workload.M("alert.replica_drift."+string(d.Action), d.ResourceID, d.PlacementID, d.WorkloadID, what)})
	}
	return out, nil
}
