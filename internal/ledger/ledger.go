package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// Compile-time guards: the ledger is the workload service's budget and meter.
var (
	_ workload.Budget = (*Ledger)(nil)
	_ workload.Meter  = (*Ledger)(nil)
	// the recorder and a resize meter their replicas in batches
	_ workload.BatchMeter = (*Ledger)(nil)
	// a resize moves the commitment as a migration's switch does
	_ workload.Recommitter = (*Ledger)(nil)
)

// Options tune a Ledger.
type Options struct {
	// Lang returns the caller's language from a request context (the API's
	// api.Lang), for reasons stored with a workload; nil means i18n.Default.
	Lang func(ctx context.Context) i18n.Lang
	// Log receives rating problems (usage without a price or rate).
	Log *slog.Logger
	// RateBatch is how many intervals one rating transaction books
	// (default 5000).
	RateBatch int
}

// Ledger books commitments, usage and charges on one store.
type Ledger struct {
	st        *store.Store
	lang      func(ctx context.Context) i18n.Lang
	log       *slog.Logger
	rateBatch int
}

// New returns a ledger over st.
func New(st *store.Store, o Options) *Ledger {
	l := &Ledger{st: st, lang: o.Lang, log: o.Log, rateBatch: o.RateBatch}
	if l.lang == nil {
		l.lang = func(context.Context) i18n.Lang { return i18n.Default }
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if l.rateBatch <= 0 {
		l.rateBatch = 5000
	}
	return l
}

// Thresholds are the percentages of a budget line (committed + accrued)
// at which an alert fires, once each.
var Thresholds = []int64{50, 80, 100}

// Balance is a budget line's derived figures.
type Balance struct {
	BudgetLineID string       `json:"budget_line_id"`
	Amount       money.Amount `json:"amount"`
	Committed    money.Amount `json:"committed"`
	Accrued      money.Amount `json:"accrued"`
	// Available is Amount − Committed − Accrued; negative only after an
	// approved overdraft.
	Available money.Amount `json:"available"`
}

// Balances derives committed, accrued and available for budget lines.
func Balances(ctx context.Context, tx *store.Tx, lines []model.BudgetLine) ([]Balance, error) {
	ids := make([]string, len(lines))
	for i, l := range lines {
		ids[i] = l.ID
	}
	sums, err := tx.BudgetBalances(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Balance, len(lines))
	for i, l := range lines {
		cur, err := money.ParseCurrency(l.Currency)
		if err != nil {
			return nil, fmt.Errorf("budget line %s: %w", l.ID, err)
		}
		s := sums[l.ID]
		out[i] = Balance{
			BudgetLineID: l.ID,
			Amount:       money.Amount{Minor: l.AmountMinor, Currency: cur},
			Committed:    money.Amount{Minor: s.CommittedMinor, Currency: cur},
			Accrued:      money.Amount{Minor: s.AccruedMinor, Currency: cur},
			Available:    money.Amount{Minor: l.AmountMinor - s.CommittedMinor - s.AccruedMinor, Currency: cur},
		}
	}
	return out, nil
}

// book appends lines, then moves the running totals of their budget lines
// by what was actually inserted and fires the alerts those totals reach.
// It returns the ids inserted (already-booked lines are skipped).
func book(ctx context.Context, tx *store.Tx, lines []model.LedgerLine) (map[string]bool, error) {
	return bookWithin(ctx, tx, lines, false)
}

// errNoLongerFits is bookWithin's refusal: the lines would raise a budget
// line's committed amount beyond what the line has.
var errNoLongerFits = errors.New("the budget line no longer has the increase available")

// bookWithin is book; with within, a line's committed total rises only
// if it still fits the line's amount, checked by the statement that moves
// it (store.ReserveBudget, with the line held FOR SHARE), so a check made
// earlier on totals read without a lock (a re-commitment at READ
// COMMITTED, beside concurrent creates) cannot overdraw the line: a
// refusal is errNoLongerFits and the caller's transaction must roll back.
func bookWithin(ctx context.Context, tx *store.Tx, lines []model.LedgerLine, within bool) (map[string]bool, error) {
	if len(lines) == 0 {
		return nil, nil
	}
	inserted, err := tx.InsertLedgerLines(ctx, lines)
	if err != nil {
		return nil, err
	}
	type delta struct{ committed, accrued int64 }
	deltas := map[string]*delta{}
	var order []string
	for i := range lines {
		l := &lines[i]
		if !inserted[l.ID] {
			continue
		}
		d := deltas[l.BudgetLineID]
		if d == nil {
			d = &delta{}
			deltas[l.BudgetLineID] = d
			order = append(order, l.BudgetLineID)
		}
		switch l.Kind {
		case model.LedgerCommitment, model.LedgerRelease:
			d.committed += l.AmountMinor
		default:
			d.accrued += l.AmountMinor
		}
	}
	for _, id := range order {
		d := deltas[id]
		if within && d.committed > 0 {
			got, err := tx.LockBudgetLineForCommit(ctx, id)
			if err != nil {
				return nil, err
			}
			_, ok, err := tx.ReserveBudget(ctx, id, d.committed, got.Line.AmountMinor, false)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("budget line %s: %w", id, errNoLongerFits)
			}
			d.committed = 0
			if d.accrued == 0 {
				continue
			}
		}
		if err := tx.AddBudgetBalance(ctx, id, d.committed, d.accrued); err != nil {
			return nil, err
		}
	}
	if err := checkAlerts(ctx, tx, order); err != nil {
		return nil, err
	}
	return inserted, nil
}

// checkAlerts records every threshold the lines' committed + accrued has
// reached; a threshold already recorded for a line does not fire again.
func checkAlerts(ctx context.Context, tx *store.Tx, lineIDs []string) error {
	if len(lineIDs) == 0 {
		return nil
	}
	sums, err := tx.BudgetBalances(ctx, lineIDs)
	if err != nil {
		return err
	}
	for _, id := range lineIDs {
		line, err := tx.BudgetLines().Get(ctx, id)
		if err != nil {
			return err
		}
		if err := alertLine(ctx, tx, line, sums[id].CommittedMinor+sums[id].AccruedMinor); err != nil {
			return err
		}
	}
	return nil
}

// alertLine records every threshold of line that used (committed +
// accrued) has reached.
func alertLine(ctx context.Context, tx *store.Tx, line model.BudgetLine, used int64) error {
	if used <= 0 {
		return nil
	}
	u100 := new(big.Int).Mul(big.NewInt(used), big.NewInt(100))
	for _, th := range Thresholds {
		if u100.Cmp(new(big.Int).Mul(big.NewInt(line.AmountMinor), big.NewInt(th))) < 0 {
			break
		}
		if _, err := tx.InsertBudgetAlert(ctx, &model.BudgetAlert{ID: model.NewID("ba"), InstitutionID: line.InstitutionID,
			BudgetLineID: line.ID, Threshold: th, UsedMinor: used, AmountMinor: line.AmountMinor, Currency: line.Currency}); err != nil {
			return err
		}
	}
	return nil
}

// Month returns the YYYY-MM of t in UTC.
func Month(t time.Time) string { return t.UTC().Format("2006-01") }

// ParseMonth returns the first instant of a YYYY-MM month (UTC).
func ParseMonth(s string) (time.Time, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: %w", s, ErrInvalidMonth)
	}
	return t.UTC(), nil
}

func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
