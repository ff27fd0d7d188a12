package money_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/money"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func rate(from, to money.Currency, value, date string) money.Rate {
	return money.Rate{From: from, To: to, Value: dec(value), Date: day(date)}
}

// rateTable is a table of rates the test expects to be valid.
func rateTable(t *testing.T, rates ...money.Rate) *money.RateTable {
	t.Helper()
	table, err := money.NewRateTable(rates...)
	if err != nil {
		t.Fatal(err)
	}
	return table
}

// TestConvertBRLtoUSDtoCLP books a Brazilian price in Chilean pesos through
// the dollar, with the rates published for the day, rounding once at the end.
func TestConvertBRLtoUSDtoCLP(t *testing.T) {
	t.Parallel()
	table := rateTable(t,
		rate(money.BRL, money.USD, "0.1742", "2025-03-31"),
		rate(money.USD, money.CLP, "942.35", "2025-03-31"),
		rate(money.BRL, money.USD, "0.1750", "2025-04-01"),
	)
	at := time.Date(2025, 3, 31, 18, 30, 0, 0, time.FixedZone("BRT", -3*3600)) // 21:30 UTC
	price := money.PerHour(dec("1.369863"), money.BRL, 730*time.Hour)          // 999.99999 BRL
	if price.String() != "BRL 999.99999" {
		t.Fatalf("price = %s", price)
	}

	r1, err := table.Lookup(money.BRL, money.USD, at)
	if err != nil || r1.Value != dec("0.1742") {
		t.Fatalf("BRL→USD = %+v, %v", r1, err)
	}
	usd, err := money.Convert(price, r1)
	if err != nil || usd.String() != "USD 174.199998258" {
		t.Fatalf("in USD = %s, %v", usd, err)
	}
	r2, err := table.Lookup(money.USD, money.CLP, at)
	if err != nil {
		t.Fatal(err)
	}
	clp, err := money.Convert(usd, r2)
	if err != nil || clp.String() != "CLP 164157.3683584263" {
		t.Fatalf("in CLP = %s, %v", clp, err)
	}
	if got := clp.Round(money.HalfEven); got != (money.Amount{Minor: 164157, Currency: money.CLP}) {
		t.Fatalf("booked = %v", got)
	}
	// Rounding in the middle changes the result: 174.20 USD × 942.35 =
	// 164157.37. That is why only booking rounds.
	mid, _ := money.Convert(usd.Round(money.HalfEven).Exact(), r2)
	if mid.String() != "CLP 164157.37" {
		t.Fatalf("with intermediate rounding = %s", mid)
	}

	if _, err := money.Convert(price, r2); !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Fatalf("BRL with a USD→CLP rate: %v", err)
	}
	if _, err := money.Convert(price, money.Rate{From: money.BRL, To: money.USD}); !errors.Is(err, money.ErrInvalidRate) {
		t.Fatalf("zero rate: %v", err)
	}
}

func TestLookupDates(t *testing.T) {
	t.Parallel()
	table := rateTable(t,
		rate(money.USD, money.BRL, "5.70", "2025-03-28"),
		rate(money.USD, money.BRL, "5.74", "2025-03-31"),
		rate(money.USD, money.BRL, "5.65", "2025-04-02"),
	)
	cases := map[string]string{ // instant (UTC) → value in force
		"2025-03-28T00:00:00Z":      "5.7",
		"2025-03-30T23:59:59Z":      "5.7",
		"2025-03-31T00:00:00Z":      "5.74",
		"2025-04-01T12:00:00Z":      "5.74",
		"2025-04-02T00:00:00Z":      "5.65",
		"2030-01-01T00:00:00Z":      "5.65",
		"2025-04-01T22:00:00-03:00": "5.65", // already 2 April in UTC
	}
	for at, want := range cases {
		ts, _ := time.Parse(time.RFC3339, at)
		r, err := table.Lookup(money.USD, money.BRL, ts)
		if err != nil || r.Value.String() != want {
			t.Errorf("Lookup at %s = %v, %v; want %s", at, r.Value, err, want)
		}
	}

	_, err := table.Lookup(money.USD, money.BRL, day("2025-03-27"))
	if !errors.Is(err, money.ErrNoRate) || !strings.Contains(err.Error(), "USD→BRL") || !strings.Contains(err.Error(), "2025-03-27") {
		t.Fatalf("before the first rate: %v", err)
	}
	// The inverse is published, but Lookup does not derive it.
	_, err = table.Lookup(money.BRL, money.USD, day("2025-04-01"))
	if !errors.Is(err, money.ErrNoRate) {
		t.Fatalf("inverse derived silently: %v", err)
	}
	// Same currency is the identity.
	id, err := table.Lookup(money.CLP, money.CLP, day("2020-01-01"))
	if err != nil || id.Value != money.DecimalFromInt(1) {
		t.Fatalf("identity = %+v, %v", id, err)
	}
	if table.Len() != 3 {
		t.Fatalf("Len = %d", table.Len())
	}
}

func TestLookupOrInverse(t *testing.T) {
	t.Parallel()
	table := rateTable(t, rate(money.USD, money.BRL, "5.74", "2025-03-31"))
	r, err := table.LookupOrInverse(money.BRL, money.USD, day("2025-04-01"))
	if err != nil || !r.Inverse || r.From != money.BRL || r.To != money.USD || r.Value != dec("5.74") || !r.Date.Equal(day("2025-03-31")) {
		t.Fatalf("inverse = %+v, %v", r, err)
	}
	// 574 BRL at the published 5.74 BRL per USD is exactly 100 USD.
	usd, err := money.Convert(money.NewExact(dec("574"), money.BRL), r)
	if err != nil || usd.String() != "USD 100" {
		t.Fatalf("converted = %s, %v", usd, err)
	}
	// There and back again is exact.
	direct, _ := table.Lookup(money.USD, money.BRL, day("2025-04-01"))
	back, _ := money.Convert(usd, direct)
	if back.String() != "BRL 574" {
		t.Fatalf("back = %s", back)
	}
	// A published direct rate wins over the inverse, even an older one.
	_ = table.Add(rate(money.BRL, money.USD, "0.17", "2025-01-01"))
	r, err = table.LookupOrInverse(money.BRL, money.USD, day("2025-04-01"))
	if err != nil || r.Inverse || r.Value != dec("0.17") {
		t.Fatalf("direct = %+v, %v", r, err)
	}
	if _, err := table.LookupOrInverse(money.BRL, money.CLP, day("2025-04-01")); !errors.Is(err, money.ErrNoRate) {
		t.Fatalf("no rate either way: %v", err)
	}
}

func TestRateTableAdd(t *testing.T) {
	t.Parallel()
	var table money.RateTable // the zero value is usable
	if err := table.Add(rate(money.USD, money.BRL, "5.74", "2025-03-31")); err != nil {
		t.Fatal(err)
	}
	// Re-adding the same rate is a no-op; a different value is a conflict.
	if err := table.Add(rate(money.USD, money.BRL, "5.740", "2025-03-31")); err != nil {
		t.Fatalf("re-add: %v", err)
	}
	err := table.Add(
		rate(money.USD, money.MXN, "20.1", "2025-03-31"),
		rate(money.USD, money.BRL, "5.75", "2025-03-31"),
	)
	if !errors.Is(err, money.ErrRateConflict) {
		t.Fatalf("conflict: %v", err)
	}
	if table.Len() != 1 {
		t.Fatalf("a rejected batch left %d rates", table.Len())
	}
	if err := table.Add(rate(money.USD, money.MXN, "20.1", "2025-03-31"), rate(money.USD, money.MXN, "20.2", "2025-03-31")); !errors.Is(err, money.ErrRateConflict) {
		t.Fatalf("conflict within a batch: %v", err)
	}

	invalid := []money.Rate{
		{From: money.USD, To: money.USD, Value: dec("1"), Date: day("2025-03-31")},
		{From: money.USD, To: money.BRL, Value: dec("0"), Date: day("2025-03-31")},
		{From: money.USD, To: money.BRL, Value: dec("-5"), Date: day("2025-03-31")},
		{From: money.USD, Value: dec("5"), Date: day("2025-03-31")},
		{From: money.USD, To: money.BRL, Value: dec("5"), Date: day("2025-03-31").Add(time.Hour)},
		{From: money.USD, To: money.BRL, Value: dec("5")},
	}
	for _, r := range invalid {
		if err := table.Add(r); !errors.Is(err, money.ErrInvalidRate) {
			t.Errorf("Add(%+v) = %v", r, err)
		}
	}
	// Midnight UTC expressed in another zone is the same day.
	brt := day("2025-04-01").In(time.FixedZone("BRT", -3*3600))
	if err := table.Add(money.Rate{From: money.USD, To: money.BRL, Value: dec("5.8"), Date: brt}); err != nil {
		t.Fatalf("UTC midnight in BRT: %v", err)
	}
}

func TestRateTableConcurrent(t *testing.T) {
	t.Parallel()
	table := rateTable(t, rate(money.USD, money.BRL, "5", "2025-01-01"))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				d := day("2025-01-02").AddDate(0, 0, i*50+j)
				if err := table.Add(money.Rate{From: money.USD, To: money.BRL, Value: dec("5.1"), Date: d}); err != nil {
					t.Error(err)
				}
				if _, err := table.Lookup(money.USD, money.BRL, d); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if table.Len() != 401 {
		t.Fatalf("Len = %d", table.Len())
	}
}
