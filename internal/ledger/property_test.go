package ledger_test

import (
	"context"
	"flag"
	"fmt"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/store"
)

// TestLedgerProperties generates institutions, price and rate changes,
// workloads and their run intervals, rates them in random steps, deletes
// some workloads, and checks the ledger's invariants:
//   - a statement's total equals the sum of its lines, and of the ledger's
//     charge lines for the month;
//   - charges never exceed what intervals and prices imply: each interval
//     is charged for exactly its seconds, and each line is the half-even
//     rounding of price × seconds × rate;
//   - a deleted workload's commitment plus releases is zero, and no
//     workload ever has a negative commitment left;
//   - the budget balance equals the ledger's sums.
func TestLedgerProperties(t *testing.T) {
	t.Parallel()
	// Each check opens and migrates a database: 30 checks keep the suite
	// quick under -race; an explicit -rapid.checks other than the default
	// still wins.
	if f := flag.Lookup("rapid.checks"); f != nil && f.Value.String() == f.DefValue {
		_ = f.Value.Set("30")
		defer func() { _ = f.Value.Set(f.DefValue) }()
	}
	dir := t.TempDir()
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		ctx := context.Background()
		s, err := store.Open(ctx, filepath.Join(dir, fmt.Sprintf("p%d.db", n)))
		if err != nil {
			rt.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Migrate(ctx); err != nil {
			rt.Fatal(err)
		}
		natCode := rapid.SampledFrom([]string{"BRL", "CLP", "MXN"}).Draw(rt, "national")
		provCode := rapid.SampledFrom([]string{natCode, "USD"}).Draw(rt, "provider currency")
		f := newFixture(t, s, setup{currency: natCode, provCurrency: provCode, amountMinor: 1 << 50,
			perHour: decimal(rt, "price"), priceFrom: "2026-01-01"})
		month0 := day("2026-10-01")
		for i, d := range days(rt, "price days") {
			f.price(decimal(rt, fmt.Sprint("price", i)), d)
		}
		if provCode != natCode {
			f.rate(provCode, natCode, decimal(rt, "rate"), "2026-01-01")
			for i, d := range days(rt, "rate days") {
				f.rate(provCode, natCode, decimal(rt, fmt.Sprint("rate", i)), d)
			}
		}
		horizon := month0.AddDate(0, 3, 0)
		type run struct{ from, to time.Time }
		runs := map[string]run{}
		var deleted []string
		for w := range rapid.IntRange(1, 4).Draw(rt, "workloads") {
			wl := f.workload(rapid.Int64Range(0, 5_000_00).Draw(rt, "forecast"))
			f.mustCommit(wl)
			for r := range rapid.IntRange(1, 2).Draw(rt, "replicas") {
				p := f.placement(wl, r)
				from := month0.Add(time.Duration(rapid.Int64Range(0, 80*24*3600).Draw(rt, "start")) * time.Second)
				to := from.Add(time.Duration(rapid.Int64Range(1, 40*24*3600).Draw(rt, "length")) * time.Second)
				if to.After(horizon) {
					to = horizon
				}
				f.start(p, from)
				f.stop(p, to)
				runs[p.ID] = run{from, to}
			}
			if rapid.Bool().Draw(rt, fmt.Sprint("delete", w)) {
				deleted = append(deleted, wl.ID)
			}
		}
		for range rapid.IntRange(0, 3).Draw(rt, "rating steps") {
			f.rateThrough(month0.Add(time.Duration(rapid.Int64Range(0, 92*24*3600).Draw(rt, "through")) * time.Second))
		}
		f.rateThrough(horizon)
		for _, id := range deleted {
			wl := f.workload(0)
			wl.ID = id
			f.release(wl)
		}
		f.rateThrough(horizon) // nothing left; releases stay balanced

		// Charges: exactly the seconds run, each line priced exactly.
		charges := f.lines(model.LedgerCharge)
		var want, got int64
		for _, c := range charges {
			got += c.Seconds
			checkCharge(rt, c)
		}
		for _, r := range runs {
			want += int64(r.to.Sub(r.from) / time.Second)
		}
		if got != want {
			rt.Fatalf("charged %d seconds, ran %d", got, want)
		}

		// Statements add up, month by month.
		for m := month0; m.Before(horizon); m = m.AddDate(0, 1, 0) {
			st, err := ledger.InstitutionStatement(ctx, s.Read(), f.ins.ID, ledger.Month(m))
			if err != nil {
				rt.Fatal(err)
			}
			var lines, ledgerSum int64
			for _, l := range st.Lines {
				lines += l.Amount.Minor
			}
			for _, c := range charges {
				if c.Period == ledger.Month(m) {
					ledgerSum += c.AmountMinor
				}
			}
			total := int64(0)
			if st.Total != nil {
				total = st.Total.Minor
			}
			if total != lines || total != ledgerSum {
				rt.Fatalf("%s: total %d, lines %d, ledger %d", st.Month, total, lines, ledgerSum)
			}
		}

		// Commitments: never overdrawn per workload, zero once deleted.
		var wids []string
		for _, c := range f.lines(model.LedgerCommitment) {
			wids = append(wids, c.WorkloadID)
		}
		rem, err := s.Read().RemainingCommitments(ctx, wids)
		if err != nil {
			rt.Fatal(err)
		}
		for id, v := range rem {
			if v < 0 {
				rt.Fatalf("workload %s has %d left committed", id, v)
			}
		}
		for _, id := range deleted {
			if rem[id] != 0 {
				rt.Fatalf("deleted workload %s keeps %d committed", id, rem[id])
			}
		}
		f.balance()
	})
}

// days draws up to 3 distinct days in October to December 2026.
func days(rt *rapid.T, label string) []string {
	ds := rapid.SliceOfNDistinct(rapid.IntRange(1, 90), 0, 3, rapid.ID[int]).Draw(rt, label)
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = day("2026-10-01").AddDate(0, 0, d).Format(time.DateOnly)
	}
	return out
}

// decimal draws a positive price or rate with up to 6 decimals.
func decimal(rt *rapid.T, label string) string {
	coef := rapid.Int64Range(1, 10_000_000).Draw(rt, label)
	d, err := money.NewDecimal(coef, rapid.IntRange(0, 6).Draw(rt, label+" scale"))
	if err != nil {
		rt.Fatal(err)
	}
	return d.String()
}

// checkCharge recomputes a charge line from its own record with big.Rat:
// provider amount = round(price × seconds / 3600), national = round(exact
// provider amount × rate, or ÷ rate when inverse), both half-even.
func checkCharge(rt *rapid.T, c model.LedgerLine) {
	price, _ := new(big.Rat).SetString(c.UnitPrice)
	exact := new(big.Rat).Mul(price, big.NewRat(c.Seconds, 3600))
	pc, _ := money.ParseCurrency(c.ProviderCurrency)
	nc, _ := money.ParseCurrency(c.Currency)
	if got := money.ExactFromRat(exact, pc).Round(money.HalfEven).Minor; got != c.ProviderMinor {
		rt.Fatalf("%s: provider amount %d, want %d", c.ID, c.ProviderMinor, got)
	}
	rate, _ := new(big.Rat).SetString(c.FXRate)
	if c.FXInverse {
		rate.Inv(rate)
	}
	nat := new(big.Rat).Mul(exact, rate)
	if got := money.ExactFromRat(nat, nc).Round(money.HalfEven).Minor; got != c.AmountMinor {
		rt.Fatalf("%s: national amount %d, want %d", c.ID, c.AmountMinor, got)
	}
	if c.Seconds <= 0 || c.UsageTo.Sub(c.UsageFrom) != time.Duration(c.Seconds)*time.Second {
		rt.Fatalf("%s: %d seconds for %s → %s", c.ID, c.Seconds, c.UsageFrom, c.UsageTo)
	}
}
