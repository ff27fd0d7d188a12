package money_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/money"
)

func TestCurrencyDigits(t *testing.T) {
	t.Parallel()
	cases := map[string]int{
		"BRL": 2, "MXN": 2, "CLP": 0, "COP": 2, "ARS": 2, "PEN": 2, "UYU": 2, "USD": 2,
		"EUR": 2, "JPY": 0, "PYG": 0, "BHD": 3, "IQD": 3, "CLF": 4, "UYW": 4, "UYI": 0,
		"VES": 2, "MXV": 2,
	}
	for code, want := range cases {
		c, err := money.ParseCurrency(code)
		if err != nil {
			t.Errorf("ParseCurrency(%q): %v", code, err)
			continue
		}
		if c.Code() != code || c.Digits() != want {
			t.Errorf("ParseCurrency(%q) = %s with %d digits, want %d", code, c.Code(), c.Digits(), want)
		}
	}
}

func TestParseCurrencyRejects(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"", "BR", "BRLX", "BRX", "XXX", "XTS", "XAU", "XDR", "DEM", "123", " BRL", "R$"} {
		_, err := money.ParseCurrency(code)
		if !errors.Is(err, money.ErrUnknownCurrency) {
			t.Errorf("ParseCurrency(%q) = %v, want ErrUnknownCurrency", code, err)
			continue
		}
		if !strings.Contains(err.Error(), `"`+code+`"`) {
			t.Errorf("ParseCurrency(%q) error %q does not name the code", code, err)
		}
	}
}

func TestParseCurrencyCase(t *testing.T) {
	t.Parallel()
	c, err := money.ParseCurrency("brl")
	if err != nil || c != money.BRL {
		t.Fatalf("ParseCurrency(brl) = %v, %v", c, err)
	}
}

func TestCurrencyComparableAndJSON(t *testing.T) {
	t.Parallel()
	brl, _ := money.ParseCurrency("BRL")
	if brl != money.BRL {
		t.Fatal("two parses of BRL differ")
	}
	totals := map[money.Currency]int64{money.BRL: 1, brl: 2, money.CLP: 3}
	if len(totals) != 2 || totals[money.BRL] != 2 {
		t.Fatalf("map keyed by Currency: %v", totals)
	}
	b, err := json.Marshal(struct {
		C money.Currency            `json:"c"`
		M map[money.Currency]string `json:"m"`
	}{money.BRL, map[money.Currency]string{money.CLP: "x"}})
	if err != nil || string(b) != `{"c":"BRL","m":{"CLP":"x"}}` {
		t.Fatalf("marshal = %s, %v", b, err)
	}
	var got struct{ C money.Currency }
	if err := json.Unmarshal([]byte(`{"C":"CLP"}`), &got); err != nil || got.C != money.CLP {
		t.Fatalf("unmarshal = %v, %v", got.C, err)
	}
	if err := json.Unmarshal([]byte(`{"C":"ZZZ"}`), &got); !errors.Is(err, money.ErrUnknownCurrency) {
		t.Fatalf("unmarshal ZZZ: %v", err)
	}
	if (money.Currency{}).Code() != "" || !(money.Currency{}).IsZero() || money.BRL.IsZero() {
		t.Fatal("zero Currency")
	}
}

func TestCurrencySQL(t *testing.T) {
	t.Parallel()
	v, err := money.COP.Value()
	if err != nil || v != "COP" {
		t.Fatalf("Value = %v, %v", v, err)
	}
	var c money.Currency
	if err := c.Scan([]byte("COP")); err != nil || c != money.COP {
		t.Fatalf("Scan = %v, %v", c, err)
	}
	if err := c.Scan(nil); err != nil || !c.IsZero() {
		t.Fatalf("Scan(nil) = %v, %v", c, err)
	}
	if err := c.Scan(int64(1)); err == nil {
		t.Fatal("Scan(int64) accepted")
	}
}

func mustCurrency(t testing.TB, code string) money.Currency {
	t.Helper()
	c, err := money.ParseCurrency(code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
