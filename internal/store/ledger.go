package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// LedgerWorkload is what the ledger keeps of a workload: where its money
// goes and what it runs. It is written when the budget is first committed.
type LedgerWorkload struct {
	WorkloadID           string
	InstitutionID        string
	ProjectID            string
	BudgetLineID         string
	OfferingID           string
	Currency             string
	ForecastMonthlyMinor int64
	OverdraftRequested   bool
	CreatedAt            time.Time
}

// UsageInterval is one stretch of time a replica ran, with the workload's
// accounting facts joined in for rating.
type UsageInterval struct {
	ID          string
	PlacementID string
	WorkloadID  string
	OfferingID  string
	SiteID      string
	ProviderID  string
	Start       time.Time
	// End is nil while the replica runs.
	End     *time.Time
	RatedTo time.Time
	// Stopped: the replica was stopped (powered off by soberana) for this
	// stretch; it is rated at the stopped price.
	Stopped bool
	// From ledger_workloads.
	InstitutionID string
	ProjectID     string
	BudgetLineID  string
	Currency      string
}

// StatementClosure marks a month closed for an institution ("" = all).
type StatementClosure struct {
	InstitutionID string
	Month         string
	ClosedAt      time.Time
	ClosedBy      string
}

// StatementRow is the sum of a month's charge and adjustment lines for one
// group (budget line, project, provider, institution, currencies).
type StatementRow struct {
	InstitutionID    string
	BudgetLineID     string
	ProjectID        string
	ProviderID       string
	ProviderCurrency string
	Currency         string
	ProviderMinor    int64
	AmountMinor      int64
	Lines            int64
	Seconds          int64
}

// LedgerFilter selects ledger lines; empty fields do not filter.
type LedgerFilter struct {
	InstitutionID string
	ProviderID    string
	WorkloadID    string
	Period        string
	Kinds         []model.LedgerKind
}

// batchRows bounds rows per multi-row statement (parameters stay well under
// SQLite's 32766 and PostgreSQL's 65535).
const batchRows = 500

type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// bulk runs "INSERT INTO table (cols) VALUES (…),(…) suffix" over rows in
// batches, preparing the full-size statement once. With a RETURNING suffix,
// each returned first column is passed to onReturn.
func (t *Tx) bulk(ctx context.Context, table string, cols []string, rows [][]any, suffix string, onReturn func(string)) error {
	one := "(" + placeholders(len(cols)) + ")"
	build := func(n int) string {
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(one)
		}
		b.WriteString(" " + suffix)
		return t.rebind(b.String())
	}
	if len(rows) > 0 && len(rows) <= batchRows && t.pipe != nil {
		// Inside Pipelined (PostgreSQL): queued, or sent with what is
		// queued in one round trip (bulkInPipe).
		var args []any
		for _, r := range rows {
			args = append(args, r...)
		}
		if ok, err := t.bulkInPipe(ctx, table, build(len(rows)), args, onReturn); ok {
			return err
		}
	}
	t.flushPipe(ctx)
	var full *sql.Stmt
	defer func() {
		if full != nil {
			_ = full.Close()
		}
	}()
	args := make([]any, 0, min(len(rows), batchRows)*len(cols))
	for start := 0; start < len(rows); start += batchRows {
		end := min(start+batchRows, len(rows))
		args = args[:0]
		for _, r := range rows[start:end] {
			args = append(args, r...)
		}
		var (
			res  *sql.Rows
			err  error
			exec = onReturn == nil
		)
		logStatement(ctx, "INSERT INTO "+table)
		switch {
		case end-start == batchRows:
			if full == nil {
				p, ok := t.q.(preparer)
				if !ok {
					return errors.New("bulk insert: handle cannot prepare")
				}
				if full, err = p.PrepareContext(ctx, build(batchRows)); err != nil {
					return fmt.Errorf("preparing insert into %s: %w", table, mapErr(err))
				}
			}
			if exec {
				_, err = full.ExecContext(ctx, args...)
			} else {
				res, err = full.QueryContext(ctx, args...)
			}
		default:
			q := build(end - start)
			switch st := t.stmt(ctx, q); {
			case st != nil && exec:
				_, err = st.ExecContext(ctx, args...)
			case st != nil:
				res, err = st.QueryContext(ctx, args...)
			case exec:
				_, err = t.q.ExecContext(ctx, q, args...)
			default:
				res, err = t.q.QueryContext(ctx, q, args...)
			}
		}
		if err != nil {
			return fmt.Errorf("inserting into %s: %w", table, mapErr(err))
		}
		if res != nil {
			for res.Next() {
				var id string
				if err := res.Scan(&id); err != nil {
					_ = res.Close()
					return mapErr(err)
				}
				onReturn(id)
			}
			if err := res.Err(); err != nil {
				_ = res.Close()
				return mapErr(err)
			}
			_ = res.Close()
		}
	}
	return nil
}

// chunks calls fn with consecutive slices of ids of at most batchRows.
func chunks(ids []string, fn func(part []string) error) error {
	for start := 0; start < len(ids); start += batchRows {
		if err := fn(ids[start:min(start+batchRows, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

func anys[S ~string](ids []S) []any {
	out := make([]any, len(ids))
	for i, s := range ids {
		out[i] = string(s)
	}
	return out
}

var ledgerWorkloadCols = []string{"workload_id", "institution_id", "project_id", "budget_line_id", "offering_id",
	"currency", "forecast_monthly_minor", "overdraft_requested", "created_at"}

func (w *LedgerWorkload) row() []any {
	return []any{w.WorkloadID, w.InstitutionID, w.ProjectID, w.BudgetLineID, w.OfferingID, w.Currency,
		w.ForecastMonthlyMinor, w.OverdraftRequested, micros(w.CreatedAt)}
}

// PutLedgerWorkloads records workloads' accounting facts; rows already
// present are kept as they are.
func (t *Tx) PutLedgerWorkloads(ctx context.Context, ws ...*LedgerWorkload) error {
	rows := make([][]any, len(ws))
	for i, w := range ws {
		if w.CreatedAt.IsZero() {
			w.CreatedAt = t.Now()
		}
		rows[i] = w.row()
	}
	return t.bulk(ctx, "ledger_workloads", ledgerWorkloadCols, rows, "ON CONFLICT DO NOTHING", nil)
}

// LedgerWorkload returns the ledger's record of a workload (ErrNotFound).
func (t *Tx) LedgerWorkload(ctx context.Context, id string) (LedgerWorkload, error) {
	var (
		w       LedgerWorkload
		created int64
	)
	err := t.QueryRow(ctx, `SELECT `+strings.Join(ledgerWorkloadCols, ", ")+` FROM ledger_workloads WHERE workload_id = ?`, id).
		Scan(&w.WorkloadID, &w.InstitutionID, &w.ProjectID, &w.BudgetLineID, &w.OfferingID, &w.Currency,
			&w.ForecastMonthlyMinor, &w.OverdraftRequested, &created)
	if err != nil {
		return w, fmt.Errorf("getting ledger workload %s: %w", id, mapErr(err))
	}
	w.CreatedAt = fromMicros(created)
	return w, nil
}

// MarkOverdraftRequested notes that a workload waits for a finance officer
// because its commitment does not fit its line.
func (t *Tx) MarkOverdraftRequested(ctx context.Context, workloadID string) error {
	_, err := t.Exec(ctx, `UPDATE ledger_workloads SET overdraft_requested = ? WHERE workload_id = ?`, true, workloadID)
	return err
}

var ledgerLineCols = []string{"id", "kind", "booked_at", "period", "institution_id", "budget_line_id", "project_id",
	"workload_id", "provider_id", "interval_id", "usage_from", "usage_to", "seconds", "unit_price", "price_id",
	"provider_currency", "provider_minor", "currency", "amount_minor", "fx_rate", "fx_date", "fx_inverse",
	"reverses", "memo"}

func optMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t)
}

func fromOptMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMicros(v)
}

// ledgerLineRow is the values of l in ledgerLineCols order.
func ledgerLineRow(l *model.LedgerLine) []any {
	return []any{l.ID, l.Kind, micros(l.BookedAt), l.Period, l.InstitutionID, l.BudgetLineID, l.ProjectID,
		l.WorkloadID, l.ProviderID, l.IntervalID, optMicros(l.UsageFrom), optMicros(l.UsageTo), l.Seconds,
		l.UnitPrice, l.PriceID, l.ProviderCurrency, l.ProviderMinor, l.Currency, l.AmountMinor, l.FXRate,
		l.FXDate, l.FXInverse, l.Reverses, l.Memo}
}

// InsertLedgerLines appends lines and returns the ids actually inserted: a
// line whose id (its idempotency key) is already booked is skipped, so a
// repeated booking books nothing twice.
func (t *Tx) InsertLedgerLines(ctx context.Context, lines []model.LedgerLine) (map[string]bool, error) {
	rows := t.ledgerLineRows(lines)
	inserted := make(map[string]bool, len(lines))
	err := t.bulk(ctx, "ledger_lines", ledgerLineCols, rows, "ON CONFLICT DO NOTHING RETURNING id",
		func(id string) { inserted[id] = true })
	return inserted, err
}

// InsertNewLedgerLines books lines whose ids no line can have yet (a
// new workload's commitment): a plain INSERT, so that inside Pipelined it
// is queued with the statements around it instead of being sent on its
// own to read back which lines were inserted (issue #19: one round trip
// less per create). A line that exists already is an error
// (ErrDuplicate), never skipped.
func (t *Tx) InsertNewLedgerLines(ctx context.Context, lines []model.LedgerLine) error {
	return t.bulk(ctx, "ledger_lines", ledgerLineCols, t.ledgerLineRows(lines), "", nil)
}

// ledgerLineRows are lines' column values, a line without a booking
// time booked now.
func (t *Tx) ledgerLineRows(lines []model.LedgerLine) [][]any {
	rows := make([][]any, len(lines))
	now := t.Now()
	for i := range lines {
		if lines[i].BookedAt.IsZero() {
			lines[i].BookedAt = now
		}
		rows[i] = ledgerLineRow(&lines[i])
	}
	return rows
}

// LedgerLineExists reports whether a line with this id is booked.
func (t *Tx) LedgerLineExists(ctx context.Context, id string) (bool, error) {
	var n int64
	if err := t.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_lines WHERE id = ?`, id).Scan(&n); err != nil {
		return false, mapErr(err)
	}
	return n > 0, nil
}

// LedgerLines returns the lines matching f in booking order.
func (t *Tx) LedgerLines(ctx context.Context, f LedgerFilter) ([]model.LedgerLine, error) {
	var (
		where []string
		args  []any
	)
	add := func(col, v string) {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	add("institution_id", f.InstitutionID)
	add("provider_id", f.ProviderID)
	add("workload_id", f.WorkloadID)
	add("period", f.Period)
	if len(f.Kinds) > 0 {
		where = append(where, "kind IN ("+placeholders(len(f.Kinds))+")")
		args = append(args, anys(f.Kinds)...)
	}
	q := "SELECT " + strings.Join(ledgerLineCols, ", ") + " FROM ledger_lines"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY booked_at, id"
	rows, err := t.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing ledger lines: %w", err)
	}
	defer rows.Close()
	var out []model.LedgerLine
	for rows.Next() {
		var (
			l              model.LedgerLine
			booked, uf, ut int64
		)
		if err := rows.Scan(&l.ID, &l.Kind, &booked, &l.Period, &l.InstitutionID, &l.BudgetLineID, &l.ProjectID,
			&l.WorkloadID, &l.ProviderID, &l.IntervalID, &uf, &ut, &l.Seconds, &l.UnitPrice, &l.PriceID,
			&l.ProviderCurrency, &l.ProviderMinor, &l.Currency, &l.AmountMinor, &l.FXRate, &l.FXDate,
			&l.FXInverse, &l.Reverses, &l.Memo); err != nil {
			return nil, mapErr(err)
		}
		l.BookedAt, l.UsageFrom, l.UsageTo = fromMicros(booked), fromOptMicros(uf), fromOptMicros(ut)
		out = append(out, l)
	}
	return out, mapErr(rows.Err())
}

// RemainingCommitments returns, per workload, its commitment plus releases
// (what is still encumbered), for the given workloads that have any.
func (t *Tx) RemainingCommitments(ctx context.Context, workloadIDs []string) (map[string]int64, error) {
	out := make(map[string]int64, len(workloadIDs))
	err := chunks(workloadIDs, func(part []string) error {
		args := append(anys(part), model.LedgerCommitment, model.LedgerRelease)
		return queryEach(ctx, t, "summing commitments", `SELECT workload_id, CAST(SUM(amount_minor) AS BIGINT) FROM ledger_lines
			WHERE workload_id IN (`+placeholders(len(part))+`) AND kind IN (?, ?) GROUP BY workload_id`, args, func(rows *sql.Rows) error {
			var (
				id string
				v  int64
			)
			if err := rows.Scan(&id, &v); err != nil {
				return mapErr(err)
			}
			out[id] = v
			return nil
		})
	})
	return out, err
}

// BudgetBalances returns the running totals of the given lines; a line
// with nothing booked is absent (zero).
func (t *Tx) BudgetBalances(ctx context.Context, lineIDs []string) (map[string]model.Balance, error) {
	out := make(map[string]model.Balance, len(lineIDs))
	err := chunks(lineIDs, func(part []string) error {
		return queryEach(ctx, t, "reading budget balances", `SELECT budget_line_id, committed_minor, accrued_minor FROM budget_balances
			WHERE budget_line_id IN (`+placeholders(len(part))+`)`, anys(part), func(rows *sql.Rows) error {
			var (
				id string
				b  model.Balance
			)
			if err := rows.Scan(&id, &b.CommittedMinor, &b.AccruedMinor); err != nil {
				return mapErr(err)
			}
			out[id] = b
			return nil
		})
	})
	return out, err
}

// AddBudgetBalance adds deltas to a line's running totals.
func (t *Tx) AddBudgetBalance(ctx context.Context, lineID string, committed, accrued int64) error {
	if err := t.sharePrevReleaseLock(ctx); err != nil {
		return err
	}
	_, err := t.Exec(ctx, `INSERT INTO budget_balances (budget_line_id, committed_minor, accrued_minor) VALUES (?, ?, ?)
		ON CONFLICT (budget_line_id) DO UPDATE SET
			committed_minor = budget_balances.committed_minor + excluded.committed_minor,
			accrued_minor = budget_balances.accrued_minor + excluded.accrued_minor`, lineID, committed, accrued)
	if err != nil {
		return fmt.Errorf("updating budget balance %s: %w", lineID, err)
	}
	return nil
}

var intervalCols = []string{"id", "placement_id", "workload_id", "offering_id", "site_id", "provider_id",
	"start_at", "end_at", "rated_to", "stopped"}

// OpenIntervals records replicas that began running. A placement that
// already has an open interval keeps it (a repeated Start is a no-op);
// the ids of the intervals actually opened are returned.
func (t *Tx) OpenIntervals(ctx context.Context, ivs ...*UsageInterval) (map[string]bool, error) {
	rows := make([][]any, len(ivs))
	for i, iv := range ivs {
		rows[i] = []any{iv.ID, iv.PlacementID, iv.WorkloadID, iv.OfferingID, iv.SiteID, iv.ProviderID,
			micros(iv.Start), nullMicros(iv.End), micros(iv.Start), iv.Stopped}
	}
	opened := make(map[string]bool, len(ivs))
	err := t.bulk(ctx, "usage_intervals", intervalCols, rows, "ON CONFLICT DO NOTHING RETURNING id",
		func(id string) { opened[id] = true })
	return opened, err
}

// CloseInterval ends the placement's open interval at at (never before its
// start); false when none was open (a repeated Stop).
func (t *Tx) CloseInterval(ctx context.Context, placementID string, at time.Time) (bool, error) {
	m := micros(at)
	res, err := t.Exec(ctx, `UPDATE usage_intervals SET end_at = CASE WHEN start_at > ? THEN start_at ELSE ? END
		WHERE placement_id = ? AND end_at IS NULL`, m, m, placementID)
	if err != nil {
		return false, fmt.Errorf("closing usage interval of %s: %w", placementID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

const intervalSelect = `SELECT i.id, i.placement_id, i.workload_id, i.offering_id, i.site_id, i.provider_id,
	i.start_at, i.end_at, i.rated_to, i.stopped, w.institution_id, w.project_id, w.budget_line_id, w.currency
	FROM usage_intervals i JOIN ledger_workloads w ON w.workload_id = i.workload_id`

func scanIntervals(rows *sql.Rows) ([]UsageInterval, error) {
	defer rows.Close()
	var out []UsageInterval
	for rows.Next() {
		var (
			iv             UsageInterval
			start, ratedTo int64
			end            sql.NullInt64
		)
		if err := rows.Scan(&iv.ID, &iv.PlacementID, &iv.WorkloadID, &iv.OfferingID, &iv.SiteID, &iv.ProviderID,
			&start, &end, &ratedTo, &iv.Stopped, &iv.InstitutionID, &iv.ProjectID, &iv.BudgetLineID, &iv.Currency); err != nil {
			return nil, mapErr(err)
		}
		iv.Start, iv.End, iv.RatedTo = fromMicros(start), fromNullMicros(end), fromMicros(ratedTo)
		out = append(out, iv)
	}
	return out, mapErr(rows.Err())
}

// UnratedIntervals returns up to limit intervals, in id order after the
// cursor, with usage not yet booked before through; institutionID ""
// means all.
func (t *Tx) UnratedIntervals(ctx context.Context, through time.Time, after string, limit int, institutionID string) ([]UsageInterval, error) {
	q := intervalSelect + ` WHERE (i.end_at IS NULL OR i.rated_to < i.end_at) AND i.rated_to < ? AND i.id > ?`
	args := []any{micros(through), after}
	if institutionID != "" {
		q += ` AND w.institution_id = ?`
		args = append(args, institutionID)
	}
	q += fmt.Sprintf(` ORDER BY i.id LIMIT %d`, limit)
	rows, err := t.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing unrated usage: %w", err)
	}
	return scanIntervals(rows)
}

// WorkloadIntervals returns every interval of a workload.
func (t *Tx) WorkloadIntervals(ctx context.Context, workloadID string) ([]UsageInterval, error) {
	rows, err := t.Query(ctx, intervalSelect+` WHERE i.workload_id = ? ORDER BY i.start_at, i.id`, workloadID)
	if err != nil {
		return nil, fmt.Errorf("listing usage of %s: %w", workloadID, err)
	}
	return scanIntervals(rows)
}

// SetRatedTo records how far rating booked each interval (id → instant).
func (t *Tx) SetRatedTo(ctx context.Context, to map[string]time.Time) error {
	byTo := map[int64][]string{}
	for id, at := range to {
		byTo[micros(at)] = append(byTo[micros(at)], id)
	}
	for m, ids := range byTo {
		err := chunks(ids, func(part []string) error {
			_, err := t.Exec(ctx, `UPDATE usage_intervals SET rated_to = ? WHERE id IN (`+placeholders(len(part))+`)`,
				append([]any{m}, anys(part)...)...)
			return err
		})
		if err != nil {
			return fmt.Errorf("recording rated usage: %w", err)
		}
	}
	return nil
}

// InsertBudgetAlert records an alert unless the line already has one for
// the threshold; it reports whether it was new.
func (t *Tx) InsertBudgetAlert(ctx context.Context, a *model.BudgetAlert) (bool, error) {
	if a.At.IsZero() {
		a.At = t.Now()
	}
	res, err := t.Exec(ctx, `INSERT INTO budget_alerts (id, institution_id, budget_line_id, threshold, used_minor, amount_minor, currency, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		a.ID, a.InstitutionID, a.BudgetLineID, a.Threshold, a.UsedMinor, a.AmountMinor, a.Currency, micros(a.At))
	if err != nil {
		return false, fmt.Errorf("recording budget alert: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// BudgetAlerts lists alerts, oldest first; empty filters do not filter.
func (t *Tx) BudgetAlerts(ctx context.Context, institutionID, budgetLineID string) ([]model.BudgetAlert, error) {
	q := `SELECT id, institution_id, budget_line_id, threshold, used_minor, amount_minor, currency, at FROM budget_alerts WHERE 1 = 1`
	q, args := byInstitutionLine(q, institutionID, budgetLineID)
	return queryAll(ctx, t, "budget alerts", q+` ORDER BY at, threshold`, args, func(rows *sql.Rows) (model.BudgetAlert, error) {
		var (
			a  model.BudgetAlert
			at int64
		)
		if err := rows.Scan(&a.ID, &a.InstitutionID, &a.BudgetLineID, &a.Threshold, &a.UsedMinor, &a.AmountMinor, &a.Currency, &at); err != nil {
			return a, mapErr(err)
		}
		a.At = fromMicros(at)
		return a, nil
	})
}

// CloseMonth records a closure; ErrDuplicate if already closed.
func (t *Tx) CloseMonth(ctx context.Context, c *StatementClosure) error {
	if c.ClosedAt.IsZero() {
		c.ClosedAt = t.Now()
	}
	_, err := t.Exec(ctx, `INSERT INTO statement_closures (institution_id, month, closed_at, closed_by) VALUES (?, ?, ?, ?)`,
		c.InstitutionID, c.Month, micros(c.ClosedAt), c.ClosedBy)
	if err != nil {
		return fmt.Errorf("closing %s: %w", c.Month, err)
	}
	return nil
}

// Closures lists every closure.
func (t *Tx) Closures(ctx context.Context) ([]StatementClosure, error) {
	rows, err := t.Query(ctx, `SELECT institution_id, month, closed_at, closed_by FROM statement_closures ORDER BY month, institution_id`)
	if err != nil {
		return nil, fmt.Errorf("listing closures: %w", err)
	}
	defer rows.Close()
	var out []StatementClosure
	for rows.Next() {
		var (
			c  StatementClosure
			at int64
		)
		if err := rows.Scan(&c.InstitutionID, &c.Month, &at, &c.ClosedBy); err != nil {
			return nil, mapErr(err)
		}
		c.ClosedAt = fromMicros(at)
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// StatementRows sums a month's charge and adjustment lines per budget line,
// project, provider and currencies, for one institution (by =
// "institution") or one provider (by = "provider").
func (t *Tx) StatementRows(ctx context.Context, by, id, month string) ([]StatementRow, error) {
	col := "institution_id"
	if by == "provider" {
		col = "provider_id"
	}
	rows, err := t.Query(ctx, `SELECT institution_id, budget_line_id, project_id, provider_id, provider_currency, currency,
		CAST(SUM(provider_minor) AS BIGINT), CAST(SUM(amount_minor) AS BIGINT), COUNT(*), CAST(SUM(seconds) AS BIGINT)
		FROM ledger_lines WHERE `+col+` = ? AND period = ? AND kind IN (?, ?)
		GROUP BY institution_id, budget_line_id, project_id, provider_id, provider_currency, currency
		ORDER BY institution_id, budget_line_id, project_id, provider_id, provider_currency, currency`,
		id, month, model.LedgerCharge, model.LedgerAdjustment)
	if err != nil {
		return nil, fmt.Errorf("summing statement: %w", err)
	}
	defer rows.Close()
	out := []StatementRow{}
	for rows.Next() {
		var r StatementRow
		if err := rows.Scan(&r.InstitutionID, &r.BudgetLineID, &r.ProjectID, &r.ProviderID, &r.ProviderCurrency,
			&r.Currency, &r.ProviderMinor, &r.AmountMinor, &r.Lines, &r.Seconds); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}
