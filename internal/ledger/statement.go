package ledger

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/store"
)

// Statement is a month's charges: for an institution (per budget line,
// project and provider) or for a provider (what each institution owes it).
// Totals are sums of the lines, which are sums of booked ledger lines, so
// they add up exactly.
type Statement struct {
	Month         string          `json:"month"`
	InstitutionID string          `json:"institution_id,omitempty"`
	ProviderID    string          `json:"provider_id,omitempty"`
	Closed        bool            `json:"closed"`
	ClosedAt      *time.Time      `json:"closed_at,omitempty"`
	Lines         []StatementLine `json:"lines"`
	// Total is in the institution's currency (institution view) or the
	// provider's price-list currency (provider view); Totals lists every
	// currency when a view has more than one.
	Total  *money.Amount  `json:"total,omitempty"`
	Totals []money.Amount `json:"totals"`
	// Subtotals of the institution view.
	ByBudgetLine []Subtotal `json:"by_budget_line,omitempty"`
	ByProject    []Subtotal `json:"by_project,omitempty"`
	ByProvider   []Subtotal `json:"by_provider,omitempty"`
	// Subtotals of the provider view, in the provider's currency.
	ByInstitution []Subtotal `json:"by_institution,omitempty"`
}

// StatementLine sums the charges of one budget line, project and provider.
type StatementLine struct {
	InstitutionID  string       `json:"institution_id"`
	BudgetLineID   string       `json:"budget_line_id"`
	BudgetLineCode string       `json:"budget_line_code"`
	ProjectID      string       `json:"project_id"`
	ProjectName    string       `json:"project_name,omitempty"`
	ProviderID     string       `json:"provider_id"`
	ProviderName   string       `json:"provider_name,omitempty"`
	UsageSeconds   int64        `json:"usage_seconds"`
	LedgerLines    int64        `json:"ledger_lines"`
	ProviderAmount money.Amount `json:"provider_amount"`
	Amount         money.Amount `json:"amount"`
}

// Subtotal is the sum of the statement lines sharing an id.
type Subtotal struct {
	ID     string       `json:"id"`
	Name   string       `json:"name,omitempty"`
	Amount money.Amount `json:"amount"`
}

// InstitutionStatement is an institution's statement of month.
func InstitutionStatement(ctx context.Context, tx *store.Tx, institutionID, month string) (Statement, error) {
	return statement(ctx, tx, "institution", institutionID, month)
}

// ProviderStatement is what each institution owes a provider for month.
func ProviderStatement(ctx context.Context, tx *store.Tx, providerID, month string) (Statement, error) {
	return statement(ctx, tx, "provider", providerID, month)
}

func statement(ctx context.Context, tx *store.Tx, by, id, month string) (Statement, error) {
	if _, err := ParseMonth(month); err != nil {
		return Statement{}, err
	}
	st := Statement{Month: month, Lines: []StatementLine{}, Totals: []money.Amount{}}
	if by == "provider" {
		if _, err := tx.Providers().Get(ctx, id); err != nil {
			return st, err
		}
		st.ProviderID = id
	} else {
		if _, err := tx.Institutions().Get(ctx, id); err != nil {
			return st, err
		}
		st.InstitutionID = id
	}
	rows, err := tx.StatementRows(ctx, by, id, month)
	if err != nil {
		return st, err
	}
	names := namer{ctx: ctx, tx: tx, cache: map[string]string{}}
	for _, r := range rows {
		pc, err := money.ParseCurrency(r.ProviderCurrency)
		if err != nil {
			return st, err
		}
		nc, err := money.ParseCurrency(r.Currency)
		if err != nil {
			return st, err
		}
		st.Lines = append(st.Lines, StatementLine{
			InstitutionID: r.InstitutionID, BudgetLineID: r.BudgetLineID, BudgetLineCode: names.budgetLine(r.BudgetLineID),
			ProjectID: r.ProjectID, ProjectName: names.project(r.ProjectID),
			ProviderID: r.ProviderID, ProviderName: names.provider(r.ProviderID),
			UsageSeconds: r.Seconds, LedgerLines: r.Lines,
			ProviderAmount: money.Amount{Minor: r.ProviderMinor, Currency: pc},
			Amount:         money.Amount{Minor: r.AmountMinor, Currency: nc},
		})
	}
	if err := names.err; err != nil {
		return st, err
	}
	// The amount a view totals: national for institutions, the provider's
	// own currency for providers.
	amountOf := func(l StatementLine) money.Amount { return l.Amount }
	if by == "provider" {
		amountOf = func(l StatementLine) money.Amount { return l.ProviderAmount }
	}
	if st.Totals, err = totals(st.Lines, amountOf); err != nil {
		return st, err
	}
	if len(st.Totals) == 1 {
		st.Total = &st.Totals[0]
	}
	if by == "provider" {
		st.ByInstitution, err = subtotals(st.Lines, func(l StatementLine) (string, string) {
			return l.InstitutionID, names.institution(l.InstitutionID)
		}, amountOf)
	} else {
		if st.ByBudgetLine, err = subtotals(st.Lines, func(l StatementLine) (string, string) { return l.BudgetLineID, l.BudgetLineCode }, amountOf); err != nil {
			return st, err
		}
		if st.ByProject, err = subtotals(st.Lines, func(l StatementLine) (string, string) { return l.ProjectID, l.ProjectName }, amountOf); err != nil {
			return st, err
		}
		st.ByProvider, err = subtotals(st.Lines, func(l StatementLine) (string, string) { return l.ProviderID, l.ProviderName }, amountOf)
	}
	if err != nil {
		return st, err
	}
	if err := names.err; err != nil {
		return st, err
	}
	cs, err := tx.Closures(ctx)
	if err != nil {
		return st, err
	}
	for _, c := range cs {
		if c.Month == month && (c.InstitutionID == "" || (by == "institution" && c.InstitutionID == id)) {
			at := c.ClosedAt
			st.Closed, st.ClosedAt = true, &at
		}
	}
	return st, nil
}

// totals sums amounts per currency, in currency-code order.
func totals(lines []StatementLine, amountOf func(StatementLine) money.Amount) ([]money.Amount, error) {
	by := map[money.Currency]money.Amount{}
	for _, l := range lines {
		a := amountOf(l)
		t, ok := by[a.Currency]
		if !ok {
			t = money.Amount{Currency: a.Currency}
		}
		sum, err := t.Add(a)
		if err != nil {
			return nil, err
		}
		by[a.Currency] = sum
	}
	out := make([]money.Amount, 0, len(by))
	for _, a := range by {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency.Code() < out[j].Currency.Code() })
	return out, nil
}

func subtotals(lines []StatementLine, key func(StatementLine) (string, string), amountOf func(StatementLine) money.Amount) ([]Subtotal, error) {
	idx := map[[2]string]int{}
	var out []Subtotal
	for _, l := range lines {
		id, name := key(l)
		a := amountOf(l)
		k := [2]string{id, a.Currency.Code()}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Subtotal{ID: id, Name: name, Amount: money.Amount{Currency: a.Currency}})
		}
		sum, err := out[i].Amount.Add(a)
		if err != nil {
			return nil, err
		}
		out[i].Amount = sum
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// namer looks up display names once per id.
type namer struct {
	ctx   context.Context
	tx    *store.Tx
	cache map[string]string
	err   error
}

func (n *namer) get(id string, load func() (string, error)) string {
	if id == "" {
		return ""
	}
	if v, ok := n.cache[id]; ok {
		return v
	}
	v, err := load()
	if err != nil && !errors.Is(err, store.ErrNotFound) && n.err == nil {
		n.err = err
	}
	n.cache[id] = v
	return v
}

func (n *namer) budgetLine(id string) string {
	return n.get(id, func() (string, error) { b, err := n.tx.BudgetLines().Get(n.ctx, id); return b.Code, err })
}

func (n *namer) project(id string) string {
	return n.get(id, func() (string, error) { p, err := n.tx.Projects().Get(n.ctx, id); return p.Name, err })
}

func (n *namer) provider(id string) string {
	return n.get(id, func() (string, error) { p, err := n.tx.Providers().Get(n.ctx, id); return p.Name, err })
}

func (n *namer) institution(id string) string {
	return n.get(id, func() (string, error) { i, err := n.tx.Institutions().Get(n.ctx, id); return i.Name, err })
}

// CSVHeader is the first row of a statement export.
var CSVHeader = []string{"month", "institution_id", "budget_line_id", "budget_line_code", "project_id", "project_name",
	"provider_id", "provider_name", "usage_seconds", "ledger_lines", "provider_currency", "provider_amount",
	"currency", "amount"}

// WriteCSV writes the statement's lines, one row each, with amounts as
// plain decimals with exactly the currency's digits ("1234.56", "1235"):
// the form a government financial system imports. The total is the sum of
// the amount column.
func WriteCSV(w io.Writer, st Statement) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, l := range st.Lines {
		rec := []string{st.Month, l.InstitutionID, l.BudgetLineID, l.BudgetLineCode, l.ProjectID, l.ProjectName,
			l.ProviderID, l.ProviderName, strconv.FormatInt(l.UsageSeconds, 10), strconv.FormatInt(l.LedgerLines, 10),
			l.ProviderAmount.Currency.Code(), l.ProviderAmount.DecimalString(), l.Amount.Currency.Code(), l.Amount.DecimalString()}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Closure is the outcome of closing a month.
type Closure struct {
	Month         string     `json:"month"`
	InstitutionID string     `json:"institution_id,omitempty"`
	ClosedAt      time.Time  `json:"closed_at"`
	ClosedBy      string     `json:"closed_by"`
	Rated         RateResult `json:"rated"`
}

// Close rates all usage up to the end of month and then closes it, for one
// institution or (institutionID "") for all. Nothing is booked into a
// closed month afterwards: late usage goes to the first open month. A month
// can only be closed once it has ended.
func (l *Ledger) Close(ctx context.Context, month, institutionID, by string) (Closure, error) {
	start, err := ParseMonth(month)
	if err != nil {
		return Closure{}, err
	}
	end := start.AddDate(0, 1, 0)
	if l.st.Now().Before(end) {
		return Closure{}, fmt.Errorf("closing %s: %w", month, ErrMonthNotEnded)
	}
	rd := l.st.Read()
	if institutionID != "" {
		if _, err := rd.Institutions().Get(ctx, institutionID); err != nil {
			return Closure{}, err
		}
	}
	closed, err := loadClosed(ctx, rd)
	if err != nil {
		return Closure{}, err
	}
	if closed[[2]string{"", month}] || closed[[2]string{institutionID, month}] {
		return Closure{}, fmt.Errorf("closing %s: %w", month, ErrMonthClosed)
	}
	rated, err := l.Rate(ctx, end, institutionID)
	if err != nil {
		return Closure{}, fmt.Errorf("rating %s before closing it: %w", month, err)
	}
	c := store.StatementClosure{InstitutionID: institutionID, Month: month, ClosedBy: by}
	err = l.st.InTx(ctx, func(tx *store.Tx) error { return tx.CloseMonth(ctx, &c) })
	if errors.Is(err, store.ErrDuplicate) {
		return Closure{}, fmt.Errorf("closing %s: %w", month, ErrMonthClosed)
	}
	if err != nil {
		return Closure{}, err
	}
	return Closure{Month: month, InstitutionID: institutionID, ClosedAt: c.ClosedAt, ClosedBy: by, Rated: rated}, nil
}

// MonthToDate is a workload's cost in the month of now: the charges booked
// into that month plus the usage not yet rated, priced as rating will book
// it. Call it with the store's read handle or inside a transaction.
func MonthToDate(ctx context.Context, tx *store.Tx, workloadID string, now time.Time) (money.Amount, error) {
	c, err := WorkloadCost(ctx, tx, workloadID, now)
	return c.MonthToDate, err
}

// Cost is a workload's cost as GET /v1/workloads/{id} shows it.
type Cost struct {
	Ledger      store.LedgerWorkload
	MonthToDate money.Amount
	// Committed is the commitment still encumbered.
	Committed money.Amount
}

// WorkloadCost is MonthToDate with the workload's ledger attributes and
// its remaining commitment, in one statement (store.WorkloadCostReads)
// plus the price book when usage is not yet rated.
func WorkloadCost(ctx context.Context, tx *store.Tx, workloadID string, now time.Time) (Cost, error) {
	now = now.UTC().Truncate(time.Second)
	in, err := tx.WorkloadCostReads(ctx, workloadID, Month(now), bookedKinds)
	return costOf(ctx, tx, workloadID, in, err, now)
}

// bookedKinds are the kinds of line a month-to-date cost sums.
var bookedKinds = [2]model.LedgerKind{model.LedgerCharge, model.LedgerAdjustment}

// WorkloadWithCost reads a workload with its placements, timeline and
// cost inputs (store.Tx.WorkloadViewReads: one round trip on PostgreSQL)
// and computes its cost as WorkloadCost does; known is false when the
// ledger does not know the workload.
func WorkloadWithCost(ctx context.Context, tx *store.Tx, workloadID string, now time.Time) (in store.WorkloadViewInputs, c Cost, known bool, err error) {
	now = now.UTC().Truncate(time.Second)
	if in, err = tx.WorkloadViewReads(ctx, workloadID, Month(now), bookedKinds); err != nil {
		return in, Cost{}, false, err
	}
	switch c, err = costOf(ctx, tx, workloadID, in.Cost, in.CostErr, now); {
	case err == nil:
		return in, c, true, nil
	case errors.Is(err, ErrUnknownWorkload):
		return in, Cost{}, false, nil
	}
	return in, Cost{}, false, err
}

// costOf is a workload's Cost from its inputs as read (err: the read's
// error).
func costOf(ctx context.Context, tx *store.Tx, workloadID string, in store.WorkloadCostInputs, err error, now time.Time) (Cost, error) {
	if errors.Is(err, store.ErrNotFound) {
		return Cost{}, fmt.Errorf("month-to-date of %s: %w", workloadID, ErrUnknownWorkload)
	}
	if err != nil {
		return Cost{}, err
	}
	cur, err := money.ParseCurrency(in.Ledger.Currency)
	if err != nil {
		return Cost{}, err
	}
	mtd, err := monthToDate(ctx, tx, in.Intervals, money.Amount{Minor: in.BookedMinor, Currency: cur}, now)
	if err != nil {
		return Cost{}, err
	}
	return Cost{Ledger: in.Ledger, MonthToDate: mtd, Committed: money.Amount{Minor: in.RemainingMinor, Currency: cur}}, nil
}

// monthToDate adds to what is booked this month the unrated usage of the
// workload's intervals up to now.
func monthToDate(ctx context.Context, tx *store.Tx, ivs []store.UsageInterval, total money.Amount, now time.Time) (money.Amount, error) {
	cur := total.Currency
	var (
		pb  *Pricebook
		err error
	)
	from := monthStart(now)
	for _, iv := range ivs {
		a := maxTime(iv.RatedTo, from)
		b := now
		if iv.End != nil && iv.End.Before(b) {
			b = *iv.End
		}
		if !a.Before(b) {
			continue
		}
		if pb == nil {
			// Prices and exchange rates change rarely and the price book
			// depends on nothing else (no clock): it is read once per
			// change, not at every read of a running workload's cost.
			if pb, err = store.PriceMemo(ctx, tx, LoadPricebook); err != nil {
				return total, err
			}
		}
		segs, err := pb.IntervalSegments(&iv, cur, a, b)
		if err != nil {
			return total, err
		}
		for _, s := range segs {
			if total, err = total.Add(s.National); err != nil {
				return total, err
			}
		}
	}
	return total, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
