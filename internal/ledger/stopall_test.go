package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestStopAllAsStopOneByOne: StopAll closes the intervals Stop would,
// one per replica, in one statement for the whole batch, and leaves
// other replicas' and already closed intervals alone; replicas started
// again in the second they stopped (a resize) get their intervals back
// in two more statements together, whatever their number.
func TestStopAllAsStopOneByOne(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, setup{amountMinor: 100_000_00})
		a, b := f.committed(100_00), f.committed(200_00)
		a1, a2, a3, b1 := f.placement(a, 0), f.placement(a, 1), f.placement(a, 2), f.placement(b, 0)
		t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		t1 := t0.Add(time.Hour)
		inTx := func(fn func(ctx context.Context, tx *store.Tx) error) int {
			t.Helper()
			n, err := f.statements(fn)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		inTx(func(ctx context.Context, tx *store.Tx) error {
			return f.l.StartAll(ctx, tx, []*model.Placement{a1, a2, a3, b1}, t0)
		})
		f.stop(a3, t0.Add(time.Minute))

		// BEGIN, the update, COMMIT.
		if n := inTx(func(ctx context.Context, tx *store.Tx) error {
			return f.l.StopAll(ctx, tx, []*model.Placement{a1, a2, a3}, t1.Add(300*time.Millisecond))
		}); n > 3 {
			t.Errorf("StopAll of 3 replicas ran %d statements, want at most 3", n)
		}
		got := f.intervals(a)
		for _, p := range []*model.Placement{a1, a2} {
			if ivs := got[p.ID]; len(ivs) != 1 || ivs[0].End == nil || !ivs[0].End.Equal(t1) {
				t.Fatalf("replica %d after StopAll: %+v, want one interval ended at %s", p.Replica, ivs, t1)
			}
		}
		if ivs := got[a3.ID]; len(ivs) != 1 || ivs[0].End == nil || !ivs[0].End.Equal(t0.Add(time.Minute)) {
			t.Fatalf("StopAll moved the end of an interval already closed: %+v", ivs)
		}
		if ivs := f.intervals(b)[b1.ID]; len(ivs) != 1 || ivs[0].End != nil {
			t.Fatalf("StopAll closed another replica's interval: %+v", ivs)
		}

		// Started again at once, as a resize does: each opens a new
		// interval from t1, the empty ones in the way dropped together.
		resize := func(ps ...*model.Placement) int {
			t.Helper()
			return inTx(func(ctx context.Context, tx *store.Tx) error {
				if err := f.l.StopAll(ctx, tx, ps, t1); err != nil {
					return err
				}
				return f.l.StartAll(ctx, tx, ps, t1)
			})
		}
		// BEGIN, the attributes, the intervals, COMMIT: none in the way.
		if n := resize(a1, a2); n != 5 {
			t.Errorf("a stop and start an hour after the last ran %d statements, want 5", n)
		}
		// The intervals just opened are empty when stopped in their
		// second: two more statements, for one replica as for two.
		one, two := resize(a1), resize(a1, a2)
		if one != 7 || two != 7 {
			t.Errorf("a stop and start in the second of the last ran %d statements for one replica, %d for two; want 7 for both", one, two)
		}
		got = f.intervals(a)
		for _, p := range []*model.Placement{a1, a2} {
			var open, empty int
			for _, iv := range got[p.ID] {
				switch {
				case iv.End == nil:
					open++
					if !iv.Start.Equal(t1) {
						t.Fatalf("replica %d's open interval starts at %s, want %s", p.Replica, iv.Start, t1)
					}
				case iv.End.Equal(iv.Start):
					empty++
				}
			}
			if open != 1 || empty != 0 || len(got[p.ID]) != 2 {
				t.Fatalf("replica %d after its resizes: %+v, want the hour and one open interval", p.Replica, got[p.ID])
			}
		}
	})
}
