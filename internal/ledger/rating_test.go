package ledger_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
)

func TestPriceChangeMidMonthSplitsTheInterval(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{amountMinor: 1_000_000_00, perHour: "1.5"})
	f.price("2.25", "2026-11-16")
	_, p := f.running(1000_00, time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC))
	f.stop(p, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	f.rateThrough(day("2026-12-01"))
	cs := f.lines(model.LedgerCharge)
	if len(cs) != 2 {
		t.Fatalf("%d charge lines, want 2 (split at the price change)", len(cs))
	}
	// 5.5 days × 24 × 1.5 = 198.00; 4 days × 24 × 2.25 = 216.00
	if cs[0].AmountMinor+cs[1].AmountMinor != 414_00 {
		t.Fatalf("charges %d + %d", cs[0].AmountMinor, cs[1].AmountMinor)
	}
	for _, c := range cs {
		want := int64(198_00)
		if c.UnitPrice == "2.25" {
			want = 216_00
		}
		if c.AmountMinor != want || c.Period != "2026-11" || c.FXRate != "1" || c.PriceID == "" {
			t.Fatalf("charge line %+v", c)
		}
	}
}

func TestRateChangeMidMonthAndConversion(t *testing.T) {
	t.Parallel()
	// A USD price list billed to a BRL institution; the rate changes on the 15th.
	f := newFixture(t, sqlite(t), setup{amountMinor: 1_000_000_00, provCurrency: "USD", perHour: "0.1"})
	f.rate("USD", "BRL", "5", "2026-11-01")
	f.rate("USD", "BRL", "5.5", "2026-11-15")
	f.running(1000_00, day("2026-11-01"))
	f.rateThrough(day("2026-12-01"))
	cs := f.lines(model.LedgerCharge)
	if len(cs) != 2 {
		t.Fatalf("%d charge lines, want 2", len(cs))
	}
	// 14 days = 336 h × 0.1 = 33.60 USD × 5 = 168.00 BRL; 16 days = 384 h → 38.40 USD × 5.5 = 211.20 BRL
	want := map[string][3]int64{"5": {33_60, 168_00}, "5.5": {38_40, 211_20}}
	for _, c := range cs {
		wv, ok := want[c.FXRate]
		if !ok || c.ProviderMinor != wv[0] || c.AmountMinor != wv[1] || c.ProviderCurrency != "USD" || c.Currency != "BRL" {
			t.Fatalf("charge %+v", c)
		}
		if (c.FXRate == "5" && c.FXDate != "2026-11-01") || (c.FXRate == "5.5" && c.FXDate != "2026-11-15") {
			t.Fatalf("rate date recorded %q for %s", c.FXDate, c.FXRate)
		}
	}
}

func TestCLPInstitutionRoundsToWholePesos(t *testing.T) {
	t.Parallel()
	// A BRL price list, a CLP institution; CLP has no minor unit.
	f := newFixture(t, sqlite(t), setup{currency: "CLP", provCurrency: "BRL", amountMinor: 100_000_000, perHour: "0.333"})
	f.rate("BRL", "CLP", "175.07", "2026-01-01")
	_, p := f.running(100_000, day("2026-11-01"))
	f.stop(p, day("2026-11-01").Add(7*time.Hour+30*time.Minute+1*time.Second))
	f.rateThrough(day("2026-12-01"))
	cs := f.lines(model.LedgerCharge)
	if len(cs) != 1 {
		t.Fatalf("%d charges", len(cs))
	}
	// 27001 s × 0.333/3600 = 2.497592… BRL → 2.50 BRL; × 175.07 = 437.2536… CLP → 437
	if c := cs[0]; c.ProviderMinor != 250 || c.AmountMinor != 437 || c.Currency != "CLP" || c.Seconds != 27001 {
		t.Fatalf("charge %+v", c)
	}
}

func TestInverseRateIsMarked(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{currency: "BRL", provCurrency: "CLP", amountMinor: 100_000_00, perHour: "100"})
	f.rate("BRL", "CLP", "200", "2026-01-01") // only the other direction is published
	_, p := f.running(10_00, day("2026-11-01"))
	f.stop(p, day("2026-11-01").Add(10*time.Hour))
	f.rateThrough(day("2026-12-01"))
	c := f.lines(model.LedgerCharge)[0]
	// 1000 CLP / 200 = 5.00 BRL
	if c.ProviderMinor != 1000 || c.AmountMinor != 5_00 || !c.FXInverse || c.FXRate != "200" {
		t.Fatalf("charge %+v", c)
	}
}

func TestMonthBoundariesAndLeapDay(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{amountMinor: 1_000_000_00, perHour: "1", year: 2028})
	_, p := f.running(730_00, time.Date(2028, 1, 31, 23, 0, 0, 0, time.UTC))
	f.stop(p, time.Date(2028, 3, 1, 1, 0, 0, 0, time.UTC))
	f.rateThrough(day("2028-04-01"))
	got := map[string]int64{}
	for _, c := range f.lines(model.LedgerCharge) {
		got[c.Period] += c.Seconds
	}
	// 1 h in January, all 29 days of February 2028, 1 h in March.
	if got["2028-01"] != 3600 || got["2028-02"] != 29*24*3600 || got["2028-03"] != 3600 {
		t.Fatalf("seconds per month: %v", got)
	}
}

// TestRatingIsIdempotent: a crash between closing an interval and rating
// it, or a rating whose progress was lost, books nothing twice.
func TestRatingIsIdempotent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{amountMinor: 1_000_000_00, perHour: "1"})
	f.price("2", "2026-11-10")
	_, p := f.running(730_00, day("2026-11-01"))
	f.start(p, day("2026-11-02")) // a retried Start is a no-op
	f.stop(p, day("2026-11-20"))
	f.stop(p, day("2026-11-21")) // and so is a retried Stop
	// Rating in two steps, then again from scratch.
	f.rateThrough(day("2026-11-05"))
	f.rateThrough(day("2026-12-01"))
	first := f.lines()
	again := f.rateThrough(day("2026-12-01"))
	if again.Charges != 0 || again.Intervals != 0 {
		t.Fatalf("second run: %+v", again)
	}
	// Lose the progress marker, as a crash after booking but before
	// recording it would: rating again still books nothing.
	if _, err := f.s.DB().Exec(`UPDATE usage_intervals SET rated_to = start_at`); err != nil {
		t.Fatal(err)
	}
	// Re-rating from the start in the same steps hits the same keys.
	f.rateThrough(day("2026-11-05"))
	f.rateThrough(day("2026-12-01"))
	if after := f.lines(); len(after) != len(first) {
		t.Fatalf("%d lines after re-rating, %d before", len(after), len(first))
	}
	// 19 days: 9 at 1/h (216) + 10 at 2/h (480) = 696.00
	if c := sum(f.lines(model.LedgerCharge)); c != 696_00 {
		t.Fatalf("charged %d", c)
	}
	f.balance()
}

func TestCloseMonthIsImmutable(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{amountMinor: 1_000_000_00, perHour: "1"})
	ctx := context.Background()
	w, _ := f.running(730_00, day("2026-10-31"))

	f.clock.Set(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC))
	if _, err := f.l.Close(ctx, "2026-11", f.ins.ID, "test"); !errors.Is(err, ledger.ErrMonthNotEnded) {
		t.Fatalf("closing a running month: %v", err)
	}
	f.clock.Set(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	c, err := f.l.Close(ctx, "2026-11", f.ins.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	if c.Rated.Charges != 2 { // Oct 31 and November
		t.Fatalf("close rated %+v", c.Rated)
	}
	before, err := ledger.InstitutionStatement(ctx, f.s.Read(), f.ins.ID, "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	if !before.Closed || before.Total == nil || before.Total.Minor != 30*24*1_00 {
		t.Fatalf("closed statement %+v", before)
	}
	if _, err := f.l.Close(ctx, "2026-11", f.ins.ID, "test"); !errors.Is(err, ledger.ErrMonthClosed) {
		t.Fatalf("second close: %v", err)
	}
	// Usage of November that shows up late goes to December.
	late := f.placement(w, 1)
	f.start(late, day("2026-11-30"))
	f.stop(late, day("2026-11-30").Add(2*time.Hour))
	f.rateThrough(day("2026-12-02"))
	after, err := ledger.InstitutionStatement(ctx, f.s.Read(), f.ins.ID, "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	if after.Total.Minor != before.Total.Minor {
		t.Fatalf("closed month changed: %s → %s", before.Total, after.Total)
	}
	dec, err := ledger.InstitutionStatement(ctx, f.s.Read(), f.ins.ID, "2026-12")
	if err != nil {
		t.Fatal(err)
	}
	if dec.Total == nil || dec.Total.Minor != (24+2)*1_00 { // Dec 1 (24 h) + 2 late hours
		t.Fatalf("december %+v", dec)
	}
}

func TestMonthToDate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{amountMinor: 1_000_000_00, perHour: "1"})
	ctx := context.Background()
	w, _ := f.running(730_00, day("2026-10-30"))
	now := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	mtd, err := ledger.MonthToDate(ctx, f.s.Read(), w.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if mtd != amt(60_00, "BRL") {
		t.Fatalf("month to date before rating: %s", mtd)
	}
	f.rateThrough(day("2026-11-02"))
	if mtd2, err := ledger.MonthToDate(ctx, f.s.Read(), w.ID, now); err != nil || mtd2 != mtd {
		t.Fatalf("month to date after partial rating: %s (%v), want %s", mtd2, err, mtd)
	}
	if _, err := ledger.MonthToDate(ctx, f.s.Read(), "wl_unknown", now); !errors.Is(err, ledger.ErrUnknownWorkload) {
		t.Fatalf("unknown workload: %v", err)
	}
}

func TestProviderStatement(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{amountMinor: 1_000_000_00, provCurrency: "USD", perHour: "1"})
	f.rate("USD", "BRL", "5", "2026-01-01")
	ctx := context.Background()
	_, p := f.running(730_00, day("2026-11-01"))
	f.stop(p, day("2026-11-02"))
	f.rateThrough(day("2026-12-01"))
	st, err := ledger.ProviderStatement(ctx, f.s.Read(), f.provider.ID, "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	if st.Total == nil || *st.Total != amt(24_00, "USD") || len(st.ByInstitution) != 1 || st.Lines[0].Amount != amt(120_00, "BRL") {
		t.Fatalf("provider statement %+v", st)
	}
}
