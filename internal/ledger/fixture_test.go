package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/clock"
	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// fixture is one institution with a line and a project, one provider with
// an offering, and a ledger, on a fresh store.
type fixture struct {
	t        testing.TB
	s        *store.Store
	l        *ledger.Ledger
	clock    *clock.Fake
	ins      model.Institution
	line     model.BudgetLine
	project  model.Project
	provider model.Provider
	offering model.Offering
}

type setup struct {
	currency     string // institution's
	provCurrency string
	amountMinor  int64
	overdraft    bool
	perHour      string
	priceFrom    string
	year         int
}

func newFixture(t testing.TB, s *store.Store, o setup) *fixture {
	t.Helper()
	if o.currency == "" {
		o.currency = "BRL"
	}
	if o.provCurrency == "" {
		o.provCurrency = o.currency
	}
	if o.perHour == "" {
		o.perHour = "1"
	}
	if o.year == 0 {
		o.year = 2026
	}
	if o.priceFrom == "" {
		o.priceFrom = "2020-01-01"
	}
	ctx := context.Background()
	f := &fixture{t: t, s: s, clock: clock.NewFake(time.Date(o.year, 1, 1, 0, 0, 0, 0, time.UTC))}
	s.SetClock(f.clock.Now)
	f.l = ledger.New(s, ledger.Options{})
	err := s.InTx(ctx, func(tx *store.Tx) error {
		f.ins = model.Institution{Name: "Inst " + o.currency, Country: "BR", Currency: o.currency, AllowOverdraftRequests: o.overdraft}
		if err := tx.Institutions().Create(ctx, &f.ins, "ins"); err != nil {
			return err
		}
		f.line = model.BudgetLine{InstitutionID: f.ins.ID, FiscalYear: o.year, Code: "10.302", Name: "nuvem", Currency: o.currency, AmountMinor: o.amountMinor}
		if err := tx.BudgetLines().Create(ctx, &f.line, "bl"); err != nil {
			return err
		}
		f.project = model.Project{InstitutionID: f.ins.ID, BudgetLineID: f.line.ID, Name: "saude"}
		if err := tx.Projects().Create(ctx, &f.project, "prj"); err != nil {
			return err
		}
		f.provider = model.Provider{Name: "prov " + o.provCurrency, Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: o.provCurrency, Health: "healthy"}
		if err := tx.Providers().Create(ctx, &f.provider, "prv"); err != nil {
			return err
		}
		f.offering = model.Offering{Name: "SCS-2V-4", Kind: model.KindVM, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 20}
		if err := tx.Offerings().Create(ctx, &f.offering, "off"); err != nil {
			return err
		}
		p := model.Price{ProviderID: f.provider.ID, OfferingID: f.offering.ID, Currency: o.provCurrency, PerHour: o.perHour, ValidFrom: o.priceFrom}
		return tx.Prices().Create(ctx, &p, "prc")
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) price(perHour, from string) {
	f.t.Helper()
	ctx := context.Background()
	p := model.Price{ProviderID: f.provider.ID, OfferingID: f.offering.ID, Currency: f.provider.Currency, PerHour: perHour, ValidFrom: from}
	if err := f.s.InTx(ctx, func(tx *store.Tx) error { return tx.Prices().Create(ctx, &p, "prc") }); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) rate(from, to, value, on string) {
	f.t.Helper()
	ctx := context.Background()
	r := model.FXRate{From: from, To: to, Rate: value, ValidOn: on, Source: "test"}
	if err := f.s.InTx(ctx, func(tx *store.Tx) error { return tx.FXRates().Create(ctx, &r, "fx") }); err != nil {
		f.t.Fatal(err)
	}
}

// workload returns an unsaved workload of the fixture's project.
func (f *fixture) workload(monthlyMinor int64) *model.Workload {
	return &model.Workload{Meta: model.Meta{ID: model.NewID("wl")}, ProjectID: f.project.ID, InstitutionID: f.ins.ID,
		BudgetLineID: f.line.ID, WorkloadPolicy: model.WorkloadPolicy{OfferingID: f.offering.ID, Replicas: 1}, Currency: f.ins.Currency,
		ForecastMonthlyMinor: monthlyMinor, State: model.StatePendingApproval}
}

// committed is a workload of the monthly forecast, committed.
func (f *fixture) committed(monthlyMinor int64) *model.Workload {
	f.t.Helper()
	w := f.workload(monthlyMinor)
	f.mustCommit(w)
	return w
}

func (f *fixture) commit(w *model.Workload) error {
	f.t.Helper()
	ctx := context.Background()
	return f.s.InTx(ctx, func(tx *store.Tx) error {
		out, err := f.l.Commit(ctx, tx, w)
		if err == nil && out.NeedsApproval {
			return errNeedsApproval
		}
		return err
	})
}

// commitIn commits w in a write transaction (store.Write) under ctx, as
// creates do; a request that needs approval is errNeedsApproval.
func (f *fixture) commitIn(ctx context.Context, w *model.Workload) error {
	return f.s.Write(ctx, func(tx *store.Tx) error {
		out, err := f.l.Commit(ctx, tx, w)
		if err == nil && out.NeedsApproval {
			return errNeedsApproval
		}
		return err
	})
}

// cutWithoutReason sets the line's amount in tx, giving no reason for a
// reduction: CheckAmount refuses a cut below what the line carries.
func cutWithoutReason(ctx context.Context, tx *store.Tx, old model.BudgetLine, amountMinor int64) error {
	next := old
	next.AmountMinor = amountMinor
	if _, err := ledger.CheckAmount(ctx, tx, old, next, ledger.Reduction{}); err != nil {
		return err
	}
	return tx.BudgetLines().Update(ctx, &next)
}

func (f *fixture) mustCommit(w *model.Workload) {
	f.t.Helper()
	if err := f.commit(w); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) placement(w *model.Workload, replica int) *model.Placement {
	return &model.Placement{Meta: model.Meta{ID: model.NewID("pl")}, WorkloadID: w.ID, Replica: replica,
		SiteID: "site_1", ProviderID: f.provider.ID, State: model.PlacementRunning}
}

func (f *fixture) start(p *model.Placement, at time.Time) {
	f.t.Helper()
	ctx := context.Background()
	if err := f.s.InTx(ctx, func(tx *store.Tx) error { return f.l.Start(ctx, tx, p, at) }); err != nil {
		f.t.Fatal(err)
	}
}

// running is a committed workload of the monthly forecast whose replica
// 0 started at at.
func (f *fixture) running(monthlyMinor int64, at time.Time) (*model.Workload, *model.Placement) {
	f.t.Helper()
	w := f.committed(monthlyMinor)
	p := f.placement(w, 0)
	f.start(p, at)
	return w, p
}

// statements runs fn in one transaction and returns how many statements
// it ran, with fn's error.
func (f *fixture) statements(fn func(ctx context.Context, tx *store.Tx) error) (int, error) {
	ctx, log := store.LogStatements(context.Background())
	err := f.s.InTx(ctx, func(tx *store.Tx) error { return fn(ctx, tx) })
	return log.Len(), err
}

// intervals lists w's usage intervals by placement.
func (f *fixture) intervals(w *model.Workload) map[string][]store.UsageInterval {
	f.t.Helper()
	ivs, err := f.s.Read().WorkloadIntervals(context.Background(), w.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	m := map[string][]store.UsageInterval{}
	for _, iv := range ivs {
		m[iv.PlacementID] = append(m[iv.PlacementID], iv)
	}
	return m
}

func (f *fixture) stop(p *model.Placement, at time.Time) {
	f.t.Helper()
	ctx := context.Background()
	if err := f.s.InTx(ctx, func(tx *store.Tx) error { return f.l.Stop(ctx, tx, p, at) }); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) release(w *model.Workload) {
	f.t.Helper()
	ctx := context.Background()
	if err := f.s.InTx(ctx, func(tx *store.Tx) error { return f.l.Release(ctx, tx, w) }); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) rateThrough(at time.Time) ledger.RateResult {
	f.t.Helper()
	res, err := f.l.Rate(context.Background(), at, "")
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

func (f *fixture) lines(kinds ...model.LedgerKind) []model.LedgerLine {
	f.t.Helper()
	ls, err := f.s.Read().LedgerLines(context.Background(), store.LedgerFilter{InstitutionID: f.ins.ID, Kinds: kinds})
	if err != nil {
		f.t.Fatal(err)
	}
	return ls
}

func (f *fixture) balance() ledger.Balance {
	f.t.Helper()
	ctx := context.Background()
	line, err := f.s.Read().BudgetLines().Get(ctx, f.line.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	b, err := ledger.Balances(ctx, f.s.Read(), []model.BudgetLine{line})
	if err != nil {
		f.t.Fatal(err)
	}
	// The running totals always equal the sums of the ledger.
	drift, err := f.s.Read().BalanceDrift(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(drift) > 0 {
		f.t.Fatalf("budget balance drifted from the ledger: %+v", drift)
	}
	return b[0]
}

func sum(ls []model.LedgerLine) int64 {
	var n int64
	for _, l := range ls {
		n += l.AmountMinor
	}
	return n
}

func amt(minor int64, code string) money.Amount {
	c, err := money.ParseCurrency(code)
	if err != nil {
		panic(err)
	}
	return money.Amount{Minor: minor, Currency: c}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func sqlite(t testing.TB) *store.Store { return storetest.SQLite(t) }

type sentinel string

func (s sentinel) Error() string { return string(s) }

const errNeedsApproval = sentinel("needs approval")
