package ledger

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// secondsPerMonth is the 730-hour billing month (money.HoursPerMonth).
const secondsPerMonth = money.HoursPerMonth * 3600

// Commitment is what a workload with forecast monthly cost monthly
// encumbers when committed at now on a line of fiscalYear: the forecast
// pro-rated by the seconds left in the fiscal year (the calendar year, UTC)
// over the seconds of a 730-hour month,
//
//	monthly × seconds(max(now, Jan 1) → Jan 1 next year) / (730 × 3600)
//
// exact until the one half-even rounding to the minor unit. A whole
// non-leap year is exactly 12 × monthly. A line whose year has ended
// commits nothing.
func Commitment(monthly money.Amount, fiscalYear int, now time.Time) money.Amount {
	start := time.Date(fiscalYear, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 0)
	from := now.UTC().Truncate(time.Second)
	if from.Before(start) {
		from = start
	}
	if !from.Before(end) {
		return money.Amount{Currency: monthly.Currency}
	}
	secs := int64(end.Sub(from) / time.Second)
	r := monthly.Exact().Rat()
	r.Mul(r, big.NewRat(secs, secondsPerMonth))
	return money.ExactFromRat(r, monthly.Currency).Round(money.HalfEven)
}

func commitKey(workloadID string) string { return "commit/" + workloadID }

// Commit encumbers the workload's forecast on its budget line, in the
// caller's transaction. It is idempotent: a workload already committed
// fits. When the commitment does not fit what the line has available:
//   - a stored request being approved (w.Version > 0) of an institution
//     that allows overdraft requests is committed anyway — the finance
//     officer's approval is the authorization;
//   - a new request of such an institution waits: NeedsApproval, with the
//     reason;
//   - otherwise it is refused with an *OverBudgetError naming the line, the
//     need and the shortfall.
//
// Concurrent commits never overdraw a line: the check and the reservation
// are one conditional statement on the line's running total
// (store.ReserveBudget), correct at READ COMMITTED (the create path,
// store.ReadCommitted) and under SERIALIZABLE; the line's amount is held
// FOR SHARE meanwhile. Commit costs four statements: the line with
// whether the commitment is booked already (idempotency) and, on
// PostgreSQL, the previous release's shared lock; the reservation; the
// workload's ledger attributes and the ledger line (queued on PostgreSQL:
// inside the create's Pipelined they go in its one batch of writes, and a
// new workload's commitment is a plain insert, InsertNewLedgerLines, so
// nothing in them needs an answer before the batch is sent). A create
// skips the first (CommitNew; TestRoundTripsPerCreateAndGet in
// internal/workload pins the create's statements).
// At READ COMMITTED on PostgreSQL the reservation is left
// for COMMIT (store.ReserveBudgetAtCommit) and Commit answers Fits; if it
// then does not fit, the transaction is rolled back and run again, and
// this time Commit reserves in place and decides as above.
func (l *Ledger) Commit(ctx context.Context, tx *store.Tx, w *model.Workload) (workload.BudgetOutcome, error) {
	// Whether the commitment is booked already comes with the line, in
	// one statement (one round trip less per create).
	got, err := tx.LockBudgetLineForWorkload(ctx, w.BudgetLineID, commitKey(w.ID))
	if err != nil {
		return workload.BudgetOutcome{}, fmt.Errorf("committing workload %s: %w", w.ID, err)
	}
	if got.Booked {
		return workload.Fits(), nil
	}
	line := got.Line
	c, err := newCommitment(tx, w, line)
	if err != nil {
		return workload.BudgetOutcome{}, err
	}
	cur, need, now := c.cur, c.need, c.now
	// A stored request being approved (w.Version > 0) of an institution
	// that allows overdraft requests is committed even if it does not fit.
	force := w.Version > 0 && got.AllowOverdraftRequests
	if tx.ReservesAtCommit() {
		// The reservation is the transaction's last statement
		// (store.ReserveBudgetAtCommit); if it does not fit, the
		// transaction is run again and reserves here.
		if err := c.book(ctx, tx, w, line); err != nil {
			return workload.BudgetOutcome{}, err
		}
		tx.ReserveBudgetAtCommit(line.ID, need.Minor, line.AmountMinor, force, func(ctx context.Context, bal model.Balance) error {
			return alertLine(ctx, tx, line, bal.CommittedMinor+bal.AccruedMinor)
		})
		return fitsWithCost(w, cur, need, now), nil
	}
	bal, ok, err := tx.ReserveBudget(ctx, line.ID, need.Minor, line.AmountMinor, force)
	if err != nil {
		return workload.BudgetOutcome{}, err
	}
	if !ok {
		avail := money.Amount{Minor: line.AmountMinor - bal.CommittedMinor - bal.AccruedMinor, Currency: cur}
		short := money.Amount{Minor: need.Minor - max(avail.Minor, 0), Currency: cur}
		e := &OverBudgetError{BudgetLineID: line.ID, LineCode: line.Code, Need: need, Available: avail,
			Shortfall: short, lang: l.lang(ctx)}
		if got.AllowOverdraftRequests {
			if err := putLedgerWorkload(ctx, tx, w, line); err != nil {
				return workload.BudgetOutcome{}, err
			}
			if err := tx.MarkOverdraftRequested(ctx, w.ID); err != nil {
				return workload.BudgetOutcome{}, err
			}
			r := e.Reason(l.lang(ctx))
			r.Key = "ledger.overdraft_request"
			o := workload.NeedsApproval(r)
			o.Cost = newCost(w, cur, money.Amount{Currency: cur}, now)
			return o, nil
		}
		return workload.BudgetOutcome{}, fmt.Errorf("committing workload %s: %w", w.ID, e)
	}
	return c.booked(ctx, tx, w, line, bal)
}

// CommitNew is Commit for a workload not stored yet (w.Version == 0: a
// create, whose commitment no other transaction can have booked) with
// its budget line as read before the transaction, unlocked
// (store.Tx.CreateInputs): it does without Commit's read of the line, one
// round trip less per create on PostgreSQL (issue #19). What it takes
// from that read cannot change or is checked again: the line's id,
// institution and currency do not change, the commitment is computed for
// the fiscal year read and the reservation requires the line to still
// have it, and the amount read decides nothing: the reservation reads the
// line's current amount itself, holding the line FOR SHARE as Commit does
// (store.ReserveBudgetOnLine), so a line lowered since is respected.
// A reservation that does not fit is decided by Commit, which reads the
// line again: on PostgreSQL at READ COMMITTED the reservation is left for
// COMMIT (store.ReserveBudgetOnLineAtCommit) and a refusal runs the
// transaction again, reserving in place; in place (SQLite, a group
// commit, that re-run, SERIALIZABLE) a refusal, which changed nothing,
// calls Commit, so an over-budget create is refused, or waits as an
// overdraft request, exactly as Commit decides. A stored workload, or a
// line that is not the workload's, goes to Commit.
func (l *Ledger) CommitNew(ctx context.Context, tx *store.Tx, w *model.Workload, line model.BudgetLine) (workload.BudgetOutcome, error) {
	if w.Version != 0 || line.ID == "" || line.ID != w.BudgetLineID {
		return l.Commit(ctx, tx, w)
	}
	c, err := newCommitment(tx, w, line)
	if err != nil {
		return workload.BudgetOutcome{}, err
	}
	alert := func(ctx context.Context, bal model.Balance, amount int64) error {
		line := line
		line.AmountMinor = amount
		return alertLine(ctx, tx, line, bal.CommittedMinor+bal.AccruedMinor)
	}
	if tx.ReservesAtCommit() {
		if err := c.book(ctx, tx, w, line); err != nil {
			return workload.BudgetOutcome{}, err
		}
		tx.ReserveBudgetOnLineAtCommit(line.ID, line.FiscalYear, c.need.Minor, alert)
		return fitsWithCost(w, c.cur, c.need, c.now), nil
	}
	bal, amount, ok, err := tx.ReserveBudgetOnLine(ctx, line.ID, line.FiscalYear, c.need.Minor)
	if err != nil {
		return workload.BudgetOutcome{}, err
	}
	if !ok {
		return l.Commit(ctx, tx, w)
	}
	line.AmountMinor = amount
	return c.booked(ctx, tx, w, line, bal)
}

// commitment is what a workload's commitment on a line books: need, in
// the line's currency cur, at now.
type commitment struct {
	cur  money.Currency
	need money.Amount
	now  time.Time
}

// newCommitment computes w's commitment on line at the transaction's
// time; a workload priced in another currency than the line's is an
// error.
func newCommitment(tx *store.Tx, w *model.Workload, line model.BudgetLine) (commitment, error) {
	if w.Currency != "" && w.Currency != line.Currency {
		return commitment{}, fmt.Errorf("committing workload %s in %s on a %s line: %w",
			w.ID, w.Currency, line.Currency, money.ErrCurrencyMismatch)
	}
	cur, err := money.ParseCurrency(line.Currency)
	if err != nil {
		return commitment{}, err
	}
	now := tx.Now()
	need := Commitment(money.Amount{Minor: w.ForecastMonthlyMinor, Currency: cur}, line.FiscalYear, now)
	return commitment{cur: cur, need: need, now: now}, nil
}

// putLedgerWorkload writes the workload's ledger attributes. They depend
// on nothing read after the line: they go with the ledger line in one
// pipelined batch on PostgreSQL (book), or, for an overdraft request,
// before it is marked.
func putLedgerWorkload(ctx context.Context, tx *store.Tx, w *model.Workload, line model.BudgetLine) error {
	return tx.PutLedgerWorkloads(ctx, &store.LedgerWorkload{WorkloadID: w.ID, InstitutionID: line.InstitutionID,
		ProjectID: w.ProjectID, BudgetLineID: line.ID, OfferingID: w.OfferingID, Currency: line.Currency,
		ForecastMonthlyMinor: w.ForecastMonthlyMinor})
}

// book writes the workload's ledger attributes and its commitment line
// (store.Tx.Pipelined: one batch on PostgreSQL), not the reservation.
func (c commitment) book(ctx context.Context, tx *store.Tx, w *model.Workload, line model.BudgetLine) error {
	return tx.Pipelined(ctx, func() error {
		if err := putLedgerWorkload(ctx, tx, w, line); err != nil {
			return err
		}
		return bookCommitment(ctx, tx, w, line, c.cur, c.need, c.now)
	})
}

// booked finishes a commitment reserved in place, bal the line's totals
// after the reservation and line.AmountMinor its amount: it books and
// alerts on the line.
func (c commitment) booked(ctx context.Context, tx *store.Tx, w *model.Workload, line model.BudgetLine, bal model.Balance) (workload.BudgetOutcome, error) {
	if err := c.book(ctx, tx, w, line); err != nil {
		return workload.BudgetOutcome{}, err
	}
	if err := alertLine(ctx, tx, line, bal.CommittedMinor+bal.AccruedMinor); err != nil {
		return workload.BudgetOutcome{}, err
	}
	return fitsWithCost(w, c.cur, c.need, c.now), nil
}

// fitsWithCost is the outcome of a commitment of need that fits, with the
// cost it leaves (newCost).
func fitsWithCost(w *model.Workload, cur money.Currency, need money.Amount, now time.Time) workload.BudgetOutcome {
	o := workload.Fits()
	o.Cost = newCost(w, cur, need, now)
	return o
}

// newCost is what WorkloadCost reads at now for a workload whose ledger
// attributes Commit has just written with committed booked: its forecast,
// nothing used this month (a workload new to the ledger has no charges
// and no usage interval) and the commitment.
func newCost(w *model.Workload, cur money.Currency, committed money.Amount, now time.Time) *model.WorkloadCost {
	return &model.WorkloadCost{WorkloadID: w.ID, Month: Month(now),
		ForecastMonthly: money.Amount{Minor: w.ForecastMonthlyMinor, Currency: cur},
		MonthToDate:     money.Amount{Currency: cur}, Committed: committed}
}

// bookCommitment inserts the workload's commitment ledger line (not the
// reservation on the line's running total, which goes with it).
func bookCommitment(ctx context.Context, tx *store.Tx, w *model.Workload, line model.BudgetLine, cur money.Currency, need money.Amount, now time.Time) error {
	key := commitKey(w.ID)
	memo := "forecast " + money.Amount{Minor: w.ForecastMonthlyMinor, Currency: cur}.String() + "/month to end of " + fmt.Sprint(line.FiscalYear)
	lines := []model.LedgerLine{{
		ID: key, Kind: model.LedgerCommitment, Period: Month(now), InstitutionID: line.InstitutionID,
		BudgetLineID: line.ID, ProjectID: w.ProjectID, WorkloadID: w.ID, Currency: line.Currency,
		AmountMinor: need.Minor, ProviderCurrency: line.Currency, ProviderMinor: need.Minor, FXRate: "1",
		Memo: memo,
	}}
	if w.Version == 0 {
		// A workload not stored yet (a create, in the transaction that
		// stores it): no other transaction can book its commitment, so
		// the line is inserted without asking which lines were (a
		// duplicate fails the create): on PostgreSQL it is queued with
		// the create's other writes, one round trip (issue #19).
		return tx.InsertNewLedgerLines(ctx, lines)
	}
	inserted, err := tx.InsertLedgerLines(ctx, lines)
	if err != nil {
		return err
	}
	if !inserted[key] {
		// Another transaction committed this workload since the check
		// in Commit: roll back this one's reservation with it.
		return fmt.Errorf("committing workload %s: %w", w.ID, ErrCommittedConcurrently)
	}
	return nil
}

// Release frees what is still encumbered for the workload (its commitment
// minus what charges already released), in the transaction that ends it.
// Afterwards commitment + releases of the workload sum to zero; calling it
// again, or for a workload never committed, books nothing.
func (l *Ledger) Release(ctx context.Context, tx *store.Tx, w *model.Workload) error {
	rem, err := tx.RemainingCommitments(ctx, []string{w.ID})
	if err != nil {
		return err
	}
	left := rem[w.ID]
	if left == 0 {
		return nil
	}
	lw, err := tx.LedgerWorkload(ctx, w.ID)
	if err != nil {
		return err
	}
	_, err = book(ctx, tx, []model.LedgerLine{{
		ID: "release/" + w.ID + "/end", Kind: model.LedgerRelease, Period: Month(tx.Now()),
		InstitutionID: lw.InstitutionID, BudgetLineID: lw.BudgetLineID, ProjectID: lw.ProjectID, WorkloadID: w.ID,
		Currency: lw.Currency, AmountMinor: -left, ProviderCurrency: lw.Currency, ProviderMinor: -left, FXRate: "1",
		Memo: "workload ended (" + string(w.State) + ")",
	}})
	return err
}
