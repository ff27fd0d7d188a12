package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/soberana/soberana/internal/model"
)

var alertsEntity = noun(&entity[model.Alert]{
	table: "alerts",
	cols: []string{"dedup_key", "rule", "severity", "state", "target_kind", "target_id", "institution_id",
		"summary", "value", "fired_at", "resolved_at"},
	filters: map[string]bool{"state": true, "rule": true, "institution_id": true, "target_id": true, "dedup_key": true},
	values: func(v *model.Alert) []any {
		return []any{v.DedupKey, v.Rule, v.Severity, v.State, v.TargetKind, v.TargetID, v.InstitutionID,
			v.Summary, v.Value, micros(v.FiredAt), nullMicros(v.ResolvedAt)}
	},
	scanDest: func(v *model.Alert) []any {
		return []any{&v.DedupKey, &v.Rule, &v.Severity, &v.State, &v.TargetKind, &v.TargetID, &v.InstitutionID,
			&v.Summary, &v.Value, microsCol{&v.FiredAt}, nullTime{&v.ResolvedAt}}
	},
})

// microsCol scans microseconds into a time.Time.
type microsCol struct{ dst *time.Time }

func (m microsCol) Scan(src any) error {
	var v sql.NullInt64
	if err := v.Scan(src); err != nil {
		return err
	}
	*m.dst = fromMicros(v.Int64)
	return nil
}

// Alerts is the alert repository.
func (t *Tx) Alerts() Repo[model.Alert] { return Repo[model.Alert]{t, alertsEntity} }

var webhooksEntity = noun(&entity[model.AlertWebhook]{
	table:    "alert_webhooks",
	cols:     []string{"name", "url", "secret"},
	filters:  map[string]bool{"name": true},
	scanDest: func(v *model.AlertWebhook) []any { return []any{&v.Name, &v.URL, &v.Secret} },
})

// AlertWebhooks is the webhook repository.
func (t *Tx) AlertWebhooks() Repo[model.AlertWebhook] {
	return Repo[model.AlertWebhook]{t, webhooksEntity}
}

var deliveriesEntity = noun(&entity[model.AlertDelivery]{
	table:   "alert_deliveries",
	cols:    []string{"alert_id", "webhook_id", "event", "payload", "state", "attempts", "last_error", "next_attempt_at"},
	filters: map[string]bool{"state": true, "alert_id": true, "webhook_id": true},
	values: func(v *model.AlertDelivery) []any {
		return []any{v.AlertID, v.WebhookID, v.Event, v.Payload, v.State, v.Attempts, v.LastError, nullMicros(v.NextAttemptAt)}
	},
	scanDest: func(v *model.AlertDelivery) []any {
		return []any{&v.AlertID, &v.WebhookID, &v.Event, &v.Payload, &v.State, &v.Attempts, &v.LastError, nullTime{&v.NextAttemptAt}}
	},
})

// AlertDeliveries is the delivery repository.
func (t *Tx) AlertDeliveries() Repo[model.AlertDelivery] {
	return Repo[model.AlertDelivery]{t, deliveriesEntity}
}

// DueDeliveries returns pending deliveries (model.DeliveryPending) due at
// now, earliest first.
func (t *Tx) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]model.AlertDelivery, error) {
	return queryRepo(ctx, t.AlertDeliveries(), "due deliveries", fmt.Sprintf("SELECT %s FROM alert_deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT %d",
		deliveriesEntity.allCols(), limit), micros(now))
}

var migrationsEntity = noun(&entity[model.Migration]{
	table:   "migrations",
	cols:    []string{"workload_id", "evacuation_id", "state", "plan", "new_placements", "old_placements", "reason", "created_by"},
	filters: map[string]bool{"workload_id": true, "evacuation_id": true, "state": true},
	scanDest: func(v *model.Migration) []any {
		return []any{&v.WorkloadID, &v.EvacuationID, &v.State, &v.Plan, &v.NewPlacements, &v.OldPlacements, &v.Reason, &v.CreatedBy}
	},
})

// Migrations is the migration repository.
func (t *Tx) Migrations() Repo[model.Migration] { return Repo[model.Migration]{t, migrationsEntity} }

// MigrationsInState returns the migrations in one state, oldest first.
func (t *Tx) MigrationsInState(ctx context.Context, state model.MigrationState, limit int) ([]model.Migration, error) {
	return queryRepo(ctx, t.Migrations(), "migrations", fmt.Sprintf("SELECT %s FROM migrations WHERE state = ? ORDER BY id LIMIT %d", migrationsEntity.allCols(), limit), state)
}

// CountMigrations counts an evacuation's migrations by state.
func (t *Tx) CountMigrations(ctx context.Context, evacuationID string) (map[model.MigrationState]int, error) {
	return countGroups[model.MigrationState, int](ctx, t, "SELECT state, COUNT(*) FROM migrations WHERE evacuation_id = ? GROUP BY state", evacuationID)
}

// countGroups runs q, a SELECT of a key and a COUNT(*) grouped by the
// key, and returns the counts by key.
func countGroups[K ~string, N int | int64](ctx context.Context, t *Tx, q string, args ...any) (map[K]N, error) {
	rows, err := t.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[K]N{}
	for rows.Next() {
		var k K
		var n N
		if err := rows.Scan(&k, &n); err != nil {
			return nil, mapErr(err)
		}
		out[k] = n
	}
	return out, mapErr(rows.Err())
}

var evacuationsEntity = noun(&entity[model.Evacuation]{
	table:   "evacuations",
	cols:    []string{"provider_id", "state", "concurrency", "queue", "total", "created_by"},
	filters: map[string]bool{"provider_id": true, "state": true},
	scanDest: func(v *model.Evacuation) []any {
		return []any{&v.ProviderID, &v.State, &v.Concurrency, &v.Queue, &v.Total, &v.CreatedBy}
	},
})

// Evacuations is the evacuation repository.
func (t *Tx) Evacuations() Repo[model.Evacuation] {
	return Repo[model.Evacuation]{t, evacuationsEntity}
}

// WorkloadStateCounts counts workloads by state.
func (t *Tx) WorkloadStateCounts(ctx context.Context) (map[model.WorkloadState]int64, error) {
	return countGroups[model.WorkloadState, int64](ctx, t, "SELECT state, COUNT(*) FROM workloads GROUP BY state")
}

// QueueDepth returns how many placements are scheduled, and how many of
// them are due at now (the reconciler's backlog).
func (t *Tx) QueueDepth(ctx context.Context, now time.Time) (scheduled, due int64, err error) {
	err = t.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN next_attempt_at <= ? THEN 1 ELSE 0 END), 0)
		FROM placements WHERE next_attempt_at IS NOT NULL`, micros(now)).Scan(&scheduled, &due)
	return scheduled, due, mapErr(err)
}

// RunningSince returns, for workloads that first reached running after
// the event id after, the time from creation to running and the last
// event id seen (the watermark of the request-to-running histogram).
func (t *Tx) RunningSince(ctx context.Context, after string, limit int) ([]time.Duration, string, error) {
	rows, err := t.Query(ctx, fmt.Sprintf(`SELECT e.id, w.created_at, e.at FROM workload_events e JOIN workloads w ON w.id = e.workload_id
		WHERE e.to_state = ? AND e.from_state IN (?, ?) AND e.id > ? ORDER BY e.id LIMIT %d`, limit),
		model.StateRunning, model.StateProvisioning, model.StateApproved, after)
	if err != nil {
		return nil, after, err
	}
	defer rows.Close()
	var out []time.Duration
	last := after
	for rows.Next() {
		var id string
		var c, r int64
		if err := rows.Scan(&id, &c, &r); err != nil {
			return nil, after, mapErr(err)
		}
		out = append(out, time.Duration(r-c)*time.Microsecond)
		last = id
	}
	return out, last, mapErr(rows.Err())
}

// ActiveOnProvider returns the ids of workloads with an active placement
// (pending, provisioning, running) on a provider.
func (t *Tx) ActiveOnProvider(ctx context.Context, providerID string) ([]string, error) {
	return queryList(ctx, t, "active workloads", `SELECT DISTINCT p.workload_id FROM placements p JOIN workloads w ON w.id = p.workload_id
		WHERE p.provider_id = ? AND p.state IN (?, ?, ?) AND w.state NOT IN (?, ?, ?, ?) ORDER BY p.workload_id`,
		[]any{providerID, model.PlacementPending, model.PlacementProvisioning, model.PlacementRunning,
			model.StateDeleting, model.StateDeleted, model.StateFailed, model.StateRejected}, scanString)
}

// SiteRecovery counts, for a site, the active placements still on it and
// the not-yet-running replacements of workloads that had a replica there
// (a failover is complete when both are zero).
func (t *Tx) SiteRecovery(ctx context.Context, siteID string) (onSite, pending int64, err error) {
	err = t.QueryRow(ctx, `SELECT COUNT(*) FROM placements WHERE site_id = ? AND state IN (?, ?, ?)`,
		siteID, model.PlacementPending, model.PlacementProvisioning, model.PlacementRunning).Scan(&onSite)
	if err != nil {
		return 0, 0, mapErr(err)
	}
	err = t.QueryRow(ctx, `SELECT COUNT(*) FROM placements p WHERE p.state IN (?, ?) AND p.site_id <> ?
		AND p.workload_id IN (SELECT workload_id FROM placements WHERE site_id = ? AND state = ?)`,
		model.PlacementPending, model.PlacementProvisioning, siteID, siteID, model.PlacementDeleting).Scan(&pending)
	return onSite, pending, mapErr(err)
}

// ExpiringGrants returns unrevoked grants that expire between now and
// until (their ids, project, institution, user, role and expiry only).
func (t *Tx) ExpiringGrants(ctx context.Context, now, until time.Time) ([]model.Grant, error) {
	rows, err := t.Query(ctx, `SELECT id, project_id, institution_id, user_id, role, expires_at FROM grants
		WHERE revoked_at IS NULL AND expires_at > ? AND expires_at <= ? ORDER BY expires_at`, micros(now), micros(until))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Grant
	for rows.Next() {
		var g model.Grant
		var at int64
		if err := rows.Scan(&g.ID, &g.ProjectID, &g.InstitutionID, &g.UserID, &g.Role, &at); err != nil {
			return nil, mapErr(err)
		}
		g.ExpiresAt = fromMicros(at)
		out = append(out, g)
	}
	return out, mapErr(rows.Err())
}

// FailedWorkloads returns workloads in state failed updated after since.
func (t *Tx) FailedWorkloads(ctx context.Context, since time.Time, limit int) ([]model.Workload, error) {
	r := t.Workloads()
	rows, err := t.Query(ctx, fmt.Sprintf("SELECT %s FROM workloads WHERE state = ? AND updated_at >= ? ORDER BY id LIMIT %d",
		workloads.allCols(), limit), model.StateFailed, micros(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Workload
	for rows.Next() {
		w, err := r.scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, mapErr(rows.Err())
}

// LivePlacementsOf returns the live placements (not deleted or failed) of
// an institution ("" for all), for the residency report.
func (t *Tx) LivePlacementsOf(ctx context.Context, institutionID string) ([]PlacementRow, error) {
	if institutionID == "" {
		return t.queryPlacements(ctx, "state NOT IN (?, ?) ORDER BY workload_id, replica, id", model.PlacementDeleted, model.PlacementFailed)
	}
	return t.queryPlacements(ctx, "state NOT IN (?, ?) AND workload_id IN (SELECT id FROM workloads WHERE institution_id = ?) ORDER BY workload_id, replica, id",
		model.PlacementDeleted, model.PlacementFailed, institutionID)
}
