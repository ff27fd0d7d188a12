package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// jsonCol scans a JSON text column into dst.
type jsonCol struct{ dst any }

func (j jsonCol) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
		return nil
	default:
		return fmt.Errorf("scanning JSON column: unexpected %T", src)
	}
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, j.dst)
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs are stored
	}
	return string(b)
}

var workloads = &entity[model.Workload]{
	table: "workloads",
	cols: []string{"project_id", "institution_id", "budget_line_id", "offering_id", "replicas", "classification",
		"residency", "sovereignty", "redundancy", "nearness", "near_points", "per_subdivision", "tier", "cost_ceiling_minor", "preference",
		"currency", "forecast_monthly_minor", "state", "reason", "created_by",
		"requested_by", "allow_simulated", "image", "ssh_keys", "user_data"},
	filters: map[string]bool{"project_id": true, "institution_id": true, "state": true, "offering_id": true},
	meta:    func(v *model.Workload) *model.Meta { return &v.Meta },
	values: func(v *model.Workload) []any {
		return []any{v.ProjectID, v.InstitutionID, v.BudgetLineID, v.OfferingID, v.Replicas, v.Classification,
			jsonText(v.Residency), jsonText(v.Sovereignty), jsonText(v.Redundancy), jsonText(v.Nearness), jsonText(v.Near), jsonText(v.PerSubdivision), v.Tier,
			v.CostCeilingMinor, v.Preference, v.Currency, v.ForecastMonthlyMinor, v.State, v.Reason, v.CreatedBy,
			v.RequestedBy, v.AllowSimulated, v.Image, jsonText(keysOrEmpty(v.SSHKeys)), v.UserData}
	},
	scanDest: func(v *model.Workload) []any {
		return []any{&v.ProjectID, &v.InstitutionID, &v.BudgetLineID, &v.OfferingID, &v.Replicas, &v.Classification,
			jsonCol{&v.Residency}, jsonCol{&v.Sovereignty}, jsonCol{&v.Redundancy}, jsonCol{&v.Nearness}, jsonCol{&v.Near}, jsonCol{&v.PerSubdivision}, &v.Tier,
			&v.CostCeilingMinor, &v.Preference, &v.Currency, &v.ForecastMonthlyMinor, &v.State, &v.Reason, &v.CreatedBy,
			&v.RequestedBy, &v.AllowSimulated, &v.Image, jsonCol{&v.SSHKeys}, &v.UserData}
	},
}

// Workloads is the workload repository.
func (t *Tx) Workloads() Repo[model.Workload] { return Repo[model.Workload]{t, workloads} }

// PlacementRow is a placement with the reconciler's bookkeeping: what it
// becomes once deleted, how often acting on it failed and when to look at
// it next (nil: not scheduled, e.g. while its workload awaits approval).
type PlacementRow struct {
	model.Placement
	FinalState    model.PlacementState `json:"-"`
	Attempts      int                  `json:"attempts"`
	NextAttemptAt *time.Time           `json:"next_attempt_at,omitempty"`
}

var placements = &entity[PlacementRow]{
	table: "placements",
	cols: []string{"workload_id", "replica", "site_id", "provider_id", "state", "resource_id", "reason",
		"monthly_minor", "vcpus", "memory_mib", "disk_gib", "simulated", "final_state", "attempts", "next_attempt_at", "power", "addresses"},
	filters: map[string]bool{"workload_id": true, "site_id": true, "state": true, "provider_id": true},
	meta:    func(v *PlacementRow) *model.Meta { return &v.Meta },
	values: func(v *PlacementRow) []any {
		return []any{v.WorkloadID, v.Replica, v.SiteID, v.ProviderID, v.State, v.ResourceID, v.Reason,
			v.MonthlyMinor, v.VCPUs, v.MemoryMiB, v.DiskGiB, v.Simulated, v.FinalState, v.Attempts, nullMicros(v.NextAttemptAt), v.Power, addressText(v.Addresses)}
	},
	scanDest: func(v *PlacementRow) []any {
		return []any{&v.WorkloadID, &v.Replica, &v.SiteID, &v.ProviderID, &v.State, &v.ResourceID, &v.Reason,
			&v.MonthlyMinor, &v.VCPUs, &v.MemoryMiB, &v.DiskGiB, &v.Simulated, &v.FinalState, &v.Attempts, nullTime{&v.NextAttemptAt}, &v.Power, jsonCol{&v.Addresses}}
	},
}

// addressText stores a placement's addresses (none: empty text).
func addressText(a []model.Address) string {
	if len(a) == 0 {
		return ""
	}
	return jsonText(a)
}

// nullTime scans nullable microseconds into a *time.Time.
type nullTime struct{ dst **time.Time }

func (n nullTime) Scan(src any) error {
	var v sql.NullInt64
	if err := v.Scan(src); err != nil {
		return err
	}
	*n.dst = fromNullMicros(v)
	return nil
}

// Placements is the placement repository.
func (t *Tx) Placements() Repo[PlacementRow] { return Repo[PlacementRow]{t, placements} }

func (t *Tx) queryPlacements(ctx context.Context, where string, args ...any) ([]PlacementRow, error) {
	return queryRepo(ctx, t.Placements(), "placements", "SELECT "+placements.allCols()+" FROM placements WHERE "+where, args...)
}

// WorkloadWithPlacements reads a workload and its placements (by replica,
// then creation) in one statement, as GET /v1/workloads/{id} shows them;
// only a workload without placements costs a second read.
func (t *Tx) WorkloadWithPlacements(ctx context.Context, id string) (model.Workload, []PlacementRow, error) {
	ws, ps, err := t.WorkloadsWithPlacements(ctx, []string{id})
	if err != nil {
		return model.Workload{}, nil, err
	}
	return ws[id], ps[id], nil
}

// qualifiedSQL memoizes qualified: its arguments are the entities'
// constant column lists, and the reads that join them (a workload's view,
// the reconciler's, a create's inputs) run on every request.
var qualifiedSQL sync.Map // [2]string{alias, cols} → string

// qualified prefixes each of a comma-separated column list with alias.
func qualified(alias, cols string) string {
	key := [2]string{alias, cols}
	if q, ok := qualifiedSQL.Load(key); ok {
		return q.(string)
	}
	parts := strings.Split(cols, ", ")
	for i, c := range parts {
		parts[i] = alias + "." + c
	}
	q := strings.Join(parts, ", ")
	qualifiedSQL.Store(key, q)
	return q
}

// PlacementsOf returns a workload's placements by replica, then creation.
func (t *Tx) PlacementsOf(ctx context.Context, workloadID string) ([]PlacementRow, error) {
	return t.queryPlacements(ctx, "workload_id = ? ORDER BY replica, id", workloadID)
}

// DuePlacements returns up to limit placements scheduled at or before now,
// the earliest first, but those whose ids skip names: the reconciler's
// durable work queue, read past the placements it already acts on (they
// stay due until their outcome is recorded; issue #19: a scan re-read
// two dozen of them each time). The ids travel as one JSON array, so the
// statement's text does not change with their number.
func (t *Tx) DuePlacements(ctx context.Context, now time.Time, limit int, skip []string) ([]PlacementRow, error) {
	where := "next_attempt_at IS NOT NULL AND next_attempt_at <= ?"
	args := []any{micros(now)}
	if len(skip) > 0 {
		ids, err := json.Marshal(skip)
		if err != nil {
			return nil, err
		}
		if t.dialect == Postgres {
			where += " AND id NOT IN (SELECT jsonb_array_elements_text(CAST(? AS jsonb)))"
		} else {
			where += " AND id NOT IN (SELECT value FROM json_each(?))"
		}
		args = append(args, string(ids))
	}
	return t.queryPlacements(ctx, fmt.Sprintf("%s ORDER BY next_attempt_at, id LIMIT %d", where, limit), args...)
}

// NextDue returns when the earliest scheduled placement is due (ok false:
// none is scheduled).
func (t *Tx) NextDue(ctx context.Context) (time.Time, bool, error) {
	var v sql.NullInt64
	if err := t.QueryRow(ctx, "SELECT MIN(next_attempt_at) FROM placements WHERE next_attempt_at IS NOT NULL").Scan(&v); err != nil {
		return time.Time{}, false, mapErr(err)
	}
	if !v.Valid {
		return time.Time{}, false, nil
	}
	return fromMicros(v.Int64), true, nil
}

// LivePlacements returns every placement that holds capacity: all but
// deleted and failed. The placement engine's reservations are rebuilt from
// them at start-up.
func (t *Tx) LivePlacements(ctx context.Context) ([]PlacementRow, error) {
	return t.queryPlacements(ctx, "state NOT IN (?, ?) ORDER BY id", model.PlacementDeleted, model.PlacementFailed)
}

// ActivePlacementsOnSites returns the pending, provisioning and running
// placements on the given sites (failover after a site went down).
func (t *Tx) ActivePlacementsOnSites(ctx context.Context, siteIDs []string, limit int) ([]PlacementRow, error) {
	if len(siteIDs) == 0 {
		return nil, nil
	}
	args := []any{model.PlacementPending, model.PlacementProvisioning, model.PlacementRunning}
	for _, s := range siteIDs {
		args = append(args, s)
	}
	return t.queryPlacements(ctx, fmt.Sprintf("state IN (?, ?, ?) AND site_id IN (%s) ORDER BY id LIMIT %d",
		placeholders(len(siteIDs)), limit), args...)
}

// PlacementByID loads one placement.
func (t *Tx) PlacementByID(ctx context.Context, id string) (PlacementRow, error) {
	return t.Placements().Get(ctx, id)
}

// AddEvent appends one event to a workload's timeline.
func (t *Tx) AddEvent(ctx context.Context, e *model.WorkloadEvent) error {
	if e.ID == "" {
		e.ID = model.NewID("evt")
	}
	if e.At.IsZero() {
		e.At = t.Now()
	}
	_, err := t.Exec(ctx, `INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, e.ID, e.WorkloadID, micros(e.At), e.Actor, e.From, e.To, e.Reason)
	if err != nil {
		return fmt.Errorf("recording event: %w", err)
	}
	return nil
}

// AddEvents records timeline entries in one statement.
func (t *Tx) AddEvents(ctx context.Context, es []model.WorkloadEvent) error {
	if len(es) == 0 {
		return nil
	}
	args := make([]any, 0, 7*len(es))
	var b strings.Builder
	b.WriteString(`INSERT INTO workload_events (id, workload_id, at, actor, from_state, to_state, reason) VALUES `)
	for i := range es {
		e := &es[i]
		if e.ID == "" {
			e.ID = model.NewID("evt")
		}
		if e.At.IsZero() {
			e.At = t.Now()
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?)")
		args = append(args, e.ID, e.WorkloadID, micros(e.At), e.Actor, e.From, e.To, e.Reason)
	}
	if _, err := t.Exec(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("recording events: %w", err)
	}
	return nil
}

// EventsOf returns a workload's timeline, oldest first.
func (t *Tx) EventsOf(ctx context.Context, workloadID string) ([]model.WorkloadEvent, error) {
	return queryAll(ctx, t, "events", eventsOfSQL, []any{workloadID}, func(rows *sql.Rows) (model.WorkloadEvent, error) {
		return scanEvent(rows)
	})
}

// eventsOfSQL selects a workload's timeline as scanEvent reads it.
const eventsOfSQL = `SELECT id, workload_id, at, actor, from_state, to_state, reason
		FROM workload_events WHERE workload_id = ? ORDER BY id`

// scanEvent reads one row of eventsOfSQL.
func scanEvent(row interface{ Scan(...any) error }) (model.WorkloadEvent, error) {
	var e model.WorkloadEvent
	var at int64
	err := row.Scan(&e.ID, &e.WorkloadID, &at, &e.Actor, &e.From, &e.To, &e.Reason)
	e.At = fromMicros(at)
	return e, mapErr(err)
}

// Idempotency is a remembered POST: the key a client sent, a hash of what
// it sent, and the workload the first request created.
type Idempotency struct {
	Scope, Key, RequestHash, WorkloadID string
}

// PutIdempotency remembers a key; ErrDuplicate if it is already taken.
func (t *Tx) PutIdempotency(ctx context.Context, i Idempotency) error {
	_, err := t.Exec(ctx, `INSERT INTO idempotency_keys (scope, key, request_hash, workload_id, created_at)
		VALUES (?, ?, ?, ?, ?)`, i.Scope, i.Key, i.RequestHash, i.WorkloadID, micros(t.Now()))
	if err != nil {
		return fmt.Errorf("remembering idempotency key: %w", err)
	}
	return nil
}

// GetIdempotency finds a remembered key (ErrNotFound when absent).
func (t *Tx) GetIdempotency(ctx context.Context, scope, key string) (Idempotency, error) {
	i := Idempotency{Scope: scope, Key: key}
	err := t.QueryRow(ctx, `SELECT request_hash, workload_id FROM idempotency_keys WHERE scope = ? AND key = ?`,
		scope, key).Scan(&i.RequestHash, &i.WorkloadID)
	if err != nil {
		return i, fmt.Errorf("finding idempotency key: %w", mapErr(err))
	}
	return i, nil
}

// AcquireLease takes or renews the named lease for holder until now+ttl.
// It succeeds when the lease is free, expired or already the holder's, and
// reports whether holder now holds it.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	var held bool
	err := s.Write(ctx, func(tx *Tx) error {
		now := tx.Now()
		exp := micros(now.Add(ttl))
		res, err := tx.Exec(ctx, `UPDATE leases SET holder = ?, expires_at = ? WHERE name = ? AND (holder = ? OR expires_at < ?)`,
			holder, exp, name, holder, micros(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			held = true
			return nil
		}
		var cur string
		err = tx.QueryRow(ctx, `SELECT holder FROM leases WHERE name = ?`, name).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.Exec(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)`, name, holder, exp); err != nil {
				return err
			}
			held = true
			return nil
		}
		return mapErr(err)
	})
	if errors.Is(err, ErrDuplicate) { // another server inserted it first
		return false, nil
	}
	return held, err
}

// ReleaseLease gives the lease up if holder has it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.Read().Exec(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
	return err
}

// HoldsLease reports, inside a transaction, whether holder still holds the
// lease: writers fence their results with it so that a process that lost
// the lease (paused, partitioned) cannot clobber the new holder's work.
func (t *Tx) HoldsLease(ctx context.Context, name, holder string) (bool, error) {
	var n int64
	err := t.QueryRow(ctx, `SELECT COUNT(*) FROM leases WHERE name = ? AND holder = ? AND expires_at >= ?`,
		name, holder, micros(t.Now())).Scan(&n)
	return n == 1, mapErr(err)
}

const simCols = "resource_id, provider_id, site_id, replica_id, workload_id, state, vcpus, memory_mib, disk_gib, created_at"

func scanSim(row interface{ Scan(...any) error }) (model.SimResource, error) {
	var r model.SimResource
	var at int64
	err := row.Scan(&r.ResourceID, &r.ProviderID, &r.SiteID, &r.ReplicaID, &r.WorkloadID, &r.State,
		&r.VCPUs, &r.MemoryMiB, &r.DiskGiB, &at)
	r.CreatedAt = fromMicros(at)
	return r, mapErr(err)
}

// SimCreate inserts r unless the provider already has a resource for the
// same replica; either way it returns the stored one (created reports which).
func (t *Tx) SimCreate(ctx context.Context, r model.SimResource) (model.SimResource, bool, error) {
	res, err := t.Exec(ctx, `INSERT INTO sim_resources (`+simCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (provider_id, replica_id) DO NOTHING`,
		r.ResourceID, r.ProviderID, r.SiteID, r.ReplicaID, r.WorkloadID, r.State, r.VCPUs, r.MemoryMiB, r.DiskGiB, micros(r.CreatedAt))
	if err != nil {
		return r, false, fmt.Errorf("creating sim resource: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return r, true, nil
	}
	got, err := t.SimGet(ctx, r.ProviderID, r.ReplicaID)
	return got, false, err
}

// SimCreateAll is SimCreate for many resources in one statement (one
// multi-row insert; a resource whose replica already has one is skipped):
// it returns the stored resource of each, in order, and which it created.
// Each replica keeps one resource, as with SimCreate; the rare adopted
// one costs a read of its own.
func (t *Tx) SimCreateAll(ctx context.Context, rs []model.SimResource) ([]model.SimResource, []bool, error) {
	rows := make([][]any, len(rs))
	for i, r := range rs {
		rows[i] = []any{r.ResourceID, r.ProviderID, r.SiteID, r.ReplicaID, r.WorkloadID, r.State, r.VCPUs, r.MemoryMiB, r.DiskGiB, micros(r.CreatedAt)}
	}
	inserted := make(map[string]bool, len(rs))
	if err := t.bulk(ctx, "sim_resources", strings.Split(simCols, ", "), rows,
		"ON CONFLICT (provider_id, replica_id) DO NOTHING RETURNING resource_id", func(id string) { inserted[id] = true }); err != nil {
		return nil, nil, fmt.Errorf("creating sim resources: %w", err)
	}
	out, created := make([]model.SimResource, len(rs)), make([]bool, len(rs))
	for i, r := range rs {
		if inserted[r.ResourceID] {
			out[i], created[i] = r, true
			continue
		}
		got, err := t.SimGet(ctx, r.ProviderID, r.ReplicaID)
		if err != nil {
			return nil, nil, err
		}
		out[i] = got
	}
	return out, created, nil
}

// SimGet finds the resource a provider holds for a replica.
func (t *Tx) SimGet(ctx context.Context, providerID, replicaID string) (model.SimResource, error) {
	r, err := scanSim(t.QueryRow(ctx, `SELECT `+simCols+` FROM sim_resources WHERE provider_id = ? AND replica_id = ?`, providerID, replicaID))
	if err != nil {
		return r, fmt.Errorf("finding sim resource: %w", err)
	}
	return r, nil
}

// SimDelete removes a replica's resource; deleting nothing is not an error.
func (t *Tx) SimDelete(ctx context.Context, providerID, replicaID string) error {
	_, err := t.Exec(ctx, `DELETE FROM sim_resources WHERE provider_id = ? AND replica_id = ?`, providerID, replicaID)
	return err
}

// SimList returns a provider's resources ("" for every provider's).
func (t *Tx) SimList(ctx context.Context, providerID string) ([]model.SimResource, error) {
	q, args := whereIf(`SELECT `+simCols+` FROM sim_resources`, "provider_id", providerID)
	rows, err := t.Query(ctx, q+` ORDER BY resource_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("listing sim resources: %w", err)
	}
	defer rows.Close()
	// One row and one list of destinations for the whole list: the
	// sim's list, its usage and the orphan sweep read every resource of
	// an edge installation (100,000) each minute, and a fresh row and
	// destinations per resource were half of what the read allocated.
	var (
		r   model.SimResource
		at  int64
		out []model.SimResource
	)
	dest := []any{&r.ResourceID, &r.ProviderID, &r.SiteID, &r.ReplicaID, &r.WorkloadID, &r.State, &r.VCPUs, &r.MemoryMiB, &r.DiskGiB, &at}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("listing sim resources: %w", mapErr(err))
		}
		r.CreatedAt = fromMicros(at)
		if out = append(out, r); len(out)%yieldEvery == 0 {
			runtime.Gosched()
		}
	}
	return out, mapErr(rows.Err())
}

// PutSimFault writes a fault setting.
func (t *Tx) PutSimFault(ctx context.Context, f model.SimFault) error {
	_, err := t.Exec(ctx, `INSERT INTO sim_faults (scope, provider_id, site_id, error_rate, latency_ms, delay_ms, outage, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (scope) DO UPDATE SET error_rate = excluded.error_rate, latency_ms = excluded.latency_ms,
		delay_ms = excluded.delay_ms, outage = excluded.outage, updated_at = excluded.updated_at`,
		f.Scope, f.ProviderID, f.SiteID, f.ErrorRate, f.LatencyMs, f.DelayMs, f.Outage, micros(t.Now()))
	if err != nil {
		return fmt.Errorf("saving sim fault: %w", err)
	}
	return nil
}

// SimFaults returns every fault setting.
func (t *Tx) SimFaults(ctx context.Context) ([]model.SimFault, error) {
	return queryAll(ctx, t, "sim faults", `SELECT scope, provider_id, site_id, error_rate, latency_ms, delay_ms, outage, updated_at
		FROM sim_faults ORDER BY scope`, nil, func(rows *sql.Rows) (model.SimFault, error) {
		var f model.SimFault
		var at int64
		err := rows.Scan(&f.Scope, &f.ProviderID, &f.SiteID, &f.ErrorRate, &f.LatencyMs, &f.DelayMs, &f.Outage, &at)
		f.UpdatedAt = fromMicros(at)
		return f, mapErr(err)
	})
}

// Fingerprint summarises the fleet tables ("table:version" each, in
// FleetTables' order) so that each server notices changes made through
// any server: a table's version is its change counter (fleet_versions,
// fleetversions.go), which every insert, update and delete moves on in
// commit order. It is one statement, so on PostgreSQL every part is of
// the same snapshot.
func (t *Tx) Fingerprint(ctx context.Context) (string, error) {
	rows, err := t.Query(ctx, "SELECT table_name, version FROM fleet_versions")
	if err != nil {
		return "", fmt.Errorf("reading the fleet versions: %w", mapErr(err))
	}
	defer rows.Close()
	versions := make(map[string]int64, len(FleetTables))
	for rows.Next() {
		var tbl string
		var v int64
		if err := rows.Scan(&tbl, &v); err != nil {
			return "", mapErr(err)
		}
		versions[tbl] = v
	}
	if err := rows.Err(); err != nil {
		return "", mapErr(err)
	}
	parts := make([]string, len(FleetTables))
	for i, tbl := range FleetTables {
		v, ok := versions[tbl]
		if !ok {
			return "", fmt.Errorf("reading the fleet versions: no counter for %s", tbl)
		}
		parts[i] = tableFingerprint(tbl, v)
	}
	return strings.Join(parts, ","), nil
}

// FleetTables are the tables Fingerprint covers, in its order.
var FleetTables = []string{"providers", "sites", "prices", "fx_rates", "institutions", "images"}

// TableFingerprint is one table's part of Fingerprint: "table:version".
// Inside a transaction that writes the table it includes the
// transaction's own changes.
func (t *Tx) TableFingerprint(ctx context.Context, table string) (string, error) {
	var v int64
	if err := t.QueryRow(ctx, "SELECT version FROM fleet_versions WHERE table_name = ?", table).Scan(&v); err != nil {
		return "", fmt.Errorf("reading the version of %s: %w", table, mapErr(err))
	}
	return tableFingerprint(table, v), nil
}

func tableFingerprint(table string, version int64) string {
	return table + ":" + strconv.FormatInt(version, 10)
}

// LiveReplicaIDsInto marks in live which of the given placement ids are
// live (not deleted or failed); ids without a row are left out. The
// caller (the orphan sweep) reads a list of 100,000 in chunks, resting
// between them, into one map.
func (t *Tx) LiveReplicaIDsInto(ctx context.Context, ids []string, live map[string]bool) error {
	args := make([]any, 0, min(len(ids), 500)+2)
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args = append(args[:0], model.PlacementDeleted, model.PlacementFailed)
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := t.Query(ctx, fmt.Sprintf("SELECT id FROM placements WHERE state NOT IN (?, ?) AND id IN (%s)", placeholders(len(chunk))), args...)
		if err != nil {
			return err
		}
		var id string
		for rows.Next() {
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return mapErr(err)
			}
			live[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// RunningLatencies returns, for every workload that reached running, the
// time from its creation to that event (the provision benchmark).
func (t *Tx) RunningLatencies(ctx context.Context) ([]time.Duration, error) {
	rows, err := t.Query(ctx, `SELECT w.created_at, MIN(e.at) FROM workloads w
		JOIN workload_events e ON e.workload_id = w.id AND e.to_state = ?
		GROUP BY w.id, w.created_at`, model.StateRunning)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var c, r int64
		if err := rows.Scan(&c, &r); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, time.Duration(r-c)*time.Microsecond)
	}
	return out, mapErr(rows.Err())
}

// RescheduleSite makes every scheduled placement on a site due now and
// forgets its failures (the site came back: stop backing off).
func (t *Tx) RescheduleSite(ctx context.Context, siteID string) error {
	_, err := t.Exec(ctx, `UPDATE placements SET next_attempt_at = ?, attempts = 0
		WHERE site_id = ? AND next_attempt_at IS NOT NULL`, micros(t.Now()), siteID)
	return err
}
