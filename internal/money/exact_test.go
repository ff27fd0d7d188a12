package money_test

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/money"
)

func dec(s string) money.Decimal { return money.MustParseDecimal(s) }

func TestRoundHalfEven(t *testing.T) {
	t.Parallel()
	cases := []struct {
		value string // in units
		cur   money.Currency
		even  int64 // minor units, HalfEven
		up    int64 // minor units, HalfUp
	}{
		{"0.5", money.CLP, 0, 1},
		{"1.5", money.CLP, 2, 2},
		{"2.5", money.CLP, 2, 3},
		{"-2.5", money.CLP, -2, -3},
		{"-0.5", money.CLP, 0, -1},
		{"-1.5", money.CLP, -2, -2},
		{"2.4999999", money.CLP, 2, 2},
		{"2.5000001", money.CLP, 3, 3},
		{"-2.5000001", money.CLP, -3, -3},
		{"1234", money.CLP, 1234, 1234},
		{"0.005", money.BRL, 0, 1},
		{"0.015", money.BRL, 2, 2},
		{"0.025", money.BRL, 2, 3},
		{"-0.025", money.BRL, -2, -3},
		{"1234.565", money.BRL, 123456, 123457},
		{"1234.575", money.BRL, 123458, 123458},
		{"1234.5649999", money.BRL, 123456, 123456},
		{"-1234.5650001", money.BRL, -123457, -123457},
		{"0", money.BRL, 0, 0},
	}
	for _, c := range cases {
		e := money.NewExact(dec(c.value), c.cur)
		if got := e.Round(money.HalfEven); got != (money.Amount{Minor: c.even, Currency: c.cur}) {
			t.Errorf("Round(%s %s, HalfEven) = %v, want %d", c.value, c.cur, got, c.even)
		}
		if got := e.Round(money.HalfUp); got != (money.Amount{Minor: c.up, Currency: c.cur}) {
			t.Errorf("Round(%s %s, HalfUp) = %v, want %d", c.value, c.cur, got, c.up)
		}
	}
	var zero money.RoundingMode
	if zero != money.HalfEven {
		t.Fatal("the zero RoundingMode must be HalfEven")
	}
}

func TestRoundThirds(t *testing.T) {
	t.Parallel()
	// 1 BRL / 3 cannot be written in decimals; it rounds to 33 centavos and
	// 2/3 to 67, exactly as on paper.
	third := money.NewExact(dec("1"), money.BRL).Mul(dec("0.5")).Mul(dec("0.5")) // 0.25
	if got := third.Round(money.HalfEven); got.Minor != 25 {
		t.Fatalf("0.25 → %v", got)
	}
	h := money.PerHour(dec("1"), money.BRL, 20*time.Minute) // 1/3 BRL
	if got := h.Round(money.HalfEven); got.Minor != 33 {
		t.Fatalf("1/3 → %v", got)
	}
	if got := h.Neg().Round(money.HalfEven); got.Minor != -33 {
		t.Fatalf("-1/3 → %v", got)
	}
	h2 := money.PerHour(dec("1"), money.BRL, 40*time.Minute)
	if got := h2.Round(money.HalfEven); got.Minor != 67 {
		t.Fatalf("2/3 → %v", got)
	}
	if s := h.String(); s != "BRL 1/3" {
		t.Fatalf("String = %s", s)
	}
}

func TestRoundOverflow(t *testing.T) {
	t.Parallel()
	huge := money.NewExact(dec("9223372036854775807"), money.BRL)
	if _, err := huge.RoundChecked(money.HalfEven); !errors.Is(err, money.ErrOverflow) {
		t.Fatalf("RoundChecked = %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Round did not panic on overflow")
		}
	}()
	huge.Round(money.HalfEven)
}

func TestRoundUnknownMode(t *testing.T) {
	t.Parallel()
	if _, err := money.NewExact(dec("1"), money.BRL).RoundChecked(money.RoundingMode(9)); err == nil {
		t.Fatal("unknown mode accepted")
	}
}

func TestPerHour(t *testing.T) {
	t.Parallel()
	price := dec("0.123456") // BRL per hour
	cases := []struct {
		d    time.Duration
		want *big.Rat // BRL
	}{
		{time.Hour, big.NewRat(123456, 1e6)},
		{time.Second, big.NewRat(123456, 1e6*3600)},
		{90 * time.Minute, big.NewRat(123456*3, 2e6)},
		{time.Second + 999*time.Millisecond, big.NewRat(123456, 1e6*3600)}, // whole seconds
		{730 * time.Hour, big.NewRat(123456*730, 1e6)},
		{0, new(big.Rat)},
		{-time.Hour, big.NewRat(-123456, 1e6)},
	}
	for _, c := range cases {
		got := money.PerHour(price, money.BRL, c.d)
		if got.Rat().Cmp(c.want) != 0 || got.Currency() != money.BRL {
			t.Errorf("PerHour(%s) = %s, want %s", c.d, got, c.want.RatString())
		}
	}
	// One second at 0.0036 BRL/h is exactly 0.000001 BRL; 3600 of them
	// are exactly the hourly price, with nothing lost to rounding.
	sec := money.PerHour(dec("0.0036"), money.BRL, time.Second)
	if sec.String() != "BRL 0.000001" {
		t.Fatalf("one second = %s", sec)
	}
	sum := money.NewExact(money.Decimal{}, money.BRL)
	for range 3600 {
		sum, _ = sum.Add(sec)
	}
	if sum.Rat().Cmp(dec("0.0036").Rat()) != 0 {
		t.Fatalf("3600 seconds = %s", sum)
	}
}

func TestMonthlyFromHourly(t *testing.T) {
	t.Parallel()
	m := money.MonthlyFromHourly(dec("0.041"), money.USD)
	if m.String() != "USD 29.93" || m.Round(money.HalfEven) != (money.Amount{Minor: 2993, Currency: money.USD}) {
		t.Fatalf("monthly = %s", m)
	}
	if money.HoursPerMonth*12 != 8760 {
		t.Fatal("730 h × 12 ≠ 8760 h")
	}
	// The monthly price equals the price of 730 hours.
	if money.PerHour(dec("0.041"), money.USD, money.HoursPerMonth*time.Hour).Rat().Cmp(m.Rat()) != 0 {
		t.Fatal("MonthlyFromHourly ≠ PerHour(730h)")
	}
}

func TestExactArithmetic(t *testing.T) {
	t.Parallel()
	a := money.NewExact(dec("1.25"), money.BRL)
	b := money.NewExact(dec("0.005"), money.BRL)
	sum, err := a.Add(b)
	if err != nil || sum.String() != "BRL 1.255" {
		t.Fatalf("Add = %s, %v", sum, err)
	}
	diff, err := b.Sub(a)
	if err != nil || diff.String() != "BRL -1.245" || diff.Sign() != -1 {
		t.Fatalf("Sub = %s, %v", diff, err)
	}
	if c, err := a.Cmp(b); err != nil || c != 1 {
		t.Fatalf("Cmp = %d, %v", c, err)
	}
	if got := a.Mul(dec("4")).String(); got != "BRL 5" {
		t.Fatalf("Mul = %s", got)
	}
	clp := money.NewExact(dec("1"), money.CLP)
	if _, err := a.Add(clp); !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Fatalf("Add BRL+CLP: %v", err)
	}
	if _, err := a.Sub(clp); !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Fatalf("Sub BRL-CLP: %v", err)
	}
	if _, err := a.Cmp(clp); !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Fatalf("Cmp BRL,CLP: %v", err)
	}
	var zero money.Exact
	if !zero.IsZero() || zero.Sign() != 0 || zero.Rat().Sign() != 0 {
		t.Fatal("zero Exact")
	}
	// Values are immutable: Rat hands out a copy.
	r := a.Rat()
	r.SetInt64(99)
	if a.String() != "BRL 1.25" {
		t.Fatalf("Rat aliased the value: %s", a)
	}
	if got := (money.Amount{Minor: 123456, Currency: money.BRL}).Exact().String(); got != "BRL 1234.56" {
		t.Fatalf("Amount.Exact = %s", got)
	}
}
