package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// A stopped replica is charged the price list's stopped price for the
// time it was stopped, exactly; without one, the full price.
func TestStoppedReplicaIsChargedTheStoppedPrice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		stopped string
		want    int64
	}{
		// 10 h running × 1.50 + 4 h stopped × 0.25 + 10 h running × 1.50 = 31.00
		{"0.25", 31_00},
		// no stopped price: 24 h × 1.50 = 36.00
		{"", 36_00},
	} {
		f := newFixture(t, sqlite(t), setup{amountMinor: 1_000_000_00, perHour: "1.5", priceFrom: "2026-11-01"})
		ctx := context.Background()
		if tc.stopped != "" {
			if err := f.s.InTx(ctx, func(tx *store.Tx) error {
				p := model.Price{ProviderID: f.provider.ID, OfferingID: f.offering.ID, Currency: "BRL", PerHour: "1.5",
					StoppedPerHour: tc.stopped, ValidFrom: "2026-11-02"}
				return tx.Prices().Create(ctx, &p, "prc")
			}); err != nil {
				t.Fatal(err)
			}
		}
		w := f.committed(1000_00)
		p := f.placement(w, 0)
		t0 := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
		f.start(p, t0)
		// stopped at 10:00 (the workload service closes and reopens in one transaction)
		f.stop(p, t0.Add(10*time.Hour))
		p.Power = model.PowerStopped
		f.start(p, t0.Add(10*time.Hour))
		f.stop(p, t0.Add(14*time.Hour))
		p.Power = model.PowerRunning
		f.start(p, t0.Add(14*time.Hour))
		f.stop(p, t0.Add(24*time.Hour))
		f.rateThrough(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
		var sum int64
		for _, c := range f.lines(model.LedgerCharge) {
			sum += c.AmountMinor
		}
		if sum != tc.want {
			t.Fatalf("stopped price %q: charged %d, want %d", tc.stopped, sum, tc.want)
		}
	}
}

// A replica stopped in the second it started leaves no empty interval in
// the way of the stopped one.
func TestStopInTheSecondItStarted(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{amountMinor: 1_000_000_00, perHour: "1"})
	w := f.committed(1000_00)
	p := f.placement(w, 0)
	t0 := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
	f.start(p, t0)
	f.stop(p, t0)
	p.Power = model.PowerStopped
	f.start(p, t0)
	f.stop(p, t0.Add(2*time.Hour))
	f.rateThrough(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	var sum int64
	for _, c := range f.lines(model.LedgerCharge) {
		sum += c.AmountMinor
	}
	if sum != 2_00 {
		t.Fatalf("charged %d, want 200 (two stopped hours at the full price)", sum)
	}
}
