package ledger_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
	"github.com/soberana/soberana/internal/workload"
)

func TestCommitmentFormula(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		monthly money.Amount
		year    int
		now     time.Time
		want    int64
	}{
		{"whole non-leap year is 12 months", amt(100_00, "BRL"), 2026, day("2026-01-01"), 1200_00},
		{"before the year starts counts the whole year", amt(100_00, "BRL"), 2026, day("2025-06-01"), 1200_00},
		// 2028 has 8784 hours: 100 × 8784 / 730 = 1203.28767… → 1203.29
		{"leap year has 8784 hours", amt(100_00, "BRL"), 2028, day("2028-01-01"), 1203_29},
		// From 2028-02-29 00:00: 307 days = 7368 h → 100 × 7368/730 = 1009.315… → 1009.32
		{"from leap day", amt(100_00, "BRL"), 2028, day("2028-02-29"), 1009_32},
		// December 2026 = 744 h → 730 CLP × 744/730 = 744 CLP exactly
		{"last month, CLP", amt(730, "CLP"), 2026, day("2026-12-01"), 744},
		// one second left: 1 BRL × 1/2628000 → 0.00 BRL
		{"one second left", amt(1_00, "BRL"), 2026, time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), 0},
		{"year over", amt(100_00, "BRL"), 2026, day("2027-01-01"), 0},
		// half-even at the booking: 5 CLP × 365 days/730h… take 1 CLP over 1825 h = 2.5 → 2
		{"half-even tie", amt(1, "CLP"), 2026, time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC).Add(-1801 * time.Hour), 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ledger.Commitment(c.monthly, c.year, c.now)
			if got.Minor != c.want || got.Currency != c.monthly.Currency {
				t.Fatalf("Commitment(%s, %d, %s) = %s, want %d minor", c.monthly, c.year, c.now, got, c.want)
			}
		})
	}
}

func TestCommitFitsRefusesAndWaits(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{amountMinor: 2400_00})
	// On Jan 1 the whole year is committed: 100/month → 1200.
	w1 := f.committed(100_00)
	if b := f.balance(); b.Committed.Minor != 1200_00 || b.Available.Minor != 1200_00 {
		t.Fatalf("after one commit: %+v", b)
	}
	// Idempotent: committing again books nothing.
	f.mustCommit(w1)
	if n := len(f.lines(model.LedgerCommitment)); n != 1 {
		t.Fatalf("%d commitment lines after a repeated commit", n)
	}
	// 150/month needs 1800; 1200 available: short by 600.
	w2 := f.workload(150_00)
	ctx := context.Background()
	var err error
	f.l = ledger.New(f.s, ledger.Options{Lang: func(context.Context) i18n.Lang { return i18n.PTBR }})
	err = f.s.InTx(ctx, func(tx *store.Tx) error { _, err := f.l.Commit(ctx, tx, w2); return err })
	var ob *ledger.OverBudgetError
	if !errors.As(err, &ob) || !errors.Is(err, ledger.ErrOverBudget) || !errors.Is(err, workload.ErrBudget) {
		t.Fatalf("over-budget commit: %v", err)
	}
	if ob.Need != amt(1800_00, "BRL") || ob.Shortfall != amt(600_00, "BRL") || ob.LineCode != "10.302" {
		t.Fatalf("over-budget figures: %+v", ob)
	}
	var be *workload.BudgetError
	if !errors.As(err, &be) {
		t.Fatal("not a workload.BudgetError")
	}
	if got := be.Reason.Render(i18n.PTBR); !strings.Contains(got, "R$ 1.800,00") || !strings.Contains(got, "R$ 600,00") || !strings.Contains(got, "10.302") {
		t.Fatalf("reason in pt-BR: %q", got)
	}
	if got := i18n.T(i18n.EN, "ledger.over_budget", ob.Args()...); !strings.Contains(got, "R$1,800.00") {
		t.Fatalf("reason in en: %q", got)
	}
	if got := i18n.T(i18n.ES, "ledger.over_budget", ob.Args()...); !strings.Contains(got, money.Format(ob.Need, i18n.ES)) {
		t.Fatalf("reason in es: %q", got)
	}
	if b := f.balance(); b.Committed.Minor != 1200_00 {
		t.Fatalf("refused commit changed the balance: %+v", b)
	}
}

func TestOverdraftRequestWaitsThenApprovalCommits(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{amountMinor: 1000_00, overdraft: true, currency: "CLP"})
	w := f.workload(100_000) // CLP 100.000/month → 1.200.000 a year; line has 100.000
	if err := f.commit(w); err != errNeedsApproval {
		t.Fatalf("overdraft request: %v", err)
	}
	if n := len(f.lines()); n != 0 {
		t.Fatalf("a waiting request booked %d lines", n)
	}
	w.Version = 1 // stored: this Commit is the finance officer's approval
	f.mustCommit(w)
	b := f.balance()
	if b.Committed.Minor != 1_200_000 || b.Available.Minor != 100_000-1_200_000 {
		t.Fatalf("approved overdraft: %+v", b)
	}
}

// TestConcurrentCommitsNeverOverdraw: 100 requests race for a line that
// fits exactly 10; exactly 10 commit and available never goes negative.
func TestConcurrentCommitsNeverOverdraw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, setup{amountMinor: 10 * 1200_00})
		ctx := context.Background()
		var (
			wg            sync.WaitGroup
			fits, refused atomic.Int64
			unexpected    = make(chan error, 100)
			start         = make(chan struct{})
		)
		for range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				w := f.workload(100_00)
				err := s.InTx(ctx, func(tx *store.Tx) error {
					out, err := f.l.Commit(ctx, tx, w)
					if err != nil {
						return err
					}
					if out.NeedsApproval {
						return errNeedsApproval
					}
					// Available is never negative inside the transaction.
					line, err := tx.BudgetLines().Get(ctx, f.line.ID)
					if err != nil {
						return err
					}
					b, err := ledger.Balances(ctx, tx, []model.BudgetLine{line})
					if err != nil {
						return err
					}
					if b[0].Available.Minor < 0 {
						return errors.New("available went negative")
					}
					return nil
				})
				switch {
				case err == nil:
					fits.Add(1)
				case errors.Is(err, ledger.ErrOverBudget):
					refused.Add(1)
				default:
					unexpected <- err
				}
			}()
		}
		close(start)
		wg.Wait()
		close(unexpected)
		for err := range unexpected {
			t.Errorf("unexpected: %v", err)
		}
		if fits.Load() != 10 || refused.Load() != 90 {
			t.Fatalf("%d committed, %d refused; want 10 and 90", fits.Load(), refused.Load())
		}
		b := f.balance()
		if b.Available.Minor != 0 || b.Committed.Minor != 10*1200_00 || len(f.lines(model.LedgerCommitment)) != 10 {
			t.Fatalf("after the race: %+v", b)
		}
	})
}

func TestReleaseBalancesCommitmentToZero(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{amountMinor: 100_000_00, perHour: "0.5"})
	w, p := f.running(365_00, day("2026-01-01"))
	f.stop(p, day("2026-03-01"))
	res := f.rateThrough(day("2026-04-01"))
	if res.Charges != 2 || res.Releases != 1 {
		t.Fatalf("rating: %+v", res)
	}
	// 59 days × 24 h × 0.5 = 708.00 charged and released.
	if c := sum(f.lines(model.LedgerCharge)); c != 708_00 {
		t.Fatalf("charged %d", c)
	}
	f.release(w)
	f.release(w) // idempotent
	if s := sum(f.lines(model.LedgerCommitment, model.LedgerRelease)); s != 0 {
		t.Fatalf("commitment + releases = %d after delete", s)
	}
	b := f.balance()
	if b.Committed.Minor != 0 || b.Accrued.Minor != 708_00 {
		t.Fatalf("after delete: %+v", b)
	}
}

func TestAlertsFireOncePerThreshold(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqlite(t), setup{amountMinor: 1200_00})
	ctx := context.Background()
	alerts := func() []int64 {
		as, err := f.s.Read().BudgetAlerts(ctx, f.ins.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		var th []int64
		for _, a := range as {
			th = append(th, a.Threshold)
		}
		return th
	}
	f.mustCommit(f.workload(50_00)) // 600 of 1200: 50 %
	if got := alerts(); len(got) != 1 || got[0] != 50 {
		t.Fatalf("alerts at 50%%: %v", got)
	}
	f.mustCommit(f.workload(10_00)) // 720: still 60 %
	f.mustCommit(f.workload(30_00)) // 1080: 90 %
	if got := alerts(); len(got) != 2 || got[1] != 80 {
		t.Fatalf("alerts at 90%%: %v", got)
	}
	f.mustCommit(f.workload(10_00)) // 1200: 100 %
	if got := alerts(); len(got) != 3 || got[2] != 100 {
		t.Fatalf("alerts at 100%%: %v", got)
	}
}
