package money_test

import (
	"fmt"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/soberana/soberana/internal/money"
)

// BenchmarkPriceConvertRound is the hot path of rating: price a usage
// period, convert it to the institution's currency, book it.
func BenchmarkPriceConvertRound(b *testing.B) {
	price := money.MustParseDecimal("0.041096")
	rate := money.Rate{From: money.USD, To: money.BRL, Value: money.MustParseDecimal("5.7422315012"), Date: day("2025-03-31")}
	for _, d := range []time.Duration{time.Second, 90 * time.Minute, money.HoursPerMonth * time.Hour, 8760 * time.Hour} {
		b.Run(fmt.Sprintf("d=%s", d), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e := money.PerHour(price, money.USD, d)
				c, err := money.Convert(e, rate)
				if err != nil {
					b.Fatal(err)
				}
				_ = c.Round(money.HalfEven)
			}
		})
	}
}

func BenchmarkRateLookup(b *testing.B) {
	for _, n := range []int{10, 1000, 100000} {
		b.Run(fmt.Sprintf("rates=%d", n), func(b *testing.B) {
			var table money.RateTable
			start := day("2000-01-01")
			rates := make([]money.Rate, n)
			for i := range rates {
				rates[i] = money.Rate{From: money.USD, To: money.BRL, Value: money.MustParseDecimal("5.1"), Date: start.AddDate(0, 0, i)}
			}
			if err := table.Add(rates...); err != nil {
				b.Fatal(err)
			}
			at := start.AddDate(0, 0, n/2).Add(13 * time.Hour)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := table.Lookup(money.USD, money.BRL, at); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseDecimal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := money.ParseDecimal("5.7422315012"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormat(b *testing.B) {
	a := money.Amount{Minor: 123456789, Currency: money.BRL}
	tag := language.BrazilianPortuguese
	b.ReportAllocs()
	for b.Loop() {
		_ = money.FormatLocale(a, tag)
	}
}
