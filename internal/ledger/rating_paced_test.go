package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/store"
)

// TestPacedRatingBooksEveryInterval: the server's rating loop, a paced
// bulk pass, books exactly what Rate books — every interval, once — in
// batches with a rest between them (2,500 intervals: three batches of at
// most 1,000, two rests), and releases the governor.
func TestPacedRatingBooksEveryInterval(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{amountMinor: 1_000_000_000_00, perHour: "1"})
	ctx := context.Background()
	w := f.committed(730_00)
	const n = 2500
	ps := make([]*model.Placement, n)
	for i := range ps {
		ps[i] = f.placement(w, i)
	}
	if err := f.s.InTx(ctx, func(tx *store.Tx) error { return f.l.StartAll(ctx, tx, ps, day("2026-11-01")) }); err != nil {
		t.Fatal(err)
	}
	clock := pace.NewManualClock(time.Millisecond)
	gov := pace.New(pace.Options{Clock: clock})
	res, err := f.l.RatePaced(ctx, gov, day("2026-11-02"), "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Intervals != n || res.Charges != n {
		t.Fatalf("paced rating: %+v, want %d intervals and charges", res, n)
	}
	// A day at 1.00 an hour for each replica.
	if c := sum(f.lines(model.LedgerCharge)); c != n*24*1_00 {
		t.Fatalf("charged %d, want %d", c, n*24*1_00)
	}
	if rests := clock.Rests(); len(rests) != 2 {
		t.Fatalf("rests %v, want 2 (between three batches)", rests)
	}
	if _, running := gov.Running(); running {
		t.Fatal("the rating pass did not release the governor")
	}
	if again := f.rateThrough(day("2026-11-02")); again.Charges != 0 {
		t.Fatalf("rating again booked %+v", again)
	}
	f.balance()
}
