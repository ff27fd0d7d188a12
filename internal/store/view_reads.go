package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/soberana/soberana/internal/model"
)

// WorkloadCostInputs is what a workload's cost is computed from: its
// ledger attributes, the sum of its lines of the booked kinds in the
// period, its commitment still encumbered (commitment and release lines)
// and its usage intervals (as WorkloadIntervals returns them).
type WorkloadCostInputs struct {
	Ledger         LedgerWorkload
	BookedMinor    int64
	RemainingMinor int64
	Intervals      []UsageInterval
}

// WorkloadCostReads reads a workload's WorkloadCostInputs in one
// statement: one round trip for the cost part of GET /v1/workloads/{id}
// instead of two (its ledger row and totals, then its intervals). The
// totals repeat on each interval's row; a workload has a few intervals
// (one per replica and power change). ErrNotFound without a ledger row.
func (t *Tx) WorkloadCostReads(ctx context.Context, id, period string, booked [2]model.LedgerKind) (WorkloadCostInputs, error) {
	rows, err := t.Query(ctx, costReadsSQL(), costReadsArgs(id, period, booked)...)
	if err != nil {
		return WorkloadCostInputs{}, fmt.Errorf("getting the cost of %s: %w", id, mapErr(err))
	}
	defer rows.Close()
	return scanCostInputs(rows, id)
}

// costReadsSQL is WorkloadCostReads' statement (its arguments:
// costReadsArgs).
func costReadsSQL() string {
	return `SELECT ` + qualified("lw", strings.Join(ledgerWorkloadCols, ", ")) + `,
		(SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM ledger_lines
			WHERE workload_id = lw.workload_id AND period = ? AND kind IN (?, ?)),
		(SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM ledger_lines
			WHERE workload_id = lw.workload_id AND kind IN (?, ?)),
		i.id, i.placement_id, i.offering_id, i.site_id, i.provider_id, i.start_at, i.end_at, i.rated_to, i.stopped
		FROM ledger_workloads lw LEFT JOIN usage_intervals i ON i.workload_id = lw.workload_id
		WHERE lw.workload_id = ? ORDER BY i.start_at, i.id`
}

func costReadsArgs(id, period string, booked [2]model.LedgerKind) []any {
	return []any{period, booked[0], booked[1], model.LedgerCommitment, model.LedgerRelease, id}
}

// scanCostInputs reads the rows of costReadsSQL; ErrNotFound when there
// are none (no ledger row).
func scanCostInputs(rows rowScanner, id string) (WorkloadCostInputs, error) {
	var in WorkloadCostInputs
	found := false
	for rows.Next() {
		found = true
		var (
			w                        = &in.Ledger
			created                  int64
			ivID, plc, off, site, pr sql.NullString
			start, ratedTo, end      sql.NullInt64
			stopped                  sql.NullBool
		)
		if err := rows.Scan(&w.WorkloadID, &w.InstitutionID, &w.ProjectID, &w.BudgetLineID, &w.OfferingID, &w.Currency,
			&w.ForecastMonthlyMinor, &w.OverdraftRequested, &created, &in.BookedMinor, &in.RemainingMinor,
			&ivID, &plc, &off, &site, &pr, &start, &end, &ratedTo, &stopped); err != nil {
			return in, fmt.Errorf("getting the cost of %s: %w", id, mapErr(err))
		}
		w.CreatedAt = fromMicros(created)
		if !ivID.Valid {
			continue // no intervals: the LEFT JOIN's one row
		}
		in.Intervals = append(in.Intervals, UsageInterval{ID: ivID.String, PlacementID: plc.String, WorkloadID: w.WorkloadID,
			OfferingID: off.String, SiteID: site.String, ProviderID: pr.String,
			Start: fromMicros(start.Int64), End: fromNullMicros(end), RatedTo: fromMicros(ratedTo.Int64), Stopped: stopped.Bool,
			InstitutionID: w.InstitutionID, ProjectID: w.ProjectID, BudgetLineID: w.BudgetLineID, Currency: w.Currency})
	}
	if err := rows.Err(); err != nil {
		return in, fmt.Errorf("getting the cost of %s: %w", id, mapErr(err))
	}
	if !found {
		return in, fmt.Errorf("getting ledger workload %s: %w", id, ErrNotFound)
	}
	return in, nil
}
