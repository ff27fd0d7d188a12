package money

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
)

// Amount is booked money: an integer number of minor units (cents, centavos)
// of a currency. 1234.56 BRL is Amount{Minor: 123456, Currency: BRL}; 1235
// CLP is Amount{Minor: 1235, Currency: CLP}. Amounts come from parsing or from
// Exact.Round; arithmetic on them is exact and checked for overflow.
//
// In JSON an Amount is {"minor":123456,"currency":"BRL","value":"1234.56"}:
// minor is authoritative, value is the same number as a decimal string for
// people and for clients without 64-bit integers.
type Amount struct {
	Minor    int64
	Currency Currency
}

// ParseAmount parses a plain decimal ("1234.56", "-0.5", "1235") in the
// currency with ISO code code. More significant decimals than the currency
// has digits are refused with ErrTooManyDecimals ("1234.567" BRL, "1.5" CLP);
// trailing zeros are not significant ("1235.00" CLP is 1235 CLP).
func ParseAmount(s, code string) (Amount, error) {
	cur, err := ParseCurrency(code)
	if err != nil {
		return Amount{}, fmt.Errorf("parse amount %q: %w", clip(s), err)
	}
	return parseAmount(s, cur)
}

func parseAmount(s string, cur Currency) (Amount, error) {
	neg, ip, fp, err := scanDecimal(s)
	if err != nil {
		return Amount{}, fmt.Errorf("parse amount %q: %w", clip(s), err)
	}
	digits := cur.Digits()
	if trimmed := trimRightZeros(fp); len(trimmed) > digits {
		return Amount{}, fmt.Errorf("parse amount %q %s (%d decimals): %w", clip(s), cur, digits, ErrTooManyDecimals)
	} else if len(fp) > digits {
		fp = fp[:digits]
	}
	minor, ok := accumulate(0, ip)
	if ok {
		minor, ok = accumulate(minor, fp)
	}
	for i := len(fp); ok && i < digits; i++ {
		minor, ok = accumulate(minor, "0")
	}
	if !ok {
		return Amount{}, fmt.Errorf("parse amount %q %s: %w", clip(s), cur, ErrOverflow)
	}
	if neg {
		minor = -minor
	}
	return Amount{Minor: minor, Currency: cur}, nil
}

// Add returns a+b.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.Currency != b.Currency {
		return Amount{}, mismatch("add", a.Currency, b.Currency)
	}
	s := a.Minor + b.Minor
	if (s > a.Minor) != (b.Minor > 0) {
		return Amount{}, fmt.Errorf("add %s + %s: %w", a, b, ErrOverflow)
	}
	return Amount{Minor: s, Currency: a.Currency}, nil
}

// Sub returns a-b.
func (a Amount) Sub(b Amount) (Amount, error) {
	if a.Currency != b.Currency {
		return Amount{}, mismatch("sub", a.Currency, b.Currency)
	}
	s := a.Minor - b.Minor
	if (s < a.Minor) != (b.Minor > 0) {
		return Amount{}, fmt.Errorf("sub %s - %s: %w", a, b, ErrOverflow)
	}
	return Amount{Minor: s, Currency: a.Currency}, nil
}

// Neg returns -a; only math.MinInt64 minor units overflow.
func (a Amount) Neg() (Amount, error) {
	if a.Minor == math.MinInt64 {
		return Amount{}, fmt.Errorf("neg %s: %w", a, ErrOverflow)
	}
	return Amount{Minor: -a.Minor, Currency: a.Currency}, nil
}

// Cmp compares a and b of the same currency: -1, 0 or +1.
func (a Amount) Cmp(b Amount) (int, error) {
	if a.Currency != b.Currency {
		return 0, mismatch("compare", a.Currency, b.Currency)
	}
	switch {
	case a.Minor < b.Minor:
		return -1, nil
	case a.Minor > b.Minor:
		return 1, nil
	}
	return 0, nil
}

// IsZero reports whether a is zero minor units (of any currency).
func (a Amount) IsZero() bool { return a.Minor == 0 }

// Sign returns -1, 0 or +1.
func (a Amount) Sign() int {
	switch {
	case a.Minor < 0:
		return -1
	case a.Minor > 0:
		return 1
	}
	return 0
}

// DecimalString returns the value with exactly the currency's digits:
// "1234.56" for 123456 BRL, "1235" for 1235 CLP, "-0.05" for -5 USD.
func (a Amount) DecimalString() string {
	return string(appendFixed(nil, a.Minor, a.Currency.Digits()))
}

// String returns "BRL 1234.56"; use Format for people.
func (a Amount) String() string {
	return a.Currency.code + " " + a.DecimalString()
}

// Exact returns a as an Exact, to continue exact arithmetic.
func (a Amount) Exact() Exact {
	r := new(big.Rat).SetFrac64(a.Minor, pow10[a.Currency.digits])
	return Exact{r: r, cur: a.Currency}
}

type amountJSON struct {
	Minor    *int64   `json:"minor"`
	Currency Currency `json:"currency"`
	Value    *string  `json:"value"`
}

// MarshalJSON encodes {"minor":123456,"currency":"BRL","value":"1234.56"}.
func (a Amount) MarshalJSON() ([]byte, error) {
	v := a.DecimalString()
	return json.Marshal(amountJSON{Minor: &a.Minor, Currency: a.Currency, Value: &v})
}

// UnmarshalJSON requires a currency and at least one of minor and value;
// when both are present they must agree. value follows ParseAmount, so it
// cannot carry more decimals than the currency.
func (a *Amount) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var v amountJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("decode amount: %w", err)
	}
	if v.Currency.IsZero() {
		return fmt.Errorf("decode amount: currency is required: %w", ErrInvalidAmount)
	}
	out := Amount{Currency: v.Currency}
	switch {
	case v.Value != nil:
		p, err := parseAmount(*v.Value, v.Currency)
		if err != nil {
			return fmt.Errorf("decode amount: %w", err)
		}
		if v.Minor != nil && *v.Minor != p.Minor {
			return fmt.Errorf("decode amount: minor %d disagrees with value %q: %w", *v.Minor, clip(*v.Value), ErrInvalidAmount)
		}
		out = p
	case v.Minor != nil:
		out.Minor = *v.Minor
	default:
		return fmt.Errorf("decode amount: minor or value is required: %w", ErrInvalidAmount)
	}
	*a = out
	return nil
}

func mismatch(op string, a, b Currency) error {
	return fmt.Errorf("%s %s and %s: %w", op, label(a), label(b), ErrCurrencyMismatch)
}

// label names c in messages, where the zero Currency would print as nothing.
func label(c Currency) string {
	if c.IsZero() {
		return "no currency"
	}
	return c.code
}
