package money_test

import (
	"errors"
	"math"
	"math/big"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/soberana/soberana/internal/money"
)

var genCurrency = rapid.SampledFrom([]money.Currency{
	money.BRL, money.MXN, money.CLP, money.COP, money.ARS, money.PEN, money.UYU, money.USD,
})

// genDecimal draws decimals of every scale, ties and near-ties included.
var genDecimal = rapid.Custom(func(t *rapid.T) money.Decimal {
	d, err := money.NewDecimal(
		rapid.Int64Range(-1e15, 1e15).Draw(t, "coef"),
		rapid.IntRange(0, 10).Draw(t, "scale"),
	)
	if err != nil {
		t.Fatal(err)
	}
	return d
})

// genPrice draws per-hour prices below 10^11 with 0-6 decimals, so that a
// month of 50 lines stays within int64 minor units.
var genPrice = rapid.Custom(func(t *rapid.T) money.Decimal {
	d, err := money.NewDecimal(rapid.Int64Range(0, 1e11).Draw(t, "coef"), rapid.IntRange(0, 6).Draw(t, "scale"))
	if err != nil {
		t.Fatal(err)
	}
	return d
})

// genExact draws an exact value p/q in a currency, q up to 10^6, so that
// repeating fractions and exact halves both occur.
var genExact = rapid.Custom(func(t *rapid.T) money.Exact {
	cur := genCurrency.Draw(t, "currency")
	num := rapid.Int64Range(-1e12, 1e12).Draw(t, "num")
	den := rapid.Int64Range(1, 1e6).Draw(t, "den")
	return money.ExactFromRat(big.NewRat(num, den), cur)
})

func minorPerUnit(c money.Currency) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(c.Digits())), nil))
}

func secondsDuration(s int64) time.Duration { return time.Duration(s) * time.Second }

func TestPropAddSubInverse(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		cur := genCurrency.Draw(t, "currency")
		a := money.Amount{Minor: rapid.Int64().Draw(t, "a"), Currency: cur}
		b := money.Amount{Minor: rapid.Int64().Draw(t, "b"), Currency: cur}
		sum, err := a.Add(b)
		exact := new(big.Int).Add(big.NewInt(a.Minor), big.NewInt(b.Minor))
		if !exact.IsInt64() {
			if !errors.Is(err, money.ErrOverflow) {
				t.Fatalf("%v + %v: want overflow, got %v, %v", a, b, sum, err)
			}
			return
		}
		if err != nil || sum.Minor != exact.Int64() {
			t.Fatalf("%v + %v = %v, %v", a, b, sum, err)
		}
		back, err := sum.Sub(b)
		if err != nil || back != a {
			t.Fatalf("(%v + %v) - %v = %v, %v", a, b, b, back, err)
		}
		if n, err := a.Neg(); a.Minor != math.MinInt64 {
			if nn, _ := n.Neg(); err != nil || nn != a {
				t.Fatalf("-(-%v) = %v, %v", a, nn, err)
			}
		}
	})
}

// TestPropRoundingError: booking moves a value by at most half a minor unit,
// and only exact halves are resolved by the mode.
func TestPropRoundingError(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		e := genExact.Draw(t, "e")
		mode := rapid.SampledFrom([]money.RoundingMode{money.HalfEven, money.HalfUp}).Draw(t, "mode")
		a := e.Round(mode)
		if a.Currency != e.Currency() {
			t.Fatalf("currency changed: %v → %v", e, a)
		}
		// err = |a - e| in minor units ≤ 1/2
		diff := new(big.Rat).Sub(a.Exact().Rat(), e.Rat())
		diff.Mul(diff, minorPerUnit(e.Currency()))
		diff.Abs(diff)
		half := big.NewRat(1, 2)
		switch diff.Cmp(half) {
		case 1:
			t.Fatalf("%v rounds to %v: off by %s minor units", e, a, diff.RatString())
		case 0: // a tie: HalfEven lands on even, HalfUp away from zero
			if mode == money.HalfEven && a.Minor%2 != 0 {
				t.Fatalf("tie %v → odd %v", e, a)
			}
			if mode == money.HalfUp && new(big.Rat).Sub(a.Exact().Rat(), e.Rat()).Sign() != e.Sign() {
				t.Fatalf("tie %v → %v not away from zero", e, a)
			}
		}
	})
}

// TestPropSumOfRoundedParts documents the convention of the ledger: lines
// are rounded one by one and the total is the sum of the booked lines. That
// total may differ from rounding the exact sum, by at most (n+1)/2 minor
// units for n lines (each line is off by ≤ 1/2, the rounded sum by ≤ 1/2);
// with half-even the differences do not drift one way.
func TestPropSumOfRoundedParts(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		cur := genCurrency.Draw(t, "currency")
		price := genPrice.Draw(t, "price per hour")
		secs := rapid.SliceOfN(rapid.Int64Range(0, 31*24*3600), 1, 50).Draw(t, "seconds")
		var booked int64
		exactSum := money.NewExact(money.Decimal{}, cur)
		for _, s := range secs {
			line := money.PerHour(price, cur, secondsDuration(s))
			booked += line.Round(money.HalfEven).Minor
			exactSum, _ = exactSum.Add(line)
		}
		rounded := exactSum.Round(money.HalfEven).Minor
		diff := booked - rounded
		if diff < 0 {
			diff = -diff
		}
		if bound := int64(len(secs)+1) / 2; diff > bound {
			t.Fatalf("%d lines: Σround = %d, round(Σ) = %d, |diff| %d > %d", len(secs), booked, rounded, diff, bound)
		}
	})
}

func TestPropDecimalRoundTrip(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		d := genDecimal.Draw(t, "d")
		back, err := money.ParseDecimal(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDecimal(%s) = %v, %v", d, back, err)
		}
		r, ok := new(big.Rat).SetString(d.String())
		if !ok || r.Cmp(d.Rat()) != 0 {
			t.Fatalf("%s: Rat %s", d, d.Rat())
		}
	})
}

func TestPropConvertInverseIsExact(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		e := money.NewExact(genDecimal.Draw(t, "amount"), money.USD)
		v := genDecimal.Filter(func(d money.Decimal) bool { return d.Sign() > 0 }).Draw(t, "rate")
		table, err := money.NewRateTable(money.Rate{From: money.USD, To: money.BRL, Value: v, Date: day("2025-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		there, _ := table.Lookup(money.USD, money.BRL, day("2025-06-01"))
		back, _ := table.LookupOrInverse(money.BRL, money.USD, day("2025-06-01"))
		brl, err := money.Convert(e, there)
		if err != nil {
			t.Fatal(err)
		}
		usd, err := money.Convert(brl, back)
		if err != nil || usd.Rat().Cmp(e.Rat()) != 0 || usd.Currency() != money.USD {
			t.Fatalf("%s → %s → %s, %v", e, brl, usd, err)
		}
	})
}
