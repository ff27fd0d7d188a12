package money_test

import (
	"encoding/json"
	"errors"
	"math/big"
	"testing"

	"github.com/soberana/soberana/internal/money"
)

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	ok := map[string]string{
		"0.123456":              "0.123456",
		"-1.5":                  "-1.5",
		"12":                    "12",
		"0":                     "0",
		"-0":                    "0",
		"-0.000":                "0",
		"1.50":                  "1.5",
		"007.10":                "7.1",
		"5.0321000000":          "5.0321",
		"0.0000000001":          "0.0000000001",
		"0.000000000000000001":  "0.000000000000000001",
		"9223372036854775807":   "9223372036854775807",
		"-922337203.6854775807": "-922337203.6854775807",
		"1234.5678901234":       "1234.5678901234",
	}
	for in, want := range ok {
		d, err := money.ParseDecimal(in)
		if err != nil {
			t.Errorf("ParseDecimal(%q): %v", in, err)
			continue
		}
		if d.String() != want {
			t.Errorf("ParseDecimal(%q) = %s, want %s", in, d, want)
		}
	}
	bad := map[string]error{
		"":                      money.ErrInvalidDecimal,
		"-":                     money.ErrInvalidDecimal,
		"NaN":                   money.ErrInvalidDecimal,
		"Inf":                   money.ErrInvalidDecimal,
		"-Inf":                  money.ErrInvalidDecimal,
		"1e3":                   money.ErrInvalidDecimal,
		"1E-2":                  money.ErrInvalidDecimal,
		"0x10":                  money.ErrInvalidDecimal,
		"+1":                    money.ErrInvalidDecimal,
		".5":                    money.ErrInvalidDecimal,
		"5.":                    money.ErrInvalidDecimal,
		"1.2.3":                 money.ErrInvalidDecimal,
		"1,5":                   money.ErrInvalidDecimal,
		"1_000":                 money.ErrInvalidDecimal,
		" 1":                    money.ErrInvalidDecimal,
		"1 ":                    money.ErrInvalidDecimal,
		"--1":                   money.ErrInvalidDecimal,
		"1/3":                   money.ErrInvalidDecimal,
		"١٢":                    money.ErrInvalidDecimal, // Arabic-Indic digits
		"9223372036854775808":   money.ErrOverflow,
		"0.0000000000000000001": money.ErrOverflow, // 19 decimals
		"92233720368547758.08":  money.ErrOverflow,
	}
	for in, want := range bad {
		if d, err := money.ParseDecimal(in); !errors.Is(err, want) {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %v", in, d, err, want)
		}
	}
}

func TestDecimalCanonicalEquality(t *testing.T) {
	t.Parallel()
	a, b := money.MustParseDecimal("1.50"), money.MustParseDecimal("1.5000")
	if a != b {
		t.Fatal("1.50 != 1.5000 with ==")
	}
	if money.MustParseDecimal("-0") != (money.Decimal{}) {
		t.Fatal("-0 is not the zero Decimal")
	}
	d, err := money.NewDecimal(15000, 4)
	if err != nil || d != a || d.Scale() != 1 {
		t.Fatalf("NewDecimal(15000, 4) = %v (scale %d), %v", d, d.Scale(), err)
	}
	if _, err := money.NewDecimal(1, 19); !errors.Is(err, money.ErrOverflow) {
		t.Fatalf("NewDecimal scale 19: %v", err)
	}
}

func TestDecimalCmp(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b string
		want int
	}{
		{"1.5", "1.50", 0}, {"1.49", "1.5", -1}, {"2", "1.999999", 1},
		{"-0.1", "0", -1}, {"9223372036854775807", "0.000000000000000001", 1},
		{"-3", "-2.5", -1},
	}
	for _, c := range cases {
		if got := money.MustParseDecimal(c.a).Cmp(money.MustParseDecimal(c.b)); got != c.want {
			t.Errorf("Cmp(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestDecimalRat(t *testing.T) {
	t.Parallel()
	got := money.MustParseDecimal("-0.125").Rat()
	if got.Cmp(big.NewRat(-1, 8)) != 0 {
		t.Fatalf("Rat = %s", got)
	}
}

func TestDecimalJSON(t *testing.T) {
	t.Parallel()
	type price struct {
		PerHour money.Decimal `json:"per_hour"`
	}
	b, err := json.Marshal(price{money.MustParseDecimal("0.012300")})
	if err != nil || string(b) != `{"per_hour":"0.0123"}` {
		t.Fatalf("marshal = %s, %v", b, err)
	}
	for in, want := range map[string]string{
		`{"per_hour":"0.0123"}`: "0.0123",
		`{"per_hour":0.0123}`:   "0.0123", // a bare number's text, never a float
		`{"per_hour":null}`:     "0",
		`{}`:                    "0",
	} {
		var p price
		if err := json.Unmarshal([]byte(in), &p); err != nil || p.PerHour.String() != want {
			t.Errorf("unmarshal %s = %v, %v; want %s", in, p.PerHour, err, want)
		}
	}
	for _, in := range []string{`{"per_hour":"1e3"}`, `{"per_hour":1e3}`, `{"per_hour":"abc"}`, `{"per_hour":true}`, `{"per_hour":""}`} {
		var p price
		if err := json.Unmarshal([]byte(in), &p); err == nil {
			t.Errorf("unmarshal %s accepted: %v", in, p.PerHour)
		}
	}
}

func TestDecimalSQL(t *testing.T) {
	t.Parallel()
	d := money.MustParseDecimal("-12.000345")
	v, err := d.Value()
	if err != nil || v != "-12.000345" {
		t.Fatalf("Value = %v, %v", v, err)
	}
	var got money.Decimal
	for _, src := range []any{"-12.000345", []byte("-12.000345")} {
		if err := got.Scan(src); err != nil || got != d {
			t.Errorf("Scan(%T) = %v, %v", src, got, err)
		}
	}
	if err := got.Scan(int64(42)); err != nil || got != money.DecimalFromInt(42) {
		t.Errorf("Scan(int64) = %v, %v", got, err)
	}
	for _, src := range []any{nil, true, "x", 1.5 /* REAL: precision already lost */} {
		if err := got.Scan(src); !errors.Is(err, money.ErrInvalidDecimal) {
			t.Errorf("Scan(%v) = %v, want ErrInvalidDecimal", src, err)
		}
	}
}
