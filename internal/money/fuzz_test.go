package money_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/money"
)

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{
		"0.123456", "-1.5", "12", "0", "-0", "1.50", "NaN", "1e3", "", ".5", "5.",
		"9223372036854775807", "9223372036854775808", "0.000000000000000001",
		"0.0000000000000000001", "-", "+1", "1,5", "00.00", "١",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := money.ParseDecimal(s)
		if err != nil {
			if !errors.Is(err, money.ErrInvalidDecimal) && !errors.Is(err, money.ErrOverflow) {
				t.Fatalf("ParseDecimal(%q): unexpected error kind %v", s, err)
			}
			return
		}
		// The value is exactly what big.Rat reads from the same text.
		want, ok := new(big.Rat).SetString(s)
		if !ok || want.Cmp(d.Rat()) != 0 {
			t.Fatalf("ParseDecimal(%q) = %s, big.Rat reads %v", s, d, want)
		}
		// String is canonical and parses back to the same value.
		out := d.String()
		if strings.Contains(out, ".") && (strings.HasSuffix(out, "0") || strings.HasSuffix(out, ".")) || out == "-0" {
			t.Fatalf("ParseDecimal(%q).String() = %q is not canonical", s, out)
		}
		back, err := money.ParseDecimal(out)
		if err != nil || back != d {
			t.Fatalf("ParseDecimal(%q) = %v, %v; from %q", out, back, err, s)
		}
	})
}

func FuzzParseAmount(f *testing.F) {
	for _, c := range [][2]string{
		{"1234.56", "BRL"}, {"1235", "CLP"}, {"1.5", "CLP"}, {"1234.567", "BRL"},
		{"-0.05", "usd"}, {"92233720368547758.08", "BRL"}, {"1", "XXX"}, {"0.0001", "CLF"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, s, code string) {
		a, err := money.ParseAmount(s, code)
		if err != nil {
			for _, kind := range []error{money.ErrInvalidDecimal, money.ErrOverflow, money.ErrTooManyDecimals, money.ErrUnknownCurrency} {
				if errors.Is(err, kind) {
					return
				}
			}
			t.Fatalf("ParseAmount(%q, %q): unexpected error kind %v", s, code, err)
		}
		want, ok := new(big.Rat).SetString(s)
		if !ok || want.Cmp(a.Exact().Rat()) != 0 {
			t.Fatalf("ParseAmount(%q, %q) = %v, big.Rat reads %v", s, code, a, want)
		}
		back, err := money.ParseAmount(a.DecimalString(), a.Currency.Code())
		if err != nil || back != a {
			t.Fatalf("round trip of %v: %v, %v", a, back, err)
		}
	})
}
