package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestInstallationMadeOnceAndKept: the first call makes the id, every
// later one (and every concurrent one) reads the same, and a workload's
// allow_simulated survives the round trip.
func TestInstallationMadeOnceAndKept(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ids := make([]string, 8)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in, err := s.Installation(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				ids[i] = in.ID
			}()
		}
		wg.Wait()
		if !strings.HasPrefix(ids[0], store.InstallationPrefix+"_") {
			t.Fatalf("installation id %q", ids[0])
		}
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("concurrent first starts disagree: %v", ids)
			}
		}
		again, err := s.Installation(ctx)
		if err != nil || again.ID != ids[0] || again.CreatedAt.IsZero() {
			t.Fatalf("second read: %+v %v (want %s)", again, err, ids[0])
		}
	})
}

func TestWorkloadAllowSimulatedRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var (
			w  model.Workload
			bl model.BudgetLine
		)
		err := s.InTx(ctx, func(tx *store.Tx) error {
			in := model.Institution{Name: "i", Country: "BR", Currency: "BRL"}
			if err := tx.Institutions().Create(ctx, &in, "ins"); err != nil {
				return err
			}
			bl = model.BudgetLine{InstitutionID: in.ID, FiscalYear: 2026, Code: "L1", Name: "l", Currency: "BRL", AmountMinor: 100}
			if err := tx.BudgetLines().Create(ctx, &bl, "bl"); err != nil {
				return err
			}
			p := model.Project{InstitutionID: in.ID, BudgetLineID: bl.ID, Name: "p"}
			if err := tx.Projects().Create(ctx, &p, "prj"); err != nil {
				return err
			}
			o := model.Offering{Name: "SCS-1V-2", Kind: model.KindVM, VCPUs: 1, MemoryMiB: 2048}
			if err := tx.Offerings().Create(ctx, &o, "off"); err != nil {
				return err
			}
			w = model.Workload{ProjectID: p.ID, InstitutionID: in.ID, BudgetLineID: bl.ID, WorkloadPolicy: model.WorkloadPolicy{OfferingID: o.ID, Replicas: 1,
				Classification: "public"}, Currency: "BRL", State: model.StatePendingApproval, AllowSimulated: true}
			return tx.Workloads().Create(ctx, &w, "wl")
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Read().Workloads().Get(ctx, w.ID)
		if err != nil || !got.AllowSimulated {
			t.Fatalf("allow_simulated lost: %+v %v", got, err)
		}
	})
}
