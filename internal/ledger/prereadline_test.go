package ledger_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
	"github.com/soberana/soberana/internal/workload"
)

// preread is the budget line as a create reads it, before its
// transaction and unlocked (store.Tx.CreateInputs).
func (f *fixture) preread() model.BudgetLine {
	f.t.Helper()
	_, _, _, line, err := f.s.Read().CreateInputs(context.Background(), f.project.ID, f.offering.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	if line.ID != f.line.ID || line.AmountMinor != f.line.AmountMinor || line.FiscalYear != f.line.FiscalYear {
		f.t.Fatalf("CreateInputs read line %+v, want %+v", line, f.line)
	}
	return line
}

// setLine changes the line in a transaction of its own, as PUT
// /v1/budget-lines/{id} does when nothing is committed on it.
func (f *fixture) setLine(ctx context.Context, change func(*model.BudgetLine)) error {
	return f.s.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.BudgetLines().Get(ctx, f.line.ID)
		if err != nil {
			return err
		}
		next := old
		change(&next)
		if _, err := ledger.CheckAmount(ctx, tx, old, next, ledger.Reduction{}); err != nil {
			return err
		}
		return tx.BudgetLines().Update(ctx, &next)
	})
}

// commitNew runs CommitNew for w from the pre-read line in a write
// transaction under ctx (store.Write with store.ReadCommitted: the
// create's path, the reservation left for COMMIT on PostgreSQL) or, with
// inTx, in a plain transaction (SERIALIZABLE on PostgreSQL: reserved in
// place). during runs inside the transaction after CommitNew, on every
// attempt.
func (f *fixture) commitNew(inTx bool, w *model.Workload, line model.BudgetLine, during func(tx *store.Tx) error) (workload.BudgetOutcome, []bool, error) {
	var (
		out      workload.BudgetOutcome
		deferred []bool
	)
	fn := func(ctx context.Context) func(tx *store.Tx) error {
		return func(tx *store.Tx) error {
			deferred = append(deferred, tx.ReservesAtCommit())
			var err error
			if out, err = f.l.CommitNew(ctx, tx, w, line); err != nil {
				return err
			}
			if during != nil {
				return during(tx)
			}
			return nil
		}
	}
	bg := context.Background()
	if inTx {
		return out, deferred, f.s.InTx(bg, fn(bg))
	}
	ctx := store.ReadCommitted(bg)
	return out, deferred, f.s.Write(ctx, fn(ctx))
}

// refusedAsCommitDecides checks the outcome of a commit that does not fit
// the line's current amount, nothing reserved or booked.
func refusedAsCommitDecides(t *testing.T, f *fixture, overdraft bool, w *model.Workload, out workload.BudgetOutcome, err error) {
	t.Helper()
	if overdraft {
		if err != nil || !out.NeedsApproval {
			t.Fatalf("over the current amount with overdraft requests: %+v, %v; want needs approval", out, err)
		}
	} else if !errors.Is(err, ledger.ErrOverBudget) {
		t.Fatalf("over the current amount: %+v, %v; want ErrOverBudget (the limit came from the read before the transaction?)", out, err)
	}
	b := f.balance()
	if b.Committed.Minor != 0 || b.Available.Minor < 0 {
		t.Fatalf("the line carries %d committed of %d", b.Committed.Minor, b.Amount.Minor)
	}
	for _, l := range f.lines(model.LedgerCommitment) {
		if l.WorkloadID == w.ID {
			t.Fatalf("a refused commit booked %s", l.ID)
		}
	}
}

// TestCommitNewRespectsLineLoweredAfterPreread: a create reads its budget
// line before its transaction (CreateInputs) and does not read it again
// (ledger.CommitNew); a line lowered in between must be respected — the
// amount read before decides nothing. A commitment of 1,200.00 fits the
// 5,000.00 read, not the 1,000.00 the line has when the create reserves.
// Both ways a create reserves (left for COMMIT at READ COMMITTED on
// PostgreSQL; in place on SQLite and under SERIALIZABLE), both kinds of
// institution.
func TestCommitNewRespectsLineLoweredAfterPreread(t *testing.T) {
	t.Parallel()
	for _, overdraft := range []bool{false, true} {
		for _, inTx := range []bool{false, true} {
			name := map[bool]string{false: "refused", true: "overdraft"}[overdraft] + map[bool]string{false: "/write", true: "/intx"}[inTx]
			t.Run(name, func(t *testing.T) {
				storetest.Each(t, func(t *testing.T, s *store.Store) {
					f := newFixture(t, s, setup{amountMinor: 5000_00, overdraft: overdraft})
					line := f.preread()
					if err := f.setLine(context.Background(), func(l *model.BudgetLine) { l.AmountMinor = 1000_00 }); err != nil {
						t.Fatal(err)
					}
					w := f.workload(100_00)
					out, deferred, err := f.commitNew(inTx, w, line, nil)
					if atCommit := s.Dialect() == store.Postgres && !inTx; len(deferred) == 0 || deferred[0] != atCommit {
						t.Fatalf("reserved at commit %v, want first %v", deferred, atCommit)
					}
					refusedAsCommitDecides(t, f, overdraft, w, out, err)
					// What fits the current amount still commits from the
					// same stale read.
					small := f.workload(50_00)
					if out, _, err := f.commitNew(inTx, small, line, nil); err != nil || out.NeedsApproval {
						t.Fatalf("600.00 on a line of 1,000.00: %+v, %v", out, err)
					}
					if b := f.balance(); b.Committed.Minor != 600_00 || b.Amount.Minor != 1000_00 {
						t.Fatalf("line carries %d of %d, want 600.00 of 1,000.00", b.Committed.Minor, b.Amount.Minor)
					}
				})
			})
		}
	}
}

// TestCommitNewRespectsLineLoweredBeforeCommit lowers the line while the
// create's transaction runs, after CommitNew left its reservation for
// COMMIT (PostgreSQL at READ COMMITTED, the create's path) and before
// the COMMIT: the reservation reads the amount it commits against, so it
// is refused and the transaction runs again and decides as Commit does.
// PostgreSQL only: on SQLite nothing commits under a write transaction.
func TestCommitNewRespectsLineLoweredBeforeCommit(t *testing.T) {
	t.Parallel()
	s := storetest.Postgres(t)
	f := newFixture(t, s, setup{amountMinor: 5000_00})
	line := f.preread()
	w := f.workload(100_00)
	lowered := false
	out, deferred, err := f.commitNew(false, w, line, func(tx *store.Tx) error {
		if lowered {
			return nil
		}
		lowered = true
		// The amount alone (not CheckAmount, whose FOR UPDATE would wait
		// for this transaction's rows that reference the line): nothing
		// is committed on the line, so no floor is crossed.
		bg := context.Background()
		return s.InTx(bg, func(tx *store.Tx) error {
			l, err := tx.BudgetLines().Get(bg, f.line.ID)
			if err != nil {
				return err
			}
			l.AmountMinor = 1000_00
			return tx.BudgetLines().Update(bg, &l)
		})
	})
	if len(deferred) == 0 || !deferred[0] {
		t.Fatalf("reserved at commit %v: the create's first attempt must leave the reservation for COMMIT", deferred)
	}
	refusedAsCommitDecides(t, f, false, w, out, err)
}

// TestCommitNewLineMovedToAnotherYear: the commitment is computed for the
// fiscal year read before the transaction; a line moved to another year
// since is not reserved on with it, and the create commits what the
// line's current year needs.
func TestCommitNewLineMovedToAnotherYear(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, setup{amountMinor: 100_000_00})
		f.clock.Set(day("2026-07-02"))
		line := f.preread()
		if err := f.setLine(context.Background(), func(l *model.BudgetLine) { l.FiscalYear = 2027 }); err != nil {
			t.Fatal(err)
		}
		w := f.workload(100_00)
		out, _, err := f.commitNew(false, w, line, nil)
		if err != nil || out.NeedsApproval {
			t.Fatalf("commit: %+v, %v", out, err)
		}
		want := ledger.Commitment(amt(100_00, "BRL"), 2027, f.clock.Now()).Minor
		if old := ledger.Commitment(amt(100_00, "BRL"), 2026, f.clock.Now()).Minor; old == want {
			t.Fatalf("the two years commit the same %d: the test shows nothing", want)
		}
		if b := f.balance(); b.Committed.Minor != want {
			t.Fatalf("committed %d, want %d (the whole of 2027)", b.Committed.Minor, want)
		}
		if out.Cost == nil || out.Cost.Committed.Minor != want {
			t.Fatalf("the commit answered cost %+v, want %d committed", out.Cost, want)
		}
	})
}

// TestCommitNewRacesAmountCut races creates that commit from one stale
// read of their line (CommitNew) with a cut of the line (CheckAmount, as
// PUT /v1/budget-lines/{id}): whichever way it goes, the line never
// carries more than its amount without a recorded reduction, and its
// running total equals the ledger.
func TestCommitNewRacesAmountCut(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const amount = 60 * 1200_00
		f := newFixture(t, s, setup{amountMinor: amount})
		line := f.preread()
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			errs   []error
			start  = make(chan struct{})
			cutErr error
		)
		for range 60 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, _, err := f.commitNew(false, f.workload(100_00), line, nil)
				if err != nil && !errors.Is(err, ledger.ErrOverBudget) {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			cutErr = f.setLine(context.Background(), func(l *model.BudgetLine) { l.AmountMinor = 20 * 1200_00 })
		}()
		close(start)
		wg.Wait()
		for _, err := range errs {
			t.Errorf("commit: %v", err)
		}
		if cutErr != nil && !errors.Is(cutErr, ledger.ErrBelowFloor) {
			t.Fatalf("cut: %v", cutErr)
		}
		// Accepted, the cut is the line's amount; refused (below what
		// was committed before it), the amount is unchanged. Either way
		// nothing is committed beyond it.
		want := map[bool]int64{true: 20 * 1200_00, false: amount}[cutErr == nil]
		if b := f.balance(); b.Amount.Minor != want || b.Committed.Minor > b.Amount.Minor {
			t.Fatalf("cut err %v: the line carries %d of %d (want an amount of %d)", cutErr, b.Committed.Minor, b.Amount.Minor, want)
		}
	})
}
