package money

import (
	"fmt"
	"math/big"
	"time"
)

// HoursPerMonth is the billing month: 8760 hours a year / 12 = 730 hours,
// the same for every month so that a monthly price does not depend on the
// calendar (February is not cheaper).
const HoursPerMonth = 730

// Exact is an unrounded, exact quantity of a currency: the result of
// pricing and conversion before booking. It holds any rational number
// (a third of a cent included); only Round turns it into an Amount.
//
// Exact is an immutable value: methods return new values and never modify
// their receiver or arguments, so Exacts may be shared between goroutines.
// The zero Exact is 0 with no currency.
type Exact struct {
	r   *big.Rat // nil means 0; never mutated once built
	cur Currency
}

// NewExact returns d units (not minor units) of cur: NewExact("1234.5678",
// BRL) is 1234.5678 BRL, unrounded.
func NewExact(d Decimal, cur Currency) Exact {
	return Exact{r: d.Rat(), cur: cur}
}

// ExactFromRat returns r units of cur, for values persisted as a fraction
// (Exact.Rat().RatString()). r is copied.
func ExactFromRat(r *big.Rat, cur Currency) Exact {
	return Exact{r: new(big.Rat).Set(r), cur: cur}
}

// PerHour prices d at price per hour: price × seconds/3600, exact. The
// duration counts whole seconds (sub-second remainders are dropped, toward
// zero), which is the billing granularity.
func PerHour(price Decimal, cur Currency, d time.Duration) Exact {
	secs := int64(d / time.Second)
	num := new(big.Int).Mul(big.NewInt(price.coef), big.NewInt(secs))
	den := new(big.Int).Mul(big.NewInt(pow10[price.scale]), big.NewInt(3600))
	return Exact{r: new(big.Rat).SetFrac(num, den), cur: cur}
}

// MonthlyFromHourly returns the price of a month at price per hour, using
// the 730-hour billing month (HoursPerMonth).
func MonthlyFromHourly(price Decimal, cur Currency) Exact {
	r := price.Rat()
	r.Mul(r, big.NewRat(HoursPerMonth, 1))
	return Exact{r: r, cur: cur}
}

func (e Exact) rat() *big.Rat {
	if e.r == nil {
		return new(big.Rat)
	}
	return e.r
}

// Currency returns the currency of e.
func (e Exact) Currency() Currency { return e.cur }

// Rat returns a copy of the value of e in units (not minor units).
func (e Exact) Rat() *big.Rat { return new(big.Rat).Set(e.rat()) }

// Sign returns -1, 0 or +1.
func (e Exact) Sign() int {
	if e.r == nil {
		return 0
	}
	return e.r.Sign()
}

// IsZero reports whether e is 0.
func (e Exact) IsZero() bool { return e.Sign() == 0 }

// Add returns e+o; both must be in the same currency.
func (e Exact) Add(o Exact) (Exact, error) {
	if e.cur != o.cur {
		return Exact{}, mismatch("add", e.cur, o.cur)
	}
	return Exact{r: new(big.Rat).Add(e.rat(), o.rat()), cur: e.cur}, nil
}

// Sub returns e-o; both must be in the same currency.
func (e Exact) Sub(o Exact) (Exact, error) {
	if e.cur != o.cur {
		return Exact{}, mismatch("sub", e.cur, o.cur)
	}
	return Exact{r: new(big.Rat).Sub(e.rat(), o.rat()), cur: e.cur}, nil
}

// Neg returns -e.
func (e Exact) Neg() Exact {
	return Exact{r: new(big.Rat).Neg(e.rat()), cur: e.cur}
}

// Mul returns e × d (a quantity, a discount factor, a tax rate).
func (e Exact) Mul(d Decimal) Exact {
	return Exact{r: new(big.Rat).Mul(e.rat(), d.Rat()), cur: e.cur}
}

// Cmp compares e and o of the same currency: -1, 0 or +1.
func (e Exact) Cmp(o Exact) (int, error) {
	if e.cur != o.cur {
		return 0, mismatch("compare", e.cur, o.cur)
	}
	return e.rat().Cmp(o.rat()), nil
}

// String returns "BRL 0.001", or "BRL 1/3" when the value has no finite
// decimal expansion. It is for logs; use Round and Format for people.
func (e Exact) String() string {
	r := e.rat()
	if r.IsInt() {
		return e.cur.code + " " + r.Num().String()
	}
	// A fraction p/q has a finite decimal expansion iff q = 2^a·5^b, and
	// then needs max(a, b) decimals.
	q := new(big.Int).Set(r.Denom())
	twos := q.TrailingZeroBits()
	q.Rsh(q, twos)
	fives := uint(0)
	five, m := big.NewInt(5), new(big.Int)
	for {
		d, rem := new(big.Int).QuoRem(q, five, m)
		if rem.Sign() != 0 {
			break
		}
		q = d
		fives++
	}
	if q.Cmp(big.NewInt(1)) != 0 {
		return e.cur.code + " " + r.RatString()
	}
	return e.cur.code + " " + r.FloatString(int(max(twos, fives)))
}

// RoundingMode says how Round resolves a value exactly halfway between two
// minor units. Values closer to one neighbour always go to it.
type RoundingMode uint8

const (
	// HalfEven rounds ties to the even minor unit (banker's rounding): 0.5
	// → 0, 1.5 → 2, 2.5 → 2, -2.5 → -2. It is the zero value and the
	// default: ties up and down balance out over many lines.
	HalfEven RoundingMode = iota
	// HalfUp rounds ties away from zero (the "commercial" rounding of
	// BigDecimal.ROUND_HALF_UP): 2.5 → 3, -2.5 → -3. Use it only where a
	// contract or regulation demands it.
	HalfUp
)

// String returns "half-even" or "half-up".
func (m RoundingMode) String() string {
	switch m {
	case HalfEven:
		return "half-even"
	case HalfUp:
		return "half-up"
	}
	return fmt.Sprintf("RoundingMode(%d)", uint8(m))
}

// Round books e: rounds it to the currency's minor unit with mode. It
// panics if the result exceeds int64 minor units (about 9.2×10^16 BRL) or
// mode is unknown; where the input is not already bounded, use RoundChecked.
func (e Exact) Round(mode RoundingMode) Amount {
	a, err := e.RoundChecked(mode)
	if err != nil {
		panic(err)
	}
	return a
}

// RoundChecked is Round reporting ErrOverflow instead of panicking.
func (e Exact) RoundChecked(mode RoundingMode) (Amount, error) {
	if mode != HalfEven && mode != HalfUp {
		return Amount{}, fmt.Errorf("round %s: unknown %s", e, mode)
	}
	r := e.rat()
	num := new(big.Int).Mul(r.Num(), big.NewInt(pow10[e.cur.digits]))
	den := r.Denom()
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int)) // truncates toward zero
	if rem.Sign() != 0 {
		// Compare the dropped part |rem|/den with one half.
		c := rem.Abs(rem).Lsh(rem, 1).Cmp(den)
		if c > 0 || (c == 0 && (mode == HalfUp || q.Bit(0) == 1)) {
			q.Add(q, big.NewInt(int64(num.Sign()))) // away from zero
		}
	}
	if !q.IsInt64() {
		return Amount{}, fmt.Errorf("round %s: %w", e, ErrOverflow)
	}
	return Amount{Minor: q.Int64(), Currency: e.cur}, nil
}
