package deploy

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// fix is a demo database plus a kubernetes provider with the given sites,
// a running namespace workload of a project with one running replica per
// site, in site order.
type fix struct {
	st         *store.Store
	project    model.Project
	provider   model.Provider
	workload   model.Workload
	placements []store.PlacementRow
}

func newFix(t *testing.T, providerID string, siteIDs []string) fix {
	t.Helper()
	return fixOn(t, storetest.SQLite(t), true, providerID, siteIDs, nil)
}

// fixOn builds the fixture in st (seeding the demo fleet first when seed);
// more runs in the same transaction.
func fixOn(t *testing.T, st *store.Store, seedDemo bool, providerID string, siteIDs []string, more func(tx *store.Tx) error) fix {
	t.Helper()
	ctx := context.Background()
	var f fix
	f.st = st
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if seedDemo {
			if err := seed.Demo(ctx, tx); err != nil {
				return err
			}
		}
		projs, err := tx.Projects().All(ctx)
		if err != nil {
			return err
		}
		f.project = projs[0]
		f.provider = model.Provider{Meta: model.Meta{ID: providerID}, Name: "k8s test", Driver: model.DriverKubernetes,
			Jurisdiction: "MX", Certification: "restricted", Currency: "MXN"}
		if err := tx.Providers().Create(ctx, &f.provider, "prv"); err != nil {
			return err
		}
		off := model.Offering{Name: "ns-test", Kind: model.KindNamespace, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 10}
		if err := tx.Offerings().Create(ctx, &off, "off"); err != nil {
			return err
		}
		for _, s := range siteIDs {
			site := model.Site{Meta: model.Meta{ID: s}, ProviderID: providerID, Name: s, Country: "MX", Tier: "core",
				FailureDomain: s, Health: model.HealthHealthy}
			if err := tx.Sites().Create(ctx, &site, "site"); err != nil {
				return err
			}
		}
		f.workload = model.Workload{ProjectID: f.project.ID, InstitutionID: f.project.InstitutionID, BudgetLineID: f.project.BudgetLineID,
			WorkloadPolicy: model.WorkloadPolicy{OfferingID: off.ID, Replicas: len(siteIDs), Classification: "internal"}, Currency: "MXN", State: model.StateRunning}
		if err := tx.Workloads().Create(ctx, &f.workload, "wl"); err != nil {
			return err
		}
		for i, s := range siteIDs {
			p := store.PlacementRow{Placement: model.Placement{WorkloadID: f.workload.ID, Replica: i, SiteID: s, ProviderID: providerID,
				State: model.PlacementRunning, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 10}}
			if err := tx.Placements().Create(ctx, &p, "plc"); err != nil {
				return err
			}
			f.placements = append(f.placements, p)
		}
		if more != nil {
			return more(tx)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// testBox is a secrets box with a fresh key over st: apps need one.
func testBox(t *testing.T, st *store.Store) func() Box {
	t.Helper()
	b := storetest.Box(t, st, "test")
	return func() Box { return b }
}
