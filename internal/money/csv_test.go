package money_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/money"
)

func TestParseRatesCSV(t *testing.T) {
	t.Parallel()
	in := "\ufeffdate,from,to,rate\n" +
		"2025-03-31,USD,BRL,5.7422\n" +
		"\n" +
		" 2025-03-31 , brl , usd , 0.1741500000 \n" +
		"2025-04-01,USD,CLP,942.35\n"
	rates, err := money.ParseRatesCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []money.Rate{
		rate(money.USD, money.BRL, "5.7422", "2025-03-31"),
		rate(money.BRL, money.USD, "0.17415", "2025-03-31"),
		rate(money.USD, money.CLP, "942.35", "2025-04-01"),
	}
	if len(rates) != len(want) {
		t.Fatalf("got %d rates: %+v", len(rates), rates)
	}
	for i := range want {
		if rates[i] != want[i] {
			t.Errorf("rate %d = %+v, want %+v", i, rates[i], want[i])
		}
	}
	// The parsed rates go straight into a table.
	if _, err := money.NewRateTable(rates...); err != nil {
		t.Fatal(err)
	}
}

func TestParseRatesCSVColumnOrder(t *testing.T) {
	t.Parallel()
	rates, err := money.ParseRatesCSV(strings.NewReader("Rate,To,From,Date\r\n942.35,CLP,USD,2025-04-01\r\n"))
	if err != nil || len(rates) != 1 || rates[0] != rate(money.USD, money.CLP, "942.35", "2025-04-01") {
		t.Fatalf("got %+v, %v", rates, err)
	}
}

func TestParseRatesCSVHeaderOnly(t *testing.T) {
	t.Parallel()
	rates, err := money.ParseRatesCSV(strings.NewReader("date,from,to,rate\n"))
	if err != nil || len(rates) != 0 {
		t.Fatalf("got %+v, %v", rates, err)
	}
}

func TestParseRatesCSVErrors(t *testing.T) {
	t.Parallel()
	const header = "date,from,to,rate\n"
	cases := []struct {
		name, in string
		line     int
		field    string
		is       error
	}{
		{"empty", "", 1, "", money.ErrCSVHeader},
		{"missing column", "date,from,to\n2025-03-31,USD,BRL\n", 1, "", money.ErrCSVHeader},
		{"unknown column", "date,from,to,value\n", 1, "value", money.ErrCSVHeader},
		{"repeated column", "date,from,to,to\n", 1, "to", money.ErrCSVHeader},
		{"bad date", header + "2025-03-31,USD,BRL,5.74\n31/03/2025,USD,BRL,5.74\n", 3, "date", nil},
		{"impossible date", header + "2025-02-30,USD,BRL,5.74\n", 2, "date", nil},
		{"unknown from", header + "2025-03-31,USD,BRL,5.74\n2025-04-01,DOL,BRL,5.74\n", 3, "from", money.ErrUnknownCurrency},
		{"unknown to", header + "2025-03-31,USD,R$,5.74\n", 2, "to", money.ErrUnknownCurrency},
		{"same currency", header + "2025-03-31,USD,usd,1\n", 2, "to", money.ErrInvalidRate},
		{"bad rate", header + "2025-03-31,USD,BRL,5,74\n", 2, "", nil},
		{"rate with comma decimal", header + "2025-03-31,USD,BRL,\"5,74\"\n", 2, "rate", money.ErrInvalidDecimal},
		{"rate exponent", header + "2025-03-31,USD,BRL,5.74e0\n", 2, "rate", money.ErrInvalidDecimal},
		{"zero rate", header + "2025-03-31,USD,BRL,0\n", 2, "rate", money.ErrInvalidRate},
		{"negative rate", header + "2025-03-31,USD,BRL,-5.74\n", 2, "rate", money.ErrInvalidRate},
		{"duplicate", header + "2025-03-31,USD,BRL,5.74\n2025-03-31,USD,BRL,5.75\n", 3, "", money.ErrRateConflict},
		{"field count", header + "2025-03-31,USD,BRL\n", 2, "", nil},
		{"bare quote", header + "2025-03-31,US\"D,BRL,5.74\n", 2, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rates, err := money.ParseRatesCSV(strings.NewReader(c.in))
			if err == nil {
				t.Fatalf("accepted: %+v", rates)
			}
			if rates != nil {
				t.Errorf("returned rates alongside an error: %+v", rates)
			}
			var ce *money.CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("not a *CSVError: %v", err)
			}
			if ce.Line != c.line || ce.Field != c.field {
				t.Errorf("line %d field %q, want line %d field %q (%v)", ce.Line, ce.Field, c.line, c.field, err)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("%v is not %v", err, c.is)
			}
			want := "line " + string(rune('0'+c.line))
			if !strings.Contains(err.Error(), want) || (c.field != "" && !strings.Contains(err.Error(), "field "+c.field)) {
				t.Errorf("message %q does not locate the problem", err)
			}
		})
	}
}

func TestParseRatesCSVReportsEveryLine(t *testing.T) {
	t.Parallel()
	in := "date,from,to,rate\n" +
		"2025-03-31,USD,BRL,abc\n" +
		"2025-03-31,USD,CLP,942.35\n" +
		"yesterday,USD,MXN,20.1\n"
	_, err := money.ParseRatesCSV(strings.NewReader(in))
	msg := err.Error()
	if !strings.Contains(msg, "line 2, field rate") || !strings.Contains(msg, "line 4, field date") || strings.Contains(msg, "line 3") {
		t.Fatalf("error = %q", msg)
	}

	var b strings.Builder
	b.WriteString("date,from,to,rate\n")
	for range 100 {
		b.WriteString("x,USD,BRL,1\n")
	}
	_, err = money.ParseRatesCSV(strings.NewReader(b.String()))
	if n := strings.Count(err.Error(), "rates csv:"); n != 20 {
		t.Fatalf("reported %d errors, want the first 20", n)
	}
}
