package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/soberana/soberana/internal/model"
)

// Reserving budget without serializing whole transactions (issue #19,
// docs/operations.md "PostgreSQL at full speed").
//
// A create books its commitment on its project's budget line. Under
// SERIALIZABLE, concurrent creates on one line all read and then write
// the line's running total (budget_balances), so all but one aborted and
// the creates were queued on a per-line advisory lock instead: one
// transaction per line at a time. Now such a write path runs at READ
// COMMITTED (ReadCommitted) and reserves with one conditional statement
// (ReserveBudget): the balance row's lock is taken by the statement that
// checks and moves the total and held only for the rest of that short
// transaction, and PostgreSQL re-evaluates the condition on the newest
// committed total after waiting for it, so a line is never over-committed
// and no reservation is counted twice. The line's amount is read with
// FOR SHARE (LockBudgetLineForCommit; for a create, by the reservation
// statement itself, ReserveBudgetOnLine) so that it cannot change under
// the reservation; an amount cut (CheckAmount) takes the line FOR UPDATE
// and then the balance row, in that order, so the two paths cannot
// deadlock.

// Beside the previous release (rolling upgrades, docs/operations.md
// "Upgrades"). The release before issue 19 (schema 6) runs every audited
// transaction SERIALIZABLE under a session advisory lock (key
// prevReleaseAuditLock) taken before BEGIN, and retries a serialization
// failure 20 times within about 0.4 s. This release's reservations do not
// take that lock, so while both serve one database they kept moving a
// line's balance row under the old release's snapshots and its creates
// ran out of retries (500s: TestRollingUpgradeSideBySide, 1–2 % of the old
// release's creates). A write of budget_balances therefore first takes
// that key in SHARED mode for its transaction: among themselves this
// release's writers never wait (shared locks do not conflict), while an
// old transaction holding the key exclusively finishes first and, once it
// waits for the key, no new writer starts on the balance under its
// snapshot. Remove with the contract release once no binary of schema 6
// or older can serve (the rolling test then starts from schema 22).
const prevReleaseAuditLock = 0x736f62657261 // "sobera", the old auditLockKey

// sharePrevReleaseLock takes the previous release's audit lock in shared
// mode until the transaction ends (PostgreSQL; nothing on SQLite).
func (t *Tx) sharePrevReleaseLock(ctx context.Context) error {
	if t.dialect != Postgres {
		return nil
	}
	if _, err := t.Exec(ctx, `SELECT pg_advisory_xact_lock_shared(?)`, int64(prevReleaseAuditLock)); err != nil {
		return fmt.Errorf("sharing the previous release's audit lock: %w", mapErr(err))
	}
	return nil
}

type readCommittedCtx struct{}

// ReadCommitted returns ctx asking that, on PostgreSQL, the transactions
// InTx and Write run for it use READ COMMITTED instead of SERIALIZABLE.
// Only a path whose every read-then-write is either a single conditional
// statement (ReserveBudget, ReserveBudgetOnLine), a row lock, or guarded
// by a unique key may use it. Deadlocks and serialization failures are
// still retried. On SQLite, whose transactions hold the write lock from
// BEGIN, it does nothing.
func ReadCommitted(ctx context.Context) context.Context {
	return context.WithValue(ctx, readCommittedCtx{}, true)
}

func isReadCommitted(ctx context.Context) bool {
	v, _ := ctx.Value(readCommittedCtx{}).(bool)
	return v
}

// BudgetLineForCommit is a budget line as a commitment needs it: the line
// and whether its institution lets over-budget requests wait for approval.
type BudgetLineForCommit struct {
	Line                   model.BudgetLine
	AllowOverdraftRequests bool
	// Booked: the ledger line given to LockBudgetLineForWorkload exists
	// (the workload's commitment is booked already).
	Booked bool
}

// LockBudgetLineForCommit reads a budget line with its institution's
// overdraft setting in one round trip. On PostgreSQL the line is locked
// FOR SHARE until the transaction ends: its amount cannot change under a
// reservation, while any number of reservations share it.
func (t *Tx) LockBudgetLineForCommit(ctx context.Context, id string) (BudgetLineForCommit, error) {
	return t.LockBudgetLineForWorkload(ctx, id, "")
}

// LockBudgetLineForWorkload is LockBudgetLineForCommit that also tells, in
// the same statement, whether the ledger line commitLineID (a workload's
// commitment) exists: one round trip for what a create's commit reads.
func (t *Tx) LockBudgetLineForWorkload(ctx context.Context, id, commitLineID string) (BudgetLineForCommit, error) {
	var out BudgetLineForCommit
	q := `SELECT l.id, l.created_at, l.updated_at, l.version, l.institution_id, l.fiscal_year, l.code, l.name,
		l.currency, l.amount_minor, i.allow_overdraft_requests,
		EXISTS (SELECT 1 FROM ledger_lines WHERE id = ?)
		FROM budget_lines l JOIN institutions i ON i.id = l.institution_id WHERE l.id = ?`
	args := []any{commitLineID, id}
	if t.dialect == Postgres {
		// The previous release's lock (sharePrevReleaseLock) is taken by
		// the same statement, one round trip less per create: the FROM
		// item is scanned before any row is emitted, so the advisory lock
		// is held before the line's row lock (LockRows, above the join),
		// in the order sharePrevReleaseLock then the line had.
		q = `SELECT l.id, l.created_at, l.updated_at, l.version, l.institution_id, l.fiscal_year, l.code, l.name,
		l.currency, l.amount_minor, i.allow_overdraft_requests,
		EXISTS (SELECT 1 FROM ledger_lines WHERE id = ?)
		FROM (SELECT pg_advisory_xact_lock_shared(?)) AS prev, budget_lines l
		JOIN institutions i ON i.id = l.institution_id WHERE l.id = ? FOR SHARE OF l`
		args = []any{commitLineID, int64(prevReleaseAuditLock), id}
	}
	var created, updated int64
	l := &out.Line
	err := t.QueryRow(ctx, q, args...).Scan(&l.ID, &created, &updated, &l.Version, &l.InstitutionID, &l.FiscalYear,
		&l.Code, &l.Name, &l.Currency, &l.AmountMinor, &out.AllowOverdraftRequests, &out.Booked)
	if err != nil {
		return out, fmt.Errorf("getting budget_lines %s: %w", id, mapErr(err))
	}
	l.CreatedAt, l.UpdatedAt = fromMicros(created), fromMicros(updated)
	return out, nil
}

// LockBudgetLineForUpdate locks a budget line and then its running total
// (PostgreSQL; nothing on SQLite) before its amount is changed: a
// reservation in flight finishes first, and a SERIALIZABLE transaction
// whose snapshot missed one fails with a serialization error and is
// retried, so the floor it then reads is current.
func (t *Tx) LockBudgetLineForUpdate(ctx context.Context, id string) error {
	if t.dialect != Postgres {
		return nil
	}
	if err := t.sharePrevReleaseLock(ctx); err != nil {
		return err
	}
	var one int
	if err := t.QueryRow(ctx, `SELECT 1 FROM budget_lines WHERE id = ? FOR UPDATE`, id).Scan(&one); err != nil {
		return fmt.Errorf("locking budget line %s: %w", id, mapErr(err))
	}
	// The running total is locked by writing it (creating a zero one if
	// nothing is booked yet), not by SELECT … FOR UPDATE: a line with no
	// balance row in this transaction's snapshot had nothing to lock, so a
	// cut whose snapshot predated the line's first reservations read a
	// floor of zero after they committed and went below them (CI: a line
	// cut to 24,000.00 carrying 72,000.00). The upsert conflicts with a row
	// committed after the snapshot, which under SERIALIZABLE is a
	// serialization failure (retried, and the retry reads the current
	// floor); at READ COMMITTED it waits for that row and the next
	// statement reads it. A zero row books nothing (BalanceDrift agrees).
	err := t.QueryRow(ctx, `INSERT INTO budget_balances (budget_line_id, committed_minor, accrued_minor) VALUES (?, 0, 0)
		ON CONFLICT (budget_line_id) DO UPDATE SET committed_minor = budget_balances.committed_minor
		RETURNING 1`, id).Scan(&one)
	if err != nil {
		return fmt.Errorf("locking budget balance %s: %w", id, mapErr(err))
	}
	return nil
}

// ReserveBudget adds need to a line's committed total, in one statement,
// if it fits: committed + accrued + need <= limit, or force. It returns
// the line's totals after the reservation and true, or, when it does not
// fit, the current totals and false (nothing changed).
//
// At READ COMMITTED concurrent reservations on one line wait for each
// other's row lock and the condition is evaluated on the newest committed
// total; under SERIALIZABLE a concurrent one fails with a serialization
// error and is retried.
func (t *Tx) ReserveBudget(ctx context.Context, lineID string, need, limit int64, force bool) (model.Balance, bool, error) {
	b, ok, err := t.reserve(ctx, lineID, need, limit, force)
	if err != nil || ok {
		return b, ok, err
	}
	bals, err := t.BudgetBalances(ctx, []string{lineID})
	if err != nil {
		return b, false, err
	}
	return bals[lineID], false, nil
}

// reserve is ReserveBudget without reading the totals of a refusal.
func (t *Tx) reserve(ctx context.Context, lineID string, need, limit int64, force bool) (model.Balance, bool, error) {
	f := int64(0)
	if force {
		f = 1
	}
	var b model.Balance
	err := t.QueryRow(ctx, `INSERT INTO budget_balances (budget_line_id, committed_minor, accrued_minor)
		SELECT ?, CAST(? AS BIGINT), 0 WHERE CAST(? AS BIGINT) = 1 OR CAST(? AS BIGINT) <= CAST(? AS BIGINT)
		ON CONFLICT (budget_line_id) DO UPDATE SET committed_minor = budget_balances.committed_minor + excluded.committed_minor
		WHERE CAST(? AS BIGINT) = 1
			OR budget_balances.committed_minor + budget_balances.accrued_minor + excluded.committed_minor <= CAST(? AS BIGINT)
		RETURNING committed_minor, accrued_minor`,
		lineID, need, f, need, limit, f, limit).Scan(&b.CommittedMinor, &b.AccruedMinor)
	if err == nil {
		return b, true, nil
	}
	if !errors.Is(mapErr(err), ErrNotFound) {
		return b, false, fmt.Errorf("reserving budget on line %s: %w", lineID, mapErr(err))
	}
	return b, false, nil
}

// errReservationRefused is what a reservation left for COMMIT returns when
// it does not fit; InTx then runs the transaction again, reserving in place.
var errReservationRefused = errors.New("budget reservation refused at commit")

// ReservesAtCommit reports whether ReserveBudgetAtCommit leaves the
// reservation for COMMIT in t: on PostgreSQL at READ COMMITTED
// (ReadCommitted), unless t is the re-run of a transaction whose deferred
// reservation was refused.
func (t *Tx) ReservesAtCommit() bool {
	return t.dialect == Postgres && t.sqlTx != nil && t.readCommitted && !t.reserveInline
}

// ReserveBudgetAtCommit is ReserveBudget run as the last statement before
// COMMIT, after everything else the transaction writes (and its audit
// event), followed by then with the line's totals after it. A line's
// balance row is the one row every create on the line writes: reserved
// first, it stayed locked while the rest of the transaction ran, and
// concurrent creates on the line queued for all of it; reserved last, it
// is locked only for the COMMIT. The caller writes as if the reservation
// fits (ReserveBudget with force, or a fit, never needs anything else
// undone); if it does not, the whole transaction is rolled back and InTx
// runs it again with ReservesAtCommit false, so that the caller reserves
// in place with ReserveBudget and decides on the refusal as before: a
// refused reservation changes nothing, and money is reserved exactly once,
// by the attempt that commits. Only when ReservesAtCommit is true.
func (t *Tx) ReserveBudgetAtCommit(lineID string, need, limit int64, force bool, then func(context.Context, model.Balance) error) {
	t.reserveAtCommit(lineID, func(ctx context.Context) (model.Balance, bool, error) {
		return t.reserve(ctx, lineID, need, limit, force)
	}, then)
}

// reserveAtCommit leaves reserve for COMMIT (ReserveBudgetAtCommit).
func (t *Tx) reserveAtCommit(lineID string, reserve func(context.Context) (model.Balance, bool, error), then func(context.Context, model.Balance) error) {
	t.atCommit = append(t.atCommit, func(ctx context.Context) error {
		b, ok, err := reserve(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("reserving budget on line %s: %w", lineID, errReservationRefused)
		}
		if then == nil {
			return nil
		}
		return then(ctx, b)
	})
}

// ReserveBudgetOnLine is ReserveBudget for a commitment computed from a
// budget line read before the transaction (CreateInputs, issue #19: the
// create's read of the line in its transaction was a round trip of its
// own): the limit is not the caller's but the line's amount as this
// statement reads it, and the line must still have fiscalYear, the year
// the commitment was computed for. A line lowered (or moved to another
// year) since the caller read it is thus respected: what the caller read
// decides nothing. On PostgreSQL the statement takes what
// LockBudgetLineForWorkload took, in its order: the previous release's
// shared lock (sharePrevReleaseLock), then the line FOR SHARE (a CTE,
// scanned before the running total is written), then the running total;
// an amount cut (LockBudgetLineForUpdate: the line FOR UPDATE, then the
// total) therefore either commits first, and the statement reads its
// amount after waiting for it, or waits for this transaction. It returns
// the line's totals after the reservation, the amount it read and true,
// or, when the commitment does not fit (or the line is gone or in
// another year), false with nothing changed and nothing more read: the
// caller reads the line again to decide on a refusal.
func (t *Tx) ReserveBudgetOnLine(ctx context.Context, lineID string, fiscalYear int, need int64) (b model.Balance, amount int64, ok bool, err error) {
	line := `SELECT amount_minor FROM budget_lines WHERE id = ? AND fiscal_year = ?`
	args := []any{lineID, fiscalYear}
	if t.dialect == Postgres {
		line = `SELECT l.amount_minor FROM (SELECT pg_advisory_xact_lock_shared(?)) AS prev, budget_lines l
			WHERE l.id = ? AND l.fiscal_year = ? FOR SHARE OF l`
		args = []any{int64(prevReleaseAuditLock), lineID, fiscalYear}
	}
	err = t.QueryRow(ctx, `WITH line AS (`+line+`)
		INSERT INTO budget_balances (budget_line_id, committed_minor, accrued_minor)
		SELECT ?, CAST(? AS BIGINT), 0 FROM line WHERE CAST(? AS BIGINT) <= line.amount_minor
		ON CONFLICT (budget_line_id) DO UPDATE SET committed_minor = budget_balances.committed_minor + excluded.committed_minor
		WHERE budget_balances.committed_minor + budget_balances.accrued_minor + excluded.committed_minor <= (SELECT amount_minor FROM line)
		RETURNING committed_minor, accrued_minor, (SELECT amount_minor FROM line)`,
		append(args, lineID, need, need)...).Scan(&b.CommittedMinor, &b.AccruedMinor, &amount)
	switch {
	case err == nil:
		return b, amount, true, nil
	case errors.Is(mapErr(err), ErrNotFound):
		return model.Balance{}, 0, false, nil
	}
	return model.Balance{}, 0, false, fmt.Errorf("reserving budget on line %s: %w", lineID, mapErr(err))
}

// ReserveBudgetOnLineAtCommit is ReserveBudgetOnLine left for COMMIT as
// ReserveBudgetAtCommit leaves ReserveBudget, then getting the line's
// totals after it and the amount it read. Only when ReservesAtCommit is
// true.
func (t *Tx) ReserveBudgetOnLineAtCommit(lineID string, fiscalYear int, need int64, then func(ctx context.Context, b model.Balance, amount int64) error) {
	var amount int64
	t.reserveAtCommit(lineID, func(ctx context.Context) (b model.Balance, ok bool, err error) {
		b, amount, ok, err = t.ReserveBudgetOnLine(ctx, lineID, fiscalYear, need)
		return b, ok, err
	}, func(ctx context.Context, b model.Balance) error {
		if then == nil {
			return nil
		}
		return then(ctx, b, amount)
	})
}
