package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestLedgerStore is the ledger tables' contract on every dialect:
// idempotent keys, one open interval per placement, balances, closures and
// statement sums.
func TestLedgerStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		line := newBudgetLine(t, s, 1000)
		err := s.InTx(ctx, func(tx *store.Tx) error {
			return tx.PutLedgerWorkloads(ctx, &store.LedgerWorkload{WorkloadID: "wl_1", InstitutionID: line.InstitutionID,
				ProjectID: "prj_1", BudgetLineID: line.ID, OfferingID: "off_1", Currency: "BRL", ForecastMonthlyMinor: 100})
		})
		if err != nil {
			t.Fatal(err)
		}
		tx := s.Read()
		w, err := tx.LedgerWorkload(ctx, "wl_1")
		if err != nil || w.BudgetLineID != line.ID {
			t.Fatalf("ledger workload: %+v %v", w, err)
		}
		if _, err := tx.LedgerWorkload(ctx, "wl_none"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing workload: %v", err)
		}

		t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		iv := &store.UsageInterval{ID: "ivl_1", PlacementID: "pl_1", WorkloadID: "wl_1", OfferingID: "off_1", SiteID: "s", ProviderID: "p", Start: t0}
		opened, err := tx.OpenIntervals(ctx, iv)
		if err != nil || !opened["ivl_1"] {
			t.Fatalf("open: %v %v", opened, err)
		}
		again := *iv
		again.ID, again.Start = "ivl_2", t0.Add(time.Hour)
		if opened, err := tx.OpenIntervals(ctx, &again); err != nil || len(opened) != 0 {
			t.Fatalf("second open interval for one placement: %v %v", opened, err)
		}
		if ok, err := tx.CloseInterval(ctx, "pl_1", t0.Add(-time.Hour)); err != nil || !ok {
			t.Fatalf("close: %v %v", ok, err)
		}
		if ok, _ := tx.CloseInterval(ctx, "pl_1", t0.Add(time.Hour)); ok {
			t.Fatal("second close closed something")
		}
		ivs, err := tx.WorkloadIntervals(ctx, "wl_1")
		if err != nil || len(ivs) != 1 || ivs[0].End == nil || !ivs[0].End.Equal(t0) || ivs[0].BudgetLineID != line.ID {
			t.Fatalf("intervals: %+v %v", ivs, err)
		}

		lines := []model.LedgerLine{
			{ID: "commit/wl_1", Kind: model.LedgerCommitment, Period: "2026-11", InstitutionID: w.InstitutionID, BudgetLineID: line.ID, WorkloadID: "wl_1", Currency: "BRL", AmountMinor: 500},
			{ID: "charge/ivl_1/0", Kind: model.LedgerCharge, Period: "2026-11", InstitutionID: w.InstitutionID, BudgetLineID: line.ID, WorkloadID: "wl_1", ProviderID: "p", ProviderCurrency: "USD", ProviderMinor: 20, Currency: "BRL", AmountMinor: 100, UsageFrom: t0, UsageTo: t0.Add(time.Hour), Seconds: 3600},
			{ID: "release/ivl_1/0", Kind: model.LedgerRelease, Period: "2026-11", InstitutionID: w.InstitutionID, BudgetLineID: line.ID, WorkloadID: "wl_1", Currency: "BRL", AmountMinor: -100},
		}
		got, err := tx.InsertLedgerLines(ctx, lines)
		if err != nil || len(got) != 3 {
			t.Fatalf("insert: %v %v", got, err)
		}
		if got, err := tx.InsertLedgerLines(ctx, lines); err != nil || len(got) != 0 {
			t.Fatalf("re-insert booked %v (%v)", got, err)
		}
		rem, err := tx.RemainingCommitments(ctx, []string{"wl_1", "wl_x"})
		if err != nil || rem["wl_1"] != 400 || len(rem) != 1 {
			t.Fatalf("remaining: %v %v", rem, err)
		}
		// The ledger sums to 400 committed, 100 accrued: balances that
		// say otherwise drift.
		sum := model.Balance{CommittedMinor: 400, AccruedMinor: 100}
		if drift, err := tx.BalanceDrift(ctx); err != nil || len(drift) != 1 || drift[0].Ledger != sum {
			t.Fatalf("drift before the balance is kept: %+v %v", drift, err)
		}
		if err := tx.AddBudgetBalance(ctx, line.ID, 400, 0); err != nil {
			t.Fatal(err)
		}
		if err := tx.AddBudgetBalance(ctx, line.ID, 0, 100); err != nil {
			t.Fatal(err)
		}
		bal, err := tx.BudgetBalances(ctx, []string{line.ID})
		if err != nil || bal[line.ID] != sum {
			t.Fatalf("balance %+v, want %+v (%v)", bal, sum, err)
		}
		if drift, err := tx.BalanceDrift(ctx); err != nil || len(drift) != 0 {
			t.Fatalf("drift once the balance is kept: %+v %v", drift, err)
		}
		rows, err := tx.StatementRows(ctx, "institution", w.InstitutionID, "2026-11")
		if err != nil || len(rows) != 1 || rows[0].AmountMinor != 100 || rows[0].ProviderMinor != 20 || rows[0].Seconds != 3600 {
			t.Fatalf("statement rows: %+v %v", rows, err)
		}
		all, err := tx.LedgerLines(ctx, store.LedgerFilter{WorkloadID: "wl_1", Kinds: []model.LedgerKind{model.LedgerCharge}})
		if err != nil || len(all) != 1 || !all[0].UsageFrom.Equal(t0) || all[0].Seconds != 3600 {
			t.Fatalf("lines: %+v %v", all, err)
		}

		a := &model.BudgetAlert{ID: "ba_1", InstitutionID: w.InstitutionID, BudgetLineID: line.ID, Threshold: 50, UsedMinor: 500, AmountMinor: 1000, Currency: "BRL"}
		if ok, err := tx.InsertBudgetAlert(ctx, a); err != nil || !ok {
			t.Fatalf("alert: %v %v", ok, err)
		}
		a.ID = "ba_2"
		if ok, err := tx.InsertBudgetAlert(ctx, a); err != nil || ok {
			t.Fatalf("second alert for a threshold: %v %v", ok, err)
		}
		c := &store.StatementClosure{InstitutionID: w.InstitutionID, Month: "2026-11", ClosedBy: "test"}
		if err := tx.CloseMonth(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := tx.CloseMonth(ctx, c); !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("second close: %v", err)
		}
	})
}
