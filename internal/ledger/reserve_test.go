package ledger_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
	"github.com/soberana/soberana/internal/workload"
)

// TestReadCommittedCommitsNeverOverdraw races commits of different sizes
// on one budget line the way the create path runs them (store.Write at
// READ COMMITTED on PostgreSQL): the line is never over-committed, what is
// committed is exactly the sum of the commitments that succeeded (none
// lost, none counted twice), the running total equals the ledger, and
// every refused commit really did not fit what was left.
func TestReadCommittedCommitsNeverOverdraw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// Room for some, not all, and not a multiple of any size.
		const amount = 41*1200_00 + 5_17
		f := newFixture(t, s, setup{amountMinor: amount})
		ctx := store.ReadCommitted(context.Background())
		sizes := []int64{100_00, 7_00, 33_33}
		const n = 150
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			sum     int64
			fits    = map[string]int64{}
			refused []int64
			errs    []error
			start   = make(chan struct{})
		)
		now := f.clock.Now()
		brl, err := money.ParseCurrency("BRL")
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				w := f.workload(sizes[i%len(sizes)])
				need := ledger.Commitment(money.Amount{Minor: w.ForecastMonthlyMinor, Currency: brl}, 2026, now).Minor
				err := f.commitIn(ctx, w)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					fits[w.ID] = need
					sum += need
				case errors.Is(err, ledger.ErrOverBudget):
					refused = append(refused, need)
				default:
					errs = append(errs, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			t.Errorf("unexpected: %v", err)
		}
		if len(fits) == 0 || len(refused) == 0 {
			t.Fatalf("%d committed, %d refused: the race did not reach the limit", len(fits), len(refused))
		}
		b := f.balance()
		if b.Committed.Minor != sum || b.Committed.Minor > amount || b.Available.Minor < 0 {
			t.Fatalf("committed %d of %d, want exactly the %d of the %d commits that succeeded", b.Committed.Minor, amount, sum, len(fits))
		}
		for _, need := range refused {
			if need <= b.Available.Minor {
				t.Fatalf("a commit of %d was refused but %d is still available", need, b.Available.Minor)
			}
		}
		lines := f.lines(model.LedgerCommitment)
		if len(lines) != len(fits) {
			t.Fatalf("%d commitment lines for %d commits", len(lines), len(fits))
		}
		for _, l := range lines {
			if need, ok := fits[l.WorkloadID]; !ok || need != l.AmountMinor {
				t.Fatalf("ledger line %s books %d for %s; the commit reserved %d (ok=%v)", l.ID, l.AmountMinor, l.WorkloadID, need, ok)
			}
		}
		drift, err := s.Read().BalanceDrift(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(drift) > 0 {
			t.Fatalf("the ledger differs from the running totals: %+v", drift)
		}
	})
}

// TestAmountCutWaitsForReservations cuts a line while commits race on it
// at READ COMMITTED: the cut either sees every reservation committed
// before it (and records a reduction if it goes below them) or the
// reservations after it see the new amount; the line never carries more
// than its final amount without a recorded reduction.
func TestAmountCutWaitsForReservations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const amount = 60 * 1200_00
		f := newFixture(t, s, setup{amountMinor: amount})
		ctx := store.ReadCommitted(context.Background())
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 60 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_ = f.commitIn(ctx, f.workload(100_00))
			}()
		}
		var cutErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			bg := context.Background()
			cutErr = s.InTx(bg, func(tx *store.Tx) error {
				old, err := tx.BudgetLines().Get(bg, f.line.ID)
				if err != nil {
					return err
				}
				return cutWithoutReason(bg, tx, old, 20*1200_00)
			})
		}()
		close(start)
		wg.Wait()
		b := f.balance()
		switch {
		case cutErr == nil:
			if b.Amount.Minor != 20*1200_00 || b.Committed.Minor > b.Amount.Minor {
				t.Fatalf("cut accepted, yet the line carries %d of %d", b.Committed.Minor, b.Amount.Minor)
			}
		case errors.Is(cutErr, ledger.ErrBelowFloor):
			if b.Amount.Minor != amount {
				t.Fatalf("cut refused, yet the amount is %d", b.Amount.Minor)
			}
		default:
			t.Fatalf("cut: %v", cutErr)
		}
	})
}

// TestReservationAtCommitRefusedRunsAgainInPlace: at READ COMMITTED on
// PostgreSQL a commit first leaves its reservation for COMMIT; one that
// does not fit rolls the whole transaction back (the rows it wrote, its
// commitment line) and the transaction runs again reserving in place, so
// that Commit sees the refusal: an over-budget error for an institution
// without overdraft requests, a request waiting for approval otherwise.
// Nothing of the refused attempt remains, and a commit that fits
// reserves exactly once.
func TestReservationAtCommitRefusedRunsAgainInPlace(t *testing.T) {
	t.Parallel()
	for _, overdraft := range []bool{false, true} {
		t.Run(map[bool]string{false: "refused", true: "overdraft"}[overdraft], func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				f := newFixture(t, s, setup{amountMinor: 1000_00, overdraft: overdraft})
				ctx := store.ReadCommitted(context.Background())
				run := func(w *model.Workload) ([]bool, workload.BudgetOutcome, error) {
					var deferred []bool
					var out workload.BudgetOutcome
					err := s.Write(ctx, func(tx *store.Tx) error {
						deferred = append(deferred, tx.ReservesAtCommit())
						// A row written before the reservation, as a create
						// writes its workload: it must go with a refusal.
						if err := tx.PutLedgerWorkloads(ctx, &store.LedgerWorkload{WorkloadID: "marker-" + w.ID,
							InstitutionID: f.ins.ID, ProjectID: f.project.ID, BudgetLineID: f.line.ID,
							OfferingID: f.offering.ID, Currency: "BRL"}); err != nil {
							return err
						}
						var err error
						out, err = f.l.Commit(ctx, tx, w)
						return err
					})
					return deferred, out, err
				}
				// The outcome's cost (what a create answers with) is what
				// WorkloadCost reads once the commit is stored.
				costIs := func(w *model.Workload, out workload.BudgetOutcome) {
					t.Helper()
					c, err := ledger.WorkloadCost(context.Background(), s.Read(), w.ID, f.clock.Now())
					if err != nil {
						t.Fatal(err)
					}
					want := model.WorkloadCost{WorkloadID: w.ID, Month: ledger.Month(f.clock.Now()), MonthToDate: c.MonthToDate,
						ForecastMonthly: money.Amount{Minor: c.Ledger.ForecastMonthlyMinor, Currency: c.MonthToDate.Currency},
						Committed:       c.Committed}
					if out.Cost == nil || !reflect.DeepEqual(*out.Cost, want) {
						t.Fatalf("overdraft=%v: the commit answered cost %+v, WorkloadCost reads %+v", overdraft, out.Cost, want)
					}
				}
				pg := s.Dialect() == store.Postgres
				small := f.workload(10_00)
				deferred, out, err := run(small)
				if err != nil || out.NeedsApproval {
					t.Fatalf("overdraft=%v: a commit that fits: %+v, %v", overdraft, out, err)
				}
				costIs(small, out)
				if out.Cost.Committed.Minor <= 0 {
					t.Fatalf("a commit that fits answered nothing committed: %+v", out.Cost)
				}
				if want := []bool{pg}; !slices.Equal(deferred, want) {
					t.Fatalf("overdraft=%v: reserved at commit %v, want %v", overdraft, deferred, want)
				}
				before := f.balance()
				big := f.workload(5000_00)
				deferred, out, err = run(big)
				want := []bool{false}
				if pg {
					want = []bool{true, false}
				}
				if !slices.Equal(deferred, want) {
					t.Fatalf("overdraft=%v: reserved at commit %v, want %v", overdraft, deferred, want)
				}
				if overdraft {
					if err != nil || !out.NeedsApproval {
						t.Fatalf("over budget with overdraft requests: %+v, %v; want needs approval", out, err)
					}
					costIs(big, out)
				} else if !errors.Is(err, ledger.ErrOverBudget) {
					t.Fatalf("over budget: %v, want ErrOverBudget", err)
				}
				after := f.balance()
				if after.Committed != before.Committed || after.Accrued != before.Accrued {
					t.Fatalf("overdraft=%v: a refused commit moved the line from %+v to %+v", overdraft, before, after)
				}
				for _, l := range f.lines(model.LedgerCommitment) {
					if l.WorkloadID == big.ID {
						t.Fatalf("overdraft=%v: the refused commit left ledger line %s", overdraft, l.ID)
					}
				}
				if !overdraft {
					if _, err := s.Read().LedgerWorkload(context.Background(), "marker-"+big.ID); !errors.Is(err, store.ErrNotFound) {
						t.Fatalf("the refused transaction's other rows remain: %v", err)
					}
				}
			})
		})
	}
}

// TestCutWithSnapshotBeforeFirstReservation is the deterministic form of
// the race TestAmountCutWaitsForReservations found in CI: a cut whose
// SERIALIZABLE snapshot is taken before a fresh line's first reservations
// (so the line has no running total in it) must not read a floor of zero
// once those reservations have committed. PostgreSQL only: on SQLite a
// transaction holds the write lock from BEGIN, so nothing can commit
// under the cut.
func TestCutWithSnapshotBeforeFirstReservation(t *testing.T) {
	s := storetest.Postgres(t)
	const amount = 60 * 1200_00
	f := newFixture(t, s, setup{amountMinor: amount})
	bg := context.Background()
	attempts := 0
	err := s.InTx(bg, func(tx *store.Tx) error {
		attempts++
		old, err := tx.BudgetLines().Get(bg, f.line.ID) // the snapshot: no balance row yet
		if err != nil {
			return err
		}
		if attempts == 1 {
			// 30 commitments of 1,200.00 commit beside the cut, after
			// its snapshot and before it locks the line, at READ
			// COMMITTED as creates run (SSI does not see them).
			rc := store.ReadCommitted(bg)
			for range 30 {
				if err := f.commitIn(rc, f.workload(100_00)); err != nil {
					return err
				}
			}
		}
		return cutWithoutReason(bg, tx, old, 20*1200_00)
	})
	if !errors.Is(err, ledger.ErrBelowFloor) {
		b := f.balance()
		t.Fatalf("cut to 24,000.00 under 36,000.00 committed: err %v (attempts %d), line carries %d of %d",
			err, attempts, b.Committed.Minor, b.Amount.Minor)
	}
	if attempts < 2 {
		t.Fatalf("the cut ran %d time(s); its first snapshot missed the commitments and must have been retried", attempts)
	}
}
