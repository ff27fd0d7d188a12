package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// TouchSeen records that a provider list begun at at showed the resources
// of the given running placements. It bumps no version: it never conflicts
// with the reconciler's guarded writes.
func (t *Tx) TouchSeen(ctx context.Context, ids []string, at time.Time) error {
	const chunk = 500
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		args := []any{micros(at)}
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		args = append(args, model.PlacementRunning)
		if _, err := t.Exec(ctx, fmt.Sprintf(`UPDATE placements SET last_seen_at = ? WHERE id IN (%s) AND state = ?`,
			placeholders(n)), args...); err != nil {
			return fmt.Errorf("recording resources seen: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

// LastSeen returns when a provider list last showed a placement's resource
// (nil: never).
func (t *Tx) LastSeen(ctx context.Context, placementID string) (*time.Time, error) {
	var v sql.NullInt64
	if err := t.QueryRow(ctx, `SELECT last_seen_at FROM placements WHERE id = ?`, placementID).Scan(&v); err != nil {
		return nil, fmt.Errorf("reading when %s was last seen: %w", placementID, mapErr(err))
	}
	return fromNullMicros(v), nil
}

// RunningPlacement is a running placement with when it was last seen.
type RunningPlacement struct {
	PlacementRow
	LastSeenAt *time.Time
	// InstitutionID and ProjectID are the workload's, read with the
	// placement by RunningPlacementsWithOwnersOf (so that a pass over
	// 100,000 replicas needs no read per workload); empty otherwise.
	InstitutionID, ProjectID string
}

// RunningPlacementsOf returns up to limit running placements of a
// provider with ids after after, in id order (keyset pages).
func (t *Tx) RunningPlacementsOf(ctx context.Context, providerID, after string, limit int) ([]RunningPlacement, error) {
	return t.runningPlacementsOf(ctx, providerID, after, limit, `'', ''`)
}

// RunningPlacementsWithOwnersOf is RunningPlacementsOf with each
// placement's InstitutionID and ProjectID (the utilization sampler's
// labels); the resync and power checks, which need neither, do not pay
// the two lookups a row.
func (t *Tx) RunningPlacementsWithOwnersOf(ctx context.Context, providerID, after string, limit int) ([]RunningPlacement, error) {
	return t.runningPlacementsOf(ctx, providerID, after, limit, `
		(SELECT w.institution_id FROM workloads w WHERE w.id = placements.workload_id),
		(SELECT w.project_id FROM workloads w WHERE w.id = placements.workload_id)`)
}

// runningPlacementsOf reads a page of running placements, with owners
// the SQL of the two owner columns.
func (t *Tx) runningPlacementsOf(ctx context.Context, providerID, after string, limit int, owners string) ([]RunningPlacement, error) {
	rows, err := t.Query(ctx, fmt.Sprintf(`SELECT %s, last_seen_at, %s
		FROM placements WHERE provider_id = ? AND state = ? AND id > ? ORDER BY id LIMIT %d`,
		placements.allCols(), owners, limit), providerID, model.PlacementRunning, after)
	if err != nil {
		return nil, fmt.Errorf("listing running placements: %w", err)
	}
	defer rows.Close()
	// One row to scan into and one list of destinations for the page,
	// and the page's slice sized once: a pass over 100,000 replicas read
	// with a fresh row, two destination slices and a growing page per
	// row allocated 28 MB per 1,000 placements (resync benchmark).
	out := make([]RunningPlacement, 0, min(limit, 1000))
	var (
		p                RunningPlacement
		seen             sql.NullInt64
		ins, prj         sql.NullString
		created, updated int64
	)
	dest := append([]any{&p.ID, &created, &updated, &p.Version}, placements.scanDest(&p.PlacementRow)...)
	dest = append(dest, &seen, &ins, &prj)
	for rows.Next() {
		p = RunningPlacement{}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("listing running placements: %w", mapErr(err))
		}
		p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
		p.LastSeenAt = fromNullMicros(seen)
		p.InstitutionID, p.ProjectID = ins.String, prj.String
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}

// AddDrift records a drift.
func (t *Tx) AddDrift(ctx context.Context, d *model.Drift) error {
	if d.ID == "" {
		d.ID = model.NewID("dft")
	}
	if d.Detail == nil {
		d.Detail = []model.Differs{}
	}
	_, err := t.Exec(ctx, `INSERT INTO placement_drifts (id, placement_id, workload_id, institution_id, provider_id, site_id,
		resource_id, kind, detail, action, last_seen_at, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.PlacementID, d.WorkloadID, d.InstitutionID, d.ProviderID, d.SiteID, d.ResourceID, d.Kind,
		jsonText(d.Detail), d.Action, nullMicros(d.LastSeenAt), micros(d.DetectedAt))
	if err != nil {
		return fmt.Errorf("recording drift: %w", err)
	}
	return nil
}

const driftCols = `id, placement_id, workload_id, institution_id, provider_id, site_id, resource_id, kind, detail, action,
	last_seen_at, detected_at`

func (t *Tx) queryDrifts(ctx context.Context, q string, args ...any) ([]model.Drift, error) {
	return queryAll(ctx, t, "drifts", `SELECT `+driftCols+` FROM placement_drifts WHERE `+q, args, func(rows *sql.Rows) (model.Drift, error) {
		var (
			d    model.Drift
			seen sql.NullInt64
			at   int64
		)
		if err := rows.Scan(&d.ID, &d.PlacementID, &d.WorkloadID, &d.InstitutionID, &d.ProviderID, &d.SiteID,
			&d.ResourceID, &d.Kind, jsonCol{&d.Detail}, &d.Action, &seen, &at); err != nil {
			return d, fmt.Errorf("listing drifts: %w", mapErr(err))
		}
		d.LastSeenAt, d.DetectedAt = fromNullMicros(seen), fromMicros(at)
		return d, nil
	})
}

// DriftsSince returns up to limit drifts detected at or after since,
// oldest first.
func (t *Tx) DriftsSince(ctx context.Context, since time.Time, limit int) ([]model.Drift, error) {
	return t.queryDrifts(ctx, fmt.Sprintf("detected_at >= ? ORDER BY detected_at, id LIMIT %d", limit), micros(since))
}

// DriftsOf returns a workload's drifts, oldest first.
func (t *Tx) DriftsOf(ctx context.Context, workloadID string) ([]model.Drift, error) {
	return t.queryDrifts(ctx, "workload_id = ? ORDER BY detected_at, id", workloadID)
}

// LatestDriftOf returns the latest drift of kind recorded for a
// placement of a workload, and whether there is one. The resync records a
// difference only when this drift does not already hold it, and records
// a drift cleared only while this drift is the one it judged.
func (t *Tx) LatestDriftOf(ctx context.Context, workloadID, placementID string, kind model.DriftKind) (model.Drift, bool, error) {
	ds, err := t.queryDrifts(ctx, "workload_id = ? AND placement_id = ? AND kind = ? ORDER BY detected_at DESC, id DESC LIMIT 1",
		workloadID, placementID, kind)
	if err != nil || len(ds) == 0 {
		return model.Drift{}, false, err
	}
	return ds[0], true, nil
}

// OpenDriftsOf returns, for the running placements of a provider, each
// placement's latest drift of each kind (deleted aside) when that drift is
// open (model.DriftAction.Open: reported, adopted, restore_failed), oldest
// first. The resync checks these against its list: one found as placed
// again is recorded cleared. The database does the choosing (migration
// 00033's indexes): only the provider's open drifts are read, and one is
// kept when no later drift of its placement and kind supersedes it.
func (t *Tx) OpenDriftsOf(ctx context.Context, providerID string) ([]model.Drift, error) {
	args := []any{providerID, model.DriftDeleted}
	for _, a := range model.OpenDriftActions {
		args = append(args, a)
	}
	args = append(args, model.PlacementRunning)
	return t.queryDrifts(ctx, `provider_id = ? AND kind <> ? AND action IN (`+placeholders(len(model.OpenDriftActions))+`)
		AND EXISTS (SELECT 1 FROM placements p WHERE p.id = placement_drifts.placement_id AND p.state = ?)
		AND NOT EXISTS (SELECT 1 FROM placement_drifts l
			WHERE l.placement_id = placement_drifts.placement_id AND l.kind = placement_drifts.kind
			AND (l.detected_at > placement_drifts.detected_at
				OR (l.detected_at = placement_drifts.detected_at AND l.id > placement_drifts.id)))
		ORDER BY detected_at, id`, args...)
}

// DriftPolicyOf returns a workload's drift policy (the defaults when it
// set none).
func (t *Tx) DriftPolicyOf(ctx context.Context, workloadID string) (model.DriftPolicy, error) {
	p := model.DefaultDriftPolicy()
	err := t.QueryRow(ctx, `SELECT recreate, on_change FROM workload_drift_policies WHERE workload_id = ?`, workloadID).
		Scan(&p.Recreate, &p.OnChange)
	if err = mapErr(err); errors.Is(err, ErrNotFound) {
		return model.DefaultDriftPolicy(), nil
	} else if err != nil {
		return p, fmt.Errorf("reading drift policy of %s: %w", workloadID, err)
	}
	return p, nil
}

// PutDriftPolicy sets a workload's drift policy.
func (t *Tx) PutDriftPolicy(ctx context.Context, workloadID string, p model.DriftPolicy) error {
	_, err := t.Exec(ctx, `INSERT INTO workload_drift_policies (workload_id, recreate, on_change, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (workload_id) DO UPDATE SET recreate = excluded.recreate, on_change = excluded.on_change, updated_at = excluded.updated_at`,
		workloadID, p.Recreate, p.OnChange, micros(t.Now()))
	if err != nil {
		return fmt.Errorf("setting drift policy of %s: %w", workloadID, err)
	}
	return nil
}

// SimTamper changes a simulated resource behind soberana's back, the way
// an operator of the cloud would: its state ("stopped"), size or site;
// zero values leave a field as it is. ErrNotFound when there is none.
func (t *Tx) SimTamper(ctx context.Context, providerID, replicaID, state, siteID string, vcpus, memoryMiB int64) error {
	r, err := t.SimGet(ctx, providerID, replicaID)
	if err != nil {
		return err
	}
	if state != "" {
		r.State = state
	}
	if siteID != "" {
		r.SiteID = siteID
	}
	if vcpus != 0 {
		r.VCPUs = vcpus
	}
	if memoryMiB != 0 {
		r.MemoryMiB = memoryMiB
	}
	_, err = t.Exec(ctx, `UPDATE sim_resources SET state = ?, site_id = ?, vcpus = ?, memory_mib = ? WHERE resource_id = ?`,
		r.State, r.SiteID, r.VCPUs, r.MemoryMiB, r.ResourceID)
	if err != nil {
		return fmt.Errorf("changing sim resource: %w", err)
	}
	return nil
}
