package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/soberana/soberana/internal/model"
)

// The reads of the reconciler's path to running, one statement for many
// rows (issue #19: on PostgreSQL each statement is a round trip, and the
// recorder applies the outcomes of up to a batch of placements in one
// transaction).

// WorkloadsWithPlacements reads workloads and their placements in one
// statement: the workloads found, and each one's placements by replica,
// then creation. A workload without placements costs a read of its own.
func (t *Tx) WorkloadsWithPlacements(ctx context.Context, ids []string) (map[string]model.Workload, map[string][]PlacementRow, error) {
	ws := make(map[string]model.Workload, len(ids))
	ps := make(map[string][]PlacementRow, len(ids))
	if len(ids) == 0 {
		return ws, ps, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := t.Query(ctx, workloadsWithPlacementsSQL(len(ids)), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("getting workloads %s: %w", strings.Join(ids, ", "), err)
	}
	defer rows.Close()
	if err := scanWorkloadsWithPlacements(rows, ws, ps); err != nil {
		return nil, nil, fmt.Errorf("getting workloads %s: %w", strings.Join(ids, ", "), err)
	}
	for _, id := range ids {
		if _, ok := ws[id]; ok {
			continue
		}
		w, err := t.Workloads().Get(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		ws[id] = w
	}
	return ws, ps, nil
}

// workloadsWithPlacementsSQL selects n workloads (by id) joined with
// their placements, as scanWorkloadsWithPlacements reads them.
func workloadsWithPlacementsSQL(n int) string {
	return "SELECT " + qualified("w", workloads.allCols()) + ", " + qualified("p", placements.allCols()) +
		" FROM workloads w JOIN placements p ON p.workload_id = w.id WHERE w.id IN (" + placeholders(n) +
		") ORDER BY w.id, p.replica, p.id"
}

// rowScanner is what both *sql.Rows and pgx.Rows offer.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanWorkloadsWithPlacements reads the rows of workloadsWithPlacementsSQL
// into ws and ps.
func scanWorkloadsWithPlacements(rows rowScanner, ws map[string]model.Workload, ps map[string][]PlacementRow) error {
	for rows.Next() {
		var (
			w              model.Workload
			p              PlacementRow
			wc, wu, pc, pu int64
			wm, pm         = workloads.meta(&w), placements.meta(&p)
		)
		dest := append([]any{&wm.ID, &wc, &wu, &wm.Version}, workloads.scanDest(&w)...)
		dest = append(dest, &pm.ID, &pc, &pu, &pm.Version)
		dest = append(dest, placements.scanDest(&p)...)
		if err := rows.Scan(dest...); err != nil {
			return mapErr(err)
		}
		wm.CreatedAt, wm.UpdatedAt = fromMicros(wc), fromMicros(wu)
		pm.CreatedAt, pm.UpdatedAt = fromMicros(pc), fromMicros(pu)
		if _, seen := ws[w.ID]; !seen {
			ws[w.ID] = w
		}
		ps[w.ID] = append(ps[w.ID], p)
	}
	return mapErr(rows.Err())
}

// LedgerWorkloadsOf reads the ledger attributes of several workloads in
// one statement; a workload the ledger does not know is absent from the
// map.
func (t *Tx) LedgerWorkloadsOf(ctx context.Context, ids []string) (map[string]LedgerWorkload, error) {
	out := make(map[string]LedgerWorkload, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := t.Query(ctx, `SELECT `+strings.Join(ledgerWorkloadCols, ", ")+` FROM ledger_workloads WHERE workload_id IN (`+
		placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("getting ledger workloads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			w       LedgerWorkload
			created int64
		)
		if err := rows.Scan(&w.WorkloadID, &w.InstitutionID, &w.ProjectID, &w.BudgetLineID, &w.OfferingID, &w.Currency,
			&w.ForecastMonthlyMinor, &w.OverdraftRequested, &created); err != nil {
			return nil, fmt.Errorf("getting ledger workloads: %w", mapErr(err))
		}
		w.CreatedAt = fromMicros(created)
		out[w.WorkloadID] = w
	}
	return out, mapErr(rows.Err())
}

// BootInputs reads, in one statement, what a replica's first boot is made
// from: its stored first-boot document (nil when none is stored yet) and
// its workload (zero when a stored document makes it unneeded and the
// workload is gone).
func (t *Tx) BootInputs(ctx context.Context, placementID, workloadID string) (model.Workload, *model.ReplicaBoot, error) {
	in, err := scanBootInput(t.QueryRow(ctx, "SELECT "+qualified("w", workloads.allCols())+", "+qualified("b", bootCols)+
		" FROM workloads w LEFT JOIN replica_boot b ON b.placement_id = ? WHERE w.id = ?", placementID, workloadID))
	if err != nil {
		if b, berr := t.ReplicaBoot(ctx, placementID); berr == nil {
			return model.Workload{}, &b, nil // the workload is gone, its document is not
		}
		return model.Workload{}, nil, fmt.Errorf("getting workloads %s: %w", workloadID, err)
	}
	return in.Workload, in.Stored, nil
}

// scanBootInput scans a workload's columns and a replica_boot row's (all
// NULL when none is stored), after the lead destinations.
func scanBootInput(row interface{ Scan(...any) error }, lead ...any) (bootInput, error) {
	var (
		in     bootInput
		wc, wu int64
		wm     = workloads.meta(&in.Workload)
		bp, bw sql.NullString
		bi, bc sql.NullString
		bs     sql.NullString
		bat    sql.NullInt64
	)
	dest := append(lead, &wm.ID, &wc, &wu, &wm.Version)
	dest = append(dest, workloads.scanDest(&in.Workload)...)
	dest = append(dest, &bp, &bw, &bi, &bc, &bs, &bat)
	if err := row.Scan(dest...); err != nil {
		return bootInput{}, mapErr(err)
	}
	wm.CreatedAt, wm.UpdatedAt = fromMicros(wc), fromMicros(wu)
	if bp.Valid {
		in.Stored = &model.ReplicaBoot{PlacementID: bp.String, WorkloadID: bw.String, ImageRef: bi.String, CloudInit: bc.String,
			SHA256: bs.String, CreatedAt: fromMicros(bat.Int64)}
	}
	return in, nil
}

// bootInput is what BootInputs reads of one replica.
type bootInput struct {
	Workload model.Workload
	Stored   *model.ReplicaBoot
}

// BootInputsOf is BootInputs for several replicas in one statement (the
// new replicas the reconciler creates together, issue #19): by placement
// id, each one's workload and stored document (nil: none). A replica
// whose placement or workload the statement does not find (a workload
// gone) is read on its own, as BootInputs reads it.
func (t *Tx) BootInputsOf(ctx context.Context, ps []PlacementRow) (map[string]model.Workload, map[string]*model.ReplicaBoot, error) {
	ws, stored := make(map[string]model.Workload, len(ps)), make(map[string]*model.ReplicaBoot, len(ps))
	if len(ps) == 0 {
		return ws, stored, nil
	}
	args := make([]any, len(ps))
	for i, p := range ps {
		args[i] = p.ID
	}
	rows, err := t.Query(ctx, "SELECT p.id, "+qualified("w", workloads.allCols())+", "+qualified("b", bootCols)+
		" FROM placements p JOIN workloads w ON w.id = p.workload_id LEFT JOIN replica_boot b ON b.placement_id = p.id"+
		" WHERE p.id IN ("+placeholders(len(ps))+")", args...)
	if err != nil {
		return nil, nil, fmt.Errorf("getting first-boot inputs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid string
		in, err := scanBootInput(rows, &pid)
		if err != nil {
			return nil, nil, fmt.Errorf("getting first-boot inputs: %w", err)
		}
		ws[pid], stored[pid] = in.Workload, in.Stored
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("getting first-boot inputs: %w", mapErr(err))
	}
	for _, p := range ps {
		if _, ok := ws[p.ID]; ok {
			continue
		}
		w, b, err := t.BootInputs(ctx, p.ID, p.WorkloadID)
		if err != nil {
			return nil, nil, err
		}
		ws[p.ID], stored[p.ID] = w, b
	}
	return ws, stored, nil
}
