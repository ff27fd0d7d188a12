package money

import (
	"database/sql/driver"
	"fmt"
	"math"
	"math/big"
	"strconv"
)

// MaxDecimalScale is the most fractional digits a Decimal holds: enough for
// per-second prices (6) and published exchange rates (10) with room to spare.
const MaxDecimalScale = 18

// Decimal is an exact decimal number for unit prices and exchange rates:
// coef × 10^-scale with an int64 coefficient. It is kept canonical (no
// trailing fractional zeros, zero has scale 0), so == compares values, the
// zero value is 0, and Decimal is a valid map key. It encodes as a string in
// JSON, text and SQL (TEXT column) and never passes through a binary float.
type Decimal struct {
	coef  int64 // never math.MinInt64, so Neg cannot overflow
	scale uint8
}

var pow10 = [MaxDecimalScale + 1]int64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
}

// NewDecimal returns coef × 10^-scale, for example NewDecimal(12345, 4) is
// 1.2345. scale must be within [0, MaxDecimalScale].
func NewDecimal(coef int64, scale int) (Decimal, error) {
	if scale < 0 || scale > MaxDecimalScale || coef == math.MinInt64 {
		return Decimal{}, fmt.Errorf("new decimal %de-%d: %w", coef, scale, ErrOverflow)
	}
	return normalize(coef, uint8(scale)), nil
}

// DecimalFromInt returns n as a Decimal. n must not be math.MinInt64.
func DecimalFromInt(n int64) Decimal {
	d, err := NewDecimal(n, 0)
	if err != nil {
		panic(err)
	}
	return d
}

// MustParseDecimal is ParseDecimal for constants in code and tests; it
// panics on error.
func MustParseDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func normalize(coef int64, scale uint8) Decimal {
	if coef == 0 {
		return Decimal{}
	}
	for scale > 0 && coef%10 == 0 {
		coef /= 10
		scale--
	}
	return Decimal{coef: coef, scale: scale}
}

// ParseDecimal parses a plain decimal: an optional '-', one or more digits,
// and optionally '.' followed by one or more digits ("12", "-1.5",
// "0.123456"). Signs '+', exponents, NaN, Inf, spaces, grouping and empty
// input are rejected with ErrInvalidDecimal; values beyond an int64
// coefficient or MaxDecimalScale with ErrOverflow.
func ParseDecimal(s string) (Decimal, error) {
	neg, ip, fp, err := scanDecimal(s)
	if err != nil {
		return Decimal{}, fmt.Errorf("parse decimal %q: %w", clip(s), err)
	}
	fp = trimRightZeros(fp)
	if len(fp) > MaxDecimalScale {
		return Decimal{}, fmt.Errorf("parse decimal %q: more than %d decimals: %w", clip(s), MaxDecimalScale, ErrOverflow)
	}
	coef, ok := accumulate(0, ip)
	if ok {
		coef, ok = accumulate(coef, fp)
	}
	if !ok {
		return Decimal{}, fmt.Errorf("parse decimal %q: %w", clip(s), ErrOverflow)
	}
	if neg {
		coef = -coef
	}
	return normalize(coef, uint8(len(fp))), nil
}

// scanDecimal splits s into sign, integer digits and fraction digits.
func scanDecimal(s string) (neg bool, ip, fp string, err error) {
	if s != "" && s[0] == '-' {
		neg, s = true, s[1:]
	}
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	ip, s = s[:i], s[i:]
	if ip == "" {
		return false, "", "", ErrInvalidDecimal
	}
	if s == "" {
		return neg, ip, "", nil
	}
	if s[0] != '.' {
		return false, "", "", ErrInvalidDecimal
	}
	s = s[1:]
	for i = 0; i < len(s) && isDigit(s[i]); i++ {
	}
	if i == 0 || i != len(s) {
		return false, "", "", ErrInvalidDecimal
	}
	return neg, ip, s, nil
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func trimRightZeros(s string) string {
	for s != "" && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return s
}

// accumulate appends decimal digits to the non-negative n, reporting false
// when the result exceeds math.MaxInt64.
func accumulate(n int64, digits string) (int64, bool) {
	for i := 0; i < len(digits); i++ {
		d := int64(digits[i] - '0')
		if n > (math.MaxInt64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// String returns the canonical form: no exponent, no trailing fractional
// zeros, no "-0" ("1.5", "-0.000123", "12").
func (d Decimal) String() string {
	return string(d.appendText(make([]byte, 0, 24)))
}

func (d Decimal) appendText(b []byte) []byte {
	return appendFixed(b, d.coef, int(d.scale))
}

// appendFixed appends coef × 10^-scale with exactly scale decimals.
func appendFixed(b []byte, coef int64, scale int) []byte {
	if coef < 0 {
		b = append(b, '-')
	}
	var buf [24]byte
	digits := strconv.AppendUint(buf[:0], absU64(coef), 10)
	if len(digits) <= scale {
		b = append(b, '0', '.')
		for range scale - len(digits) {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	cut := len(digits) - scale
	b = append(b, digits[:cut]...)
	if scale > 0 {
		b = append(b, '.')
		b = append(b, digits[cut:]...)
	}
	return b
}

func absU64(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1
	}
	return uint64(n)
}

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	switch {
	case d.coef < 0:
		return -1
	case d.coef > 0:
		return 1
	}
	return 0
}

// IsZero reports whether d is 0.
func (d Decimal) IsZero() bool { return d.coef == 0 }

// Neg returns -d.
func (d Decimal) Neg() Decimal { return Decimal{coef: -d.coef, scale: d.scale} }

// Scale returns the number of fractional digits of the canonical form.
func (d Decimal) Scale() int { return int(d.scale) }

// Cmp compares d and e: -1 if d < e, 0 if equal, +1 if d > e.
func (d Decimal) Cmp(e Decimal) int {
	if d.scale == e.scale {
		switch {
		case d.coef < e.coef:
			return -1
		case d.coef > e.coef:
			return 1
		}
		return 0
	}
	return d.Rat().Cmp(e.Rat())
}

// Rat returns d as a new big.Rat.
func (d Decimal) Rat() *big.Rat {
	return new(big.Rat).SetFrac64(d.coef, pow10[d.scale])
}

// MarshalText encodes d in canonical form.
func (d Decimal) MarshalText() ([]byte, error) { return d.appendText(nil), nil }

// UnmarshalText parses the ParseDecimal syntax.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := ParseDecimal(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON encodes d as a JSON string ("0.123456") so that no client
// reads it into a binary float.
func (d Decimal) MarshalJSON() ([]byte, error) {
	b := append(make([]byte, 0, 26), '"')
	b = d.appendText(b)
	return append(b, '"'), nil
}

// UnmarshalJSON accepts a JSON string in ParseDecimal syntax, and also a
// bare JSON number written in that syntax (its text is parsed exactly, never
// through a float); exponents are refused either way.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil // encoding/json convention: null leaves the value alone
	}
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	return d.UnmarshalText(b)
}

// Value stores d as canonical TEXT. Declare the column TEXT: a NUMERIC or
// REAL column would hand the value to a binary float.
func (d Decimal) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a decimal stored as TEXT (or an INTEGER). NULL is an error; use
// sql.Null[Decimal] for nullable columns. A REAL is refused: a binary float
// has already lost the exact value.
func (d *Decimal) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	case int64:
		if v == math.MinInt64 {
			return fmt.Errorf("scan decimal %d: %w", v, ErrOverflow)
		}
		*d = Decimal{coef: v}
		return nil
	case nil:
		return fmt.Errorf("scan decimal: NULL: %w", ErrInvalidDecimal)
	default:
		return fmt.Errorf("scan decimal: unsupported type %T (declare the column TEXT): %w", src, ErrInvalidDecimal)
	}
}
