package ledger_test

import (
	"context"
	"errors"
	"testing"

	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
	"github.com/soberana/soberana/internal/workload"
)

// TestRecommitMovesTheCommitmentExactly: a workload committed on Jan 1 at
// 365.00/month (4380.00 for 2026) ran half a year unrated at 0.50/hour and
// migrates on Jul 2 to 730.00/month. The switch charges the 182 days used
// (2184.00) against the old commitment, releases the 2196.00 left and
// commits 4392.00 (183 days at 730.00/month); the line's available drops by
// 2196.00, as RecommitDelta predicted. Re-booking with the same key books
// nothing; ending the workload releases everything.
func TestRecommitMovesTheCommitmentExactly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, setup{amountMinor: 100_000_00, perHour: "0.5"})
		ctx := context.Background()
		w := f.committed(365_00)
		old, repl := f.placement(w, 0), f.placement(w, 0)
		f.start(old, day("2026-01-01"))
		switchAt := day("2026-07-02")
		f.clock.Set(switchAt)
		before := f.balance()

		var predicted int64
		if err := s.InTx(ctx, func(tx *store.Tx) (err error) {
			predicted, err = f.l.RecommitDelta(ctx, tx, w, 730_00)
			return err
		}); err != nil || predicted != 2196_00 {
			t.Fatalf("predicted %d, %v; want 2196.00", predicted, err)
		}
		recommit := func(key string) int64 {
			t.Helper()
			var d int64
			if err := s.InTx(ctx, func(tx *store.Tx) error {
				// As the switch does: the old replica stops, the new one runs.
				if err := f.l.Stop(ctx, tx, old, switchAt); err != nil {
					return err
				}
				if err := f.l.Start(ctx, tx, repl, switchAt); err != nil {
					return err
				}
				w.ForecastMonthlyMinor = 730_00
				var err error
				d, err = f.l.Recommit(ctx, tx, w, 730_00, key)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return d
		}
		if d := recommit("mig_1"); d != predicted {
			t.Fatalf("recommit moved the line by %d, predicted %d", d, predicted)
		}
		after := f.balance()
		if after.Committed.Minor != 4392_00 || after.Accrued.Minor != 2184_00 ||
			after.Available.Minor != before.Available.Minor-2196_00 {
			t.Fatalf("after the switch: %+v (before %+v)", after, before)
		}
		byID := map[string]int64{}
		for _, l := range f.lines(model.LedgerCommitment, model.LedgerRelease) {
			byID[l.ID] = l.AmountMinor
		}
		if byID["commit/"+w.ID+"/mig_1"] != 4392_00 || byID["release/"+w.ID+"/mig_1"] != -2196_00 {
			t.Fatalf("re-commitment lines: %v", byID)
		}
		if d := recommit("mig_1"); d != 0 {
			t.Fatalf("a retried switch moved the line by %d", d)
		}
		if again := f.balance(); again != after {
			t.Fatalf("a retried switch booked: %+v → %+v", after, again)
		}
		lw, err := s.Read().LedgerWorkload(ctx, w.ID)
		if err != nil || lw.ForecastMonthlyMinor != 730_00 {
			t.Fatalf("the ledger's forecast: %v %d", err, lw.ForecastMonthlyMinor)
		}
		w.State = model.StateDeleted
		f.release(w)
		if s := sum(f.lines(model.LedgerCommitment, model.LedgerRelease)); s != 0 {
			t.Fatalf("commitments and releases sum to %d after the end", s)
		}
	})
}

// TestRecommitNeverOverdraws: an increase the line cannot take is refused
// with the increase and the shortfall (even where the institution allows
// overdraft requests: no finance officer approves a migration) and books
// nothing; one that fits exactly is booked; a workload never committed
// moves nothing.
func TestRecommitNeverOverdraws(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// 4380.00 committed, 2196.00 more needed at the switch: 6576.00.
		f := newFixture(t, s, setup{amountMinor: 6576_00 - 1, perHour: "0.5", overdraft: true})
		ctx := context.Background()
		w := f.committed(365_00)
		f.start(f.placement(w, 0), day("2026-01-01"))
		f.clock.Set(day("2026-07-02"))
		before := f.balance()
		for _, book := range []bool{false, true} {
			err := s.InTx(ctx, func(tx *store.Tx) error {
				if book {
					_, err := f.l.Recommit(ctx, tx, w, 730_00, "mig_1")
					return err
				}
				_, err := f.l.RecommitDelta(ctx, tx, w, 730_00)
				return err
			})
			var ob *ledger.OverBudgetError
			if !errors.As(err, &ob) || !errors.Is(err, workload.ErrBudget) || ob.Need.Minor != 2196_00 || ob.Shortfall.Minor != 1 {
				t.Fatalf("book=%v: %v", book, err)
			}
		}
		if after := f.balance(); after != before {
			t.Fatalf("a refused re-commitment booked: %+v → %+v", before, after)
		}
		// One minor unit more and it fits exactly.
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			line, err := tx.BudgetLines().Get(ctx, f.line.ID)
			if err != nil {
				return err
			}
			line.AmountMinor++
			return tx.BudgetLines().Update(ctx, &line)
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			_, err := f.l.Recommit(ctx, tx, w, 730_00, "mig_1")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if b := f.balance(); b.Available.Minor != 0 || b.Committed.Minor != 4392_00 {
			t.Fatalf("fitting exactly: %+v", b)
		}
		// Never committed: nothing to move.
		never := f.workload(365_00)
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			d1, err := f.l.RecommitDelta(ctx, tx, never, 1_000_000_00)
			if err != nil || d1 != 0 {
				return errors.Join(err, errors.New("delta of a workload never committed"))
			}
			d2, err := f.l.Recommit(ctx, tx, never, 1_000_000_00, "mig_2")
			if err != nil || d2 != 0 {
				return errors.Join(err, errors.New("recommit of a workload never committed"))
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if b := f.balance(); b.Committed.Minor != 4392_00 {
			t.Fatalf("a workload never committed booked: %+v", b)
		}
	})
}
