package money_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/soberana/soberana/internal/money"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	cases := []struct {
		s, code string
		want    money.Amount
	}{
		{"1234.56", "BRL", money.Amount{Minor: 123456, Currency: money.BRL}},
		{"1234.5", "BRL", money.Amount{Minor: 123450, Currency: money.BRL}},
		{"1234", "BRL", money.Amount{Minor: 123400, Currency: money.BRL}},
		{"-0.05", "USD", money.Amount{Minor: -5, Currency: money.USD}},
		{"1235", "CLP", money.Amount{Minor: 1235, Currency: money.CLP}},
		{"1235.00", "CLP", money.Amount{Minor: 1235, Currency: money.CLP}},
		{"1234.560", "brl", money.Amount{Minor: 123456, Currency: money.BRL}},
		{"0.0001", "CLF", money.Amount{Minor: 1, Currency: mustCurrency(t, "CLF")}},
		{"92233720368547758.07", "BRL", money.Amount{Minor: math.MaxInt64, Currency: money.BRL}},
		{"-92233720368547758.07", "BRL", money.Amount{Minor: -math.MaxInt64, Currency: money.BRL}},
	}
	for _, c := range cases {
		got, err := money.ParseAmount(c.s, c.code)
		if err != nil || got != c.want {
			t.Errorf("ParseAmount(%q, %s) = %v, %v; want %v", c.s, c.code, got, err, c.want)
		}
	}
	bad := []struct {
		s, code string
		want    error
	}{
		{"1234.567", "BRL", money.ErrTooManyDecimals},
		{"1.5", "CLP", money.ErrTooManyDecimals},
		{"0.001", "USD", money.ErrTooManyDecimals},
		{"1.00001", "CLF", money.ErrTooManyDecimals},
		{"1,234.56", "BRL", money.ErrInvalidDecimal},
		{"R$ 10", "BRL", money.ErrInvalidDecimal},
		{"", "BRL", money.ErrInvalidDecimal},
		{"1e2", "CLP", money.ErrInvalidDecimal},
		{"10", "BRX", money.ErrUnknownCurrency},
		{"92233720368547758.08", "BRL", money.ErrOverflow},
		{"9223372036854775808", "CLP", money.ErrOverflow},
	}
	for _, c := range bad {
		if got, err := money.ParseAmount(c.s, c.code); !errors.Is(err, c.want) {
			t.Errorf("ParseAmount(%q, %s) = %v, %v; want %v", c.s, c.code, got, err, c.want)
		}
	}
}

func brl(minor int64) money.Amount { return money.Amount{Minor: minor, Currency: money.BRL} }

func TestAmountArithmetic(t *testing.T) {
	t.Parallel()
	sum, err := brl(150).Add(brl(-200))
	if err != nil || sum != brl(-50) {
		t.Fatalf("Add = %v, %v", sum, err)
	}
	diff, err := brl(150).Sub(brl(200))
	if err != nil || diff != brl(-50) {
		t.Fatalf("Sub = %v, %v", diff, err)
	}
	neg, err := brl(150).Neg()
	if err != nil || neg != brl(-150) {
		t.Fatalf("Neg = %v, %v", neg, err)
	}
	if c, err := brl(1).Cmp(brl(2)); err != nil || c != -1 {
		t.Fatalf("Cmp = %d, %v", c, err)
	}
	if !brl(0).IsZero() || brl(1).IsZero() || brl(-3).Sign() != -1 {
		t.Fatal("IsZero/Sign")
	}

	clp := money.Amount{Minor: 1, Currency: money.CLP}
	if _, err := brl(1).Add(clp); !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Errorf("Add BRL+CLP: %v", err)
	}
	if _, err := brl(1).Sub(clp); !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Errorf("Sub BRL-CLP: %v", err)
	}
	if _, err := brl(1).Cmp(clp); !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Errorf("Cmp BRL,CLP: %v", err)
	}
	if _, err := brl(1).Add(money.Amount{Minor: 1}); !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Errorf("Add BRL+none: %v", err)
	}

	overflows := []func() (money.Amount, error){
		func() (money.Amount, error) { return brl(math.MaxInt64).Add(brl(1)) },
		func() (money.Amount, error) { return brl(math.MinInt64).Add(brl(-1)) },
		func() (money.Amount, error) { return brl(math.MinInt64).Sub(brl(1)) },
		func() (money.Amount, error) { return brl(math.MaxInt64).Sub(brl(-1)) },
		func() (money.Amount, error) { return brl(0).Sub(brl(math.MinInt64)) },
		func() (money.Amount, error) { return brl(math.MinInt64).Neg() },
	}
	for i, f := range overflows {
		if got, err := f(); !errors.Is(err, money.ErrOverflow) {
			t.Errorf("overflow case %d = %v, %v", i, got, err)
		}
	}
	if got, err := brl(math.MaxInt64).Add(brl(math.MinInt64)); err != nil || got != brl(-1) {
		t.Errorf("Max+Min = %v, %v", got, err)
	}
}

func TestAmountStrings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a    money.Amount
		want string
	}{
		{brl(123456), "1234.56"},
		{brl(-5), "-0.05"},
		{brl(0), "0.00"},
		{money.Amount{Minor: 1235, Currency: money.CLP}, "1235"},
		{brl(math.MinInt64), "-92233720368547758.08"},
	}
	for _, c := range cases {
		if got := c.a.DecimalString(); got != c.want {
			t.Errorf("DecimalString(%d %s) = %s, want %s", c.a.Minor, c.a.Currency, got, c.want)
		}
	}
	if s := brl(123456).String(); s != "BRL 1234.56" {
		t.Errorf("String = %s", s)
	}
}

func TestAmountJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(brl(123456))
	if err != nil || string(b) != `{"minor":123456,"currency":"BRL","value":"1234.56"}` {
		t.Fatalf("marshal = %s, %v", b, err)
	}
	ok := map[string]money.Amount{
		`{"minor":123456,"currency":"BRL","value":"1234.56"}`: brl(123456),
		`{"minor":123456,"currency":"BRL"}`:                   brl(123456),
		`{"value":"1234.56","currency":"BRL"}`:                brl(123456),
		`{"value":"1235","currency":"CLP"}`:                   {Minor: 1235, Currency: money.CLP},
	}
	for in, want := range ok {
		var got money.Amount
		if err := json.Unmarshal([]byte(in), &got); err != nil || got != want {
			t.Errorf("unmarshal %s = %v, %v; want %v", in, got, err, want)
		}
	}
	bad := map[string]error{
		`{"minor":1,"currency":"BRL","value":"1.00"}`: money.ErrInvalidAmount,
		`{"minor":1}`:                        money.ErrInvalidAmount,
		`{"currency":"BRL"}`:                 money.ErrInvalidAmount,
		`{"currency":"BRL","value":"1.001"}`: money.ErrTooManyDecimals,
		`{"currency":"CLP","value":"1.5"}`:   money.ErrTooManyDecimals,
		`{"currency":"BRX","minor":1}`:       money.ErrUnknownCurrency,
		`{"currency":"BRL","value":1.5}`:     nil, // value must be a string
		`{"currency":"BRL","minor":1.5}`:     nil,
	}
	for in, want := range bad {
		var got money.Amount
		err := json.Unmarshal([]byte(in), &got)
		if err == nil || (want != nil && !errors.Is(err, want)) {
			t.Errorf("unmarshal %s = %v, %v; want %v", in, got, err, want)
		}
	}
}
