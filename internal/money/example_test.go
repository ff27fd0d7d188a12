package money_test

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/money"
)

// Four vCPUs priced in dollars per hour, run for a 730-hour month, billed to
// a Chilean institution: exact until booked in pesos.
func Example() {
	rates, err := money.ParseRatesCSV(strings.NewReader(
		"date,from,to,rate\n2025-03-31,USD,CLP,942.35\n"))
	if err != nil {
		panic(err)
	}
	table, err := money.NewRateTable(rates...)
	if err != nil {
		panic(err)
	}
	price := money.MustParseDecimal("0.041096") // USD per hour
	usage := money.PerHour(price, money.USD, money.HoursPerMonth*time.Hour).Mul(money.DecimalFromInt(4))

	rate, err := table.Lookup(money.USD, money.CLP, time.Date(2025, 4, 1, 15, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	inCLP, err := money.Convert(usage, rate)
	if err != nil {
		panic(err)
	}
	booked := inCLP.Round(money.HalfEven)

	fmt.Println(usage)
	fmt.Println(inCLP)
	fmt.Println(booked)
	fmt.Println(money.FormatLocale(booked, language.MustParse("es-CL")))
	// Output:
	// USD 120.00032
	// CLP 113082.301552
	// CLP 113082
	// $113.082
}

func ExampleFormat() {
	a, _ := money.ParseAmount("1234.56", "BRL")
	fmt.Println(money.Format(a, i18n.PTBR))
	fmt.Println(money.Format(a, i18n.EN))
	mx, _ := money.ParseAmount("1234.56", "MXN")
	fmt.Println(money.FormatWithCode(mx, language.MustParse("es-MX")))
	// Output:
	// R$ 1.234,56
	// R$1,234.56
	// $1,234.56 MXN
}

func ExampleExact_Round() {
	for _, s := range []string{"0.5", "1.5", "2.5", "-2.5"} {
		e := money.NewExact(money.MustParseDecimal(s), money.CLP)
		fmt.Println(s, "→", e.Round(money.HalfEven).Minor, e.Round(money.HalfUp).Minor)
	}
	// Output:
	// 0.5 → 0 1
	// 1.5 → 2 2
	// 2.5 → 2 3
	// -2.5 → -2 -3
}
