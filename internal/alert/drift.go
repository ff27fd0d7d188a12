package alert

import (
	"context"
	"time"

	"github.com/soberana/soberana/internal/i18n"
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
			out = append(out, condition{key: RuleReplicaDeleted + ":" + d.ID, rule: RuleReplicaDeleted, severity: "critical",
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
		out = append(out, condition{key: RuleReplicaDrift + ":" + d.ID, rule: RuleReplicaDrift, severity: "warning",
			kind: "placement", id: d.PlacementID, institution: d.InstitutionID, value: string(d.Kind),
			summary: workload.M("alert.replica_drift."+string(d.Action), d.ResourceID, d.PlacementID, d.WorkloadID, what)})
	}
	return out, nil
}

func init() {
	i18n.Add(map[string]i18n.Text{
		"alert.replica_deleted_outside.recreated": {
			ES: "el recurso %s de la réplica %s (carga %s) fue eliminado fuera de soberana (visto por última vez el %s); la réplica se vuelve a crear",
			PT: "o recurso %s da réplica %s (carga %s) foi removido fora da soberana (visto pela última vez em %s); a réplica está sendo recriada",
			EN: "resource %s of replica %s (workload %s) was deleted outside soberana (last seen at %s); the replica is being created again"},
		"alert.replica_deleted_outside.failed": {
			ES: "el recurso %s de la réplica %s (carga %s) fue eliminado fuera de soberana (visto por última vez el %s); la réplica no se vuelve a crear (política de la carga o ningún sitio cumple sus restricciones)",
			PT: "o recurso %s da réplica %s (carga %s) foi removido fora da soberana (visto pela última vez em %s); a réplica não será recriada (política da carga ou nenhum site atende às restrições)",
			EN: "resource %s of replica %s (workload %s) was deleted outside soberana (last seen at %s); the replica is not created again (the workload's policy, or no site keeps its constraints)"},
		"alert.replica_drift.restored": {
			ES: "el recurso %s de la réplica %s (carga %s) fue cambiado fuera de soberana (%s); se restableció lo solicitado",
			PT: "o recurso %s da réplica %s (carga %s) foi alterado fora da soberana (%s); o solicitado foi restabelecido",
			EN: "resource %s of replica %s (workload %s) was changed outside soberana (%s); it was brought back to what was asked"},
		"alert.replica_drift.adopted": {
			ES: "el recurso %s de la réplica %s (carga %s) fue cambiado fuera de soberana (%s); el cambio se adoptó según la política de la carga",
			PT: "o recurso %s da réplica %s (carga %s) foi alterado fora da soberana (%s); a alteração foi adotada conforme a política da carga",
			EN: "resource %s of replica %s (workload %s) was changed outside soberana (%s); the change was adopted as the workload's policy says"},
		"alert.replica_drift.reported": {
			ES: "el recurso %s de la réplica %s (carga %s) fue cambiado fuera de soberana (%s); el proveedor no permite restablecerlo: corríjalo en el proveedor o mueva la carga",
			PT: "o recurso %s da réplica %s (carga %s) foi alterado fora da soberana (%s); o provedor não permite restabelecê-lo: corrija-o no provedor ou mova a carga",
			EN: "resource %s of replica %s (workload %s) was changed outside soberana (%s); the provider cannot bring it back: fix it at the provider or move the workload"},
	})
}
