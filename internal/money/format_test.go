package money_test

import (
	"math"
	"testing"

	"golang.org/x/text/language"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/money"
)

func amt(minor int64, cur money.Currency) money.Amount {
	return money.Amount{Minor: minor, Currency: cur}
}

func TestFormatLocale(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tag  string
		a    money.Amount
		want string
	}{
		{"pt-BR", amt(123456, money.BRL), "R$ 1.234,56"},
		{"pt-BR", amt(-123456, money.BRL), "-R$ 1.234,56"},
		{"pt-BR", amt(5, money.BRL), "R$ 0,05"},
		{"pt-BR", amt(0, money.BRL), "R$ 0,00"},
		{"pt-BR", amt(123456789012, money.BRL), "R$ 1.234.567.890,12"},
		{"pt-BR", amt(123456, money.USD), "US$ 1.234,56"},
		{"pt", amt(123456, money.BRL), "R$ 1.234,56"},
		{"es-MX", amt(123456, money.MXN), "$1,234.56"},
		{"es-MX", amt(-123456, money.MXN), "-$1,234.56"},
		{"es-MX", amt(123456, money.USD), "USD 1,234.56"},
		{"es-CL", amt(1235, money.CLP), "$1.235"},
		{"es-CL", amt(1234567, money.CLP), "$1.234.567"},
		{"es-CL", amt(-1235, money.CLP), "$-1.235"},
		{"es-CL", amt(999, money.CLP), "$999"},
		{"es-CO", amt(123456, money.COP), "$ 1.234,56"},
		{"es-AR", amt(123456, money.ARS), "$ 1.234,56"},
		{"es-PE", amt(123456, money.PEN), "S/ 1,234.56"},
		{"es-UY", amt(123456, money.UYU), "$ 1.234,56"},
		{"es-419", amt(123456, money.BRL), "BRL 1,234.56"},
		{"en", amt(123456, money.USD), "$1,234.56"},
		{"en-US", amt(-123456, money.USD), "-$1,234.56"},
		{"en", amt(123456, money.BRL), "R$1,234.56"},
		{"en", amt(1235, money.CLP), "CLP 1,235"},
		{"en", amt(123456, money.COP), "COP 1,234.56"},
		{"en", amt(123456, money.MXN), "MX$1,234.56"},
		{"en", amt(math.MinInt64, money.USD), "-$92,233,720,368,547,758.08"},
		{"es-ES", amt(123456, mustCurrency(t, "EUR")), "1234,56 €"},
		{"es-ES", amt(1234567, mustCurrency(t, "EUR")), "12.345,67 €"},
		{"pt-PT", amt(123456, mustCurrency(t, "EUR")), "1234,56 €"},
		{"pt-PT", amt(-123456789, mustCurrency(t, "EUR")), "-1 234 567,89 €"},
		{"es-VE", amt(123456, mustCurrency(t, "VES")), "VES 1.234,56"},
		{"fr-FR", amt(1235, money.CLP), "$1.235"}, // unsupported: Spanish, as i18n.Parse picks
	}
	for _, c := range cases {
		if got := money.FormatLocale(c.a, language.MustParse(c.tag)); got != c.want {
			t.Errorf("FormatLocale(%v, %s) = %q, want %q", c.a, c.tag, got, c.want)
		}
	}
}

func TestFormatLang(t *testing.T) {
	t.Parallel()
	cases := []struct {
		lang i18n.Lang
		a    money.Amount
		want string
	}{
		{i18n.PTBR, amt(123456, money.BRL), "R$ 1.234,56"},
		{i18n.EN, amt(123456, money.USD), "$1,234.56"},
		{i18n.EN, amt(123456, money.BRL), "R$1,234.56"},
		// Spanish writes each peso the way its country does.
		{i18n.ES, amt(1235, money.CLP), "$1.235"},
		{i18n.ES, amt(123456, money.MXN), "$1,234.56"},
		{i18n.ES, amt(123456, money.COP), "$ 1.234,56"},
		{i18n.ES, amt(123456, money.ARS), "$ 1.234,56"},
		{i18n.ES, amt(123456, money.BRL), "BRL 1,234.56"},
		{i18n.ES, amt(123456, money.USD), "USD 1,234.56"},
	}
	for _, c := range cases {
		if got := money.Format(c.a, c.lang); got != c.want {
			t.Errorf("Format(%v, %s) = %q, want %q", c.a, c.lang, got, c.want)
		}
	}
}

func TestFormatWithCode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tag  string
		a    money.Amount
		want string
	}{
		{"es-MX", amt(123456, money.MXN), "$1,234.56 MXN"},
		{"es-CL", amt(1235, money.CLP), "$1.235 CLP"},
		{"es-CO", amt(123456, money.COP), "$ 1.234,56 COP"},
		{"en", amt(123456, money.USD), "$1,234.56 USD"},
		{"pt-BR", amt(123456, money.BRL), "R$ 1.234,56"},
		{"en", amt(1235, money.CLP), "CLP 1,235"},
		{"es-PE", amt(123456, money.PEN), "S/ 1,234.56"},
	}
	for _, c := range cases {
		if got := money.FormatWithCode(c.a, language.MustParse(c.tag)); got != c.want {
			t.Errorf("FormatWithCode(%v, %s) = %q, want %q", c.a, c.tag, got, c.want)
		}
	}
}
