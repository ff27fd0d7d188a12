package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestWorkloadCostReads: the one-statement cost read answers what the
// separate reads do (ledger row, booked and remaining sums, intervals),
// for a workload with intervals, one without, and one the ledger lacks.
func TestWorkloadCostReads(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		line := newBudgetLine(t, s, 1000)
		t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for _, id := range []string{"wl_1", "wl_2"} {
				if err := tx.PutLedgerWorkloads(ctx, &store.LedgerWorkload{WorkloadID: id, InstitutionID: line.InstitutionID,
					ProjectID: "prj_1", BudgetLineID: line.ID, OfferingID: "off_1", Currency: "BRL", ForecastMonthlyMinor: 100}); err != nil {
					return err
				}
			}
			if _, err := tx.OpenIntervals(ctx,
				&store.UsageInterval{ID: "ivl_1", PlacementID: "pl_1", WorkloadID: "wl_1", OfferingID: "off_1", SiteID: "s", ProviderID: "p", Start: t0},
				&store.UsageInterval{ID: "ivl_2", PlacementID: "pl_2", WorkloadID: "wl_1", OfferingID: "off_1", SiteID: "s2", ProviderID: "p", Start: t0.Add(time.Minute), Stopped: true}); err != nil {
				return err
			}
			if _, err := tx.CloseInterval(ctx, "pl_1", t0.Add(time.Hour)); err != nil {
				return err
			}
			_, err := tx.InsertLedgerLines(ctx, []model.LedgerLine{
				{ID: "commit/wl_1", Kind: model.LedgerCommitment, Period: "2026-11", InstitutionID: line.InstitutionID, BudgetLineID: line.ID, WorkloadID: "wl_1", Currency: "BRL", AmountMinor: 500},
				{ID: "charge/ivl_1/0", Kind: model.LedgerCharge, Period: "2026-11", InstitutionID: line.InstitutionID, BudgetLineID: line.ID, WorkloadID: "wl_1", ProviderID: "p", ProviderCurrency: "USD", ProviderMinor: 20, Currency: "BRL", AmountMinor: 100, UsageFrom: t0, UsageTo: t0.Add(time.Hour), Seconds: 3600},
				{ID: "charge/ivl_1/old", Kind: model.LedgerCharge, Period: "2026-10", InstitutionID: line.InstitutionID, BudgetLineID: line.ID, WorkloadID: "wl_1", ProviderID: "p", ProviderCurrency: "USD", ProviderMinor: 20, Currency: "BRL", AmountMinor: 7, UsageFrom: t0.Add(-time.Hour), UsageTo: t0, Seconds: 3600},
				{ID: "release/ivl_1/0", Kind: model.LedgerRelease, Period: "2026-11", InstitutionID: line.InstitutionID, BudgetLineID: line.ID, WorkloadID: "wl_1", Currency: "BRL", AmountMinor: -100},
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		tx := s.Read()
		kinds := [2]model.LedgerKind{model.LedgerCharge, model.LedgerAdjustment}
		for _, c := range []struct {
			id                string
			booked, remaining int64
			intervals         int
		}{{"wl_1", 100, 400, 2}, {"wl_2", 0, 0, 0}} {
			in, err := tx.WorkloadCostReads(ctx, c.id, "2026-11", kinds)
			if err != nil {
				t.Fatal(err)
			}
			lw, err := tx.LedgerWorkload(ctx, c.id)
			if err != nil {
				t.Fatal(err)
			}
			ivs, err := tx.WorkloadIntervals(ctx, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if in.Ledger != lw || in.BookedMinor != c.booked || in.RemainingMinor != c.remaining ||
				len(in.Intervals) != c.intervals || !reflect.DeepEqual(in.Intervals, ivs) {
				t.Errorf("%s: %+v\nwant ledger %+v, booked %d, remaining %d, intervals %+v", c.id, in, lw, c.booked, c.remaining, ivs)
			}
		}
		if _, err := tx.WorkloadCostReads(ctx, "wl_none", "2026-11", kinds); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing workload: %v", err)
		}
	})
}
