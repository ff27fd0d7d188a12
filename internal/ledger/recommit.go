package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/store"
)

// recommitIDs are the ledger line ids of re-committing a workload under
// key (a migration's id): deterministic, so a retried or resumed switch
// books nothing twice.
func recommitIDs(workloadID, key string) (commit, release string) {
	return "commit/" + workloadID + "/" + key, "release/" + workloadID + "/" + key
}

// recommitment is what re-committing a workload for a new forecast means
// for its budget line now.
type recommitment struct {
	line      model.BudgetLine
	lw        store.LedgerWorkload
	remaining int64        // still committed for the workload
	need      money.Amount // the new commitment
	available money.Amount // the line's, before
}

// delta is the change of the line's committed amount.
func (c *recommitment) delta() int64 { return c.need.Minor - c.remaining }

// check refuses an increase the line does not have available. A migration
// is never an overdraft, whatever the institution allows new requests:
// no finance officer approves it.
func (c *recommitment) check(lang i18n.Lang) error {
	d := c.delta()
	if d <= 0 || d <= c.available.Minor {
		return nil
	}
	cur := c.need.Currency
	return &OverBudgetError{BudgetLineID: c.line.ID, LineCode: c.line.Code, Need: money.Amount{Minor: d, Currency: cur},
		Available: c.available, Shortfall: money.Amount{Minor: d - max(c.available.Minor, 0), Currency: cur}, lang: lang}
}

// recommitment reads what re-committing w for monthlyMinor would do at
// now; nil for a workload whose budget was never committed.
func (l *Ledger) recommitment(ctx context.Context, tx *store.Tx, w *model.Workload, monthlyMinor int64, now time.Time) (*recommitment, error) {
	if done, err := tx.LedgerLineExists(ctx, commitKey(w.ID)); err != nil || !done {
		return nil, err
	}
	lw, err := tx.LedgerWorkload(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	line, err := tx.BudgetLines().Get(ctx, lw.BudgetLineID)
	if err != nil {
		return nil, fmt.Errorf("re-committing workload %s: %w", w.ID, err)
	}
	cur, err := money.ParseCurrency(line.Currency)
	if err != nil {
		return nil, err
	}
	rem, err := tx.RemainingCommitments(ctx, []string{w.ID})
	if err != nil {
		return nil, err
	}
	bals, err := Balances(ctx, tx, []model.BudgetLine{line})
	if err != nil {
		return nil, err
	}
	return &recommitment{line: line, lw: lw, remaining: rem[w.ID], available: bals[0].Available,
		need: Commitment(money.Amount{Minor: monthlyMinor, Currency: cur}, line.FiscalYear, now)}, nil
}

// RecommitDelta says what Recommit would do now, booking nothing: how
// much of its budget line's available moving workload w to a new monthly
// forecast takes — the new forecast's commitment to the end of the fiscal
// year (as Commit computes it) minus what the old commitment still holds
// once the usage not yet rated is charged against it (negative: the move
// frees that much). An increase beyond what the line has available is an
// *OverBudgetError (also a workload.BudgetError) whose Need is the
// increase. A workload whose budget was never committed changes nothing.
func (l *Ledger) RecommitDelta(ctx context.Context, tx *store.Tx, w *model.Workload, monthlyMinor int64) (int64, error) {
	now := tx.Now()
	c, err := l.recommitment(ctx, tx, w, monthlyMinor, now)
	if err != nil || c == nil {
		return 0, err
	}
	// Rating would charge the unrated usage and release as much of the
	// commitment as it charges, never more than is left.
	charges, err := unratedCharges(ctx, tx, w.ID, now)
	if err != nil {
		return 0, err
	}
	released := min(charges, c.remaining)
	c.remaining -= released
	c.available.Minor -= charges - released
	return c.delta(), c.check(l.lang(ctx))
}

// Recommit moves workload w's budget commitment to a new monthly forecast
// in the caller's transaction (a migration's switch), exactly:
//
//  1. the workload's usage up to now is rated as Rate would rate it
//     (idempotently), so that what it consumed before the switch is
//     charged and released against the old commitment;
//  2. what is still committed is released (line release/<workload>/<key>);
//  3. the new forecast is committed from now to the end of the line's
//     fiscal year (line commit/<workload>/<key>), as Commit computes it.
//
// Afterwards the workload's commitment is what it would be had it been
// created now with the new forecast, and its commitment and release lines
// still sum to zero once it ends. It returns what the move took from the
// line's available (negative: freed), the change of its committed amount
// by steps 2 and 3, as RecommitDelta predicts it. Booking is idempotent on
// key: once commit/<workload>/<key> exists nothing more is booked. An
// increase the line does not have available books nothing and returns an
// *OverBudgetError (RecommitDelta). A workload whose budget was never
// committed changes nothing.
func (l *Ledger) Recommit(ctx context.Context, tx *store.Tx, w *model.Workload, monthlyMinor int64, key string) (int64, error) {
	commitID, releaseID := recommitIDs(w.ID, key)
	if done, err := tx.LedgerLineExists(ctx, commitID); err != nil || done {
		return 0, err
	}
	if done, err := tx.LedgerLineExists(ctx, commitKey(w.ID)); err != nil || !done {
		return 0, err
	}
	now := tx.Now()
	if err := l.rateWorkload(ctx, tx, w.ID, now); err != nil {
		return 0, err
	}
	c, err := l.recommitment(ctx, tx, w, monthlyMinor, now)
	if err != nil || c == nil {
		return 0, err
	}
	if err := c.check(l.lang(ctx)); err != nil {
		return 0, fmt.Errorf("re-committing workload %s: %w", w.ID, err)
	}
	lw, cur := c.lw, c.need.Currency
	line := func(id string, kind model.LedgerKind, amount int64, memo string) model.LedgerLine {
		return model.LedgerLine{ID: id, Kind: kind, BookedAt: now, Period: Month(now), InstitutionID: lw.InstitutionID,
			BudgetLineID: lw.BudgetLineID, ProjectID: lw.ProjectID, WorkloadID: w.ID, Currency: lw.Currency,
			AmountMinor: amount, ProviderCurrency: lw.Currency, ProviderMinor: amount, FXRate: "1", Memo: memo}
	}
	var lines []model.LedgerLine
	if c.remaining != 0 {
		lines = append(lines, line(releaseID, model.LedgerRelease, -c.remaining, "re-committed for a new forecast ("+key+")"))
	}
	// The commitment is booked even when zero (a fiscal year that has
	// ended): it is what makes a retried switch book nothing.
	lines = append(lines, line(commitID, model.LedgerCommitment, c.need.Minor,
		"forecast "+money.Amount{Minor: monthlyMinor, Currency: cur}.String()+"/month to end of "+fmt.Sprint(c.line.FiscalYear)+" ("+key+")"))
	// The increase was checked on totals read without a lock; at READ
	// COMMITTED (a resize, store.ReadCommitted) concurrent creates may
	// have taken it since: the booking re-checks in the statement that
	// raises the total and refuses as check would.
	if _, err := bookWithin(ctx, tx, lines, true); errors.Is(err, errNoLongerFits) {
		bals, berr := Balances(ctx, tx, []model.BudgetLine{c.line})
		if berr != nil {
			return 0, berr
		}
		c.available = bals[0].Available
		if err := c.check(l.lang(ctx)); err != nil {
			return 0, fmt.Errorf("re-committing workload %s: %w", w.ID, err)
		}
		return 0, fmt.Errorf("re-committing workload %s: %w", w.ID, err)
	} else if err != nil {
		return 0, err
	}
	if err := tx.SetLedgerForecast(ctx, w.ID, monthlyMinor); err != nil {
		return 0, err
	}
	return c.delta(), nil
}

// unratedCharges is what rating the workload's usage through now would
// charge (in the line's currency), booking nothing. Usage that cannot be
// priced yet counts nothing, as rating leaves it for later.
func unratedCharges(ctx context.Context, tx *store.Tx, workloadID string, now time.Time) (int64, error) {
	through := now.UTC().Truncate(time.Second)
	ivs, err := tx.WorkloadIntervals(ctx, workloadID)
	if err != nil {
		return 0, err
	}
	var (
		pb    *Pricebook
		total int64
	)
	for _, iv := range ivs {
		to := through
		if iv.End != nil && iv.End.Before(to) {
			to = *iv.End
		}
		if !iv.RatedTo.Before(to) {
			continue
		}
		if pb == nil {
			if pb, err = LoadPricebook(ctx, tx); err != nil {
				return 0, err
			}
		}
		cur, err := money.ParseCurrency(iv.Currency)
		if err != nil {
			return 0, err
		}
		segs, err := pb.IntervalSegments(&iv, cur, iv.RatedTo, to)
		if errors.Is(err, ErrNoPrice) || errors.Is(err, money.ErrNoRate) {
			continue
		}
		if err != nil {
			return 0, err
		}
		for _, sg := range segs {
			total += sg.National.Minor
		}
	}
	return total, nil
}

// rateWorkload rates one workload's usage through now (whole seconds), in
// the caller's transaction, exactly as Rate does. Usage that cannot be
// priced yet is left for a later run, as Rate leaves it.
func (l *Ledger) rateWorkload(ctx context.Context, tx *store.Tx, workloadID string, now time.Time) error {
	through := now.UTC().Truncate(time.Second)
	ivs, err := tx.WorkloadIntervals(ctx, workloadID)
	if err != nil {
		return err
	}
	due := ivs[:0]
	for _, iv := range ivs {
		to := through
		if iv.End != nil && iv.End.Before(to) {
			to = *iv.End
		}
		if iv.RatedTo.Before(to) {
			due = append(due, iv)
		}
	}
	if len(due) == 0 {
		return nil
	}
	pb, err := LoadPricebook(ctx, tx)
	if err != nil {
		return err
	}
	closed, err := loadClosed(ctx, tx)
	if err != nil {
		return err
	}
	res, err := rateBatch(ctx, tx, pb, closed, through, due)
	for _, u := range res.Unrated {
		l.log.WarnContext(ctx, "usage not rated", "interval", u.IntervalID, "workload", u.WorkloadID, "reason", u.Reason)
	}
	return err
}

// Reoffer records that workload id is metered at another offering's prices
// from now on (a resize), in the caller's transaction; the resize closes
// the replicas' intervals before and opens new ones after.
func (l *Ledger) Reoffer(ctx context.Context, tx *store.Tx, workloadID, offeringID string) error {
	return tx.SetLedgerOffering(ctx, workloadID, offeringID)
}
