package utilization

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

type oneDriver struct{ d provider.Driver }

func (o oneDriver) Get(string) (provider.Driver, error) { return o.d, nil }

// fixture: the demo fleet, one running workload of two replicas on a sim
// provider, each with its simulated resource.
func fixture(t *testing.T) (*store.Store, model.Workload, []model.Provider, model.Institution, model.Project) {
	t.Helper()
	return fixtureOn(t, storetest.SQLite(t))
}

// fixtureOn makes the fixture on a store.
func fixtureOn(t *testing.T, st *store.Store) (*store.Store, model.Workload, []model.Provider, model.Institution, model.Project) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	st.SetClock(func() time.Time { return now })
	var wl model.Workload
	var provs []model.Provider
	var inst model.Institution
	var proj model.Project
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := seed.Demo(ctx, tx); err != nil {
			return err
		}
		projs, err := tx.Projects().All(ctx)
		if err != nil {
			return err
		}
		proj = projs[0]
		if inst, err = tx.Institutions().Get(ctx, proj.InstitutionID); err != nil {
			return err
		}
		ps, err := tx.Providers().List(ctx, store.ListOptions{Limit: 100})
		if err != nil {
			return err
		}
		for _, p := range ps.Items {
			if p.Driver == model.DriverSim {
				provs = []model.Provider{p}
				break
			}
		}
		sites, err := tx.Sites().List(ctx, store.ListOptions{Filters: map[string]string{"provider_id": provs[0].ID}, Limit: 2})
		if err != nil {
			return err
		}
		offs, err := tx.Offerings().List(ctx, store.ListOptions{Limit: 1})
		if err != nil {
			return err
		}
		wl = model.Workload{ProjectID: proj.ID, InstitutionID: proj.InstitutionID, BudgetLineID: proj.BudgetLineID,
			WorkloadPolicy: model.WorkloadPolicy{OfferingID: offs.Items[0].ID, Replicas: 2, Classification: "internal"}, Currency: "MXN", State: model.StateRunning}
		if err := tx.Workloads().Create(ctx, &wl, "wl"); err != nil {
			return err
		}
		for i := 0; i < 2; i++ {
			p := store.PlacementRow{Placement: model.Placement{WorkloadID: wl.ID, Replica: i, SiteID: sites.Items[i].ID, ProviderID: provs[0].ID,
				State: model.PlacementRunning, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 20}}
			if err := tx.Placements().Create(ctx, &p, "plc"); err != nil {
				return err
			}
			if _, _, err := tx.SimCreate(ctx, model.SimResource{ResourceID: "sim-" + p.ID, ProviderID: provs[0].ID, SiteID: p.SiteID,
				ReplicaID: p.ID, WorkloadID: wl.ID, State: provider.StateActive, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 20, CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, wl, provs, inst, proj
}

// lastHour is the workload's utilization report over the hour before the
// store's clock.
func lastHour(t *testing.T, st *store.Store, workloadID string) Report {
	t.Helper()
	rep, err := Of(context.Background(), st.Read(), workloadID, st.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestSamplerRecordsExportsAndServes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, wl, provs, inst, proj := fixture(t)
	reg := prometheus.NewRegistry()
	s := New(st, oneDriver{sim.New(st)}, func() []model.Provider { return provs }, reg, nil)
	n, err := s.Pass(ctx)
	if err != nil || n != 2 {
		t.Fatalf("pass: %d samples, %v", n, err)
	}
	// The same minute again: the same figures, not a second row.
	if _, err := s.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	rep := lastHour(t, st, wl.ID)
	if len(rep.Replicas) != 2 {
		t.Fatalf("replicas %+v", rep.Replicas)
	}
	for _, r := range rep.Replicas {
		if len(r.Samples) != 1 || !r.Simulated || r.Latest == nil || r.SiteName == "" || r.SiteName == r.SiteID {
			t.Fatalf("replica %+v: want one simulated sample and the site's name", r)
		}
		l := r.Latest
		if l.CPUPermille < 0 || l.CPUPermille > 1000 || l.MemoryMiB != 4096 || l.MemoryUsedMiB <= 0 || l.MemoryUsedMiB > 4096 {
			t.Errorf("implausible sample %+v", l)
		}
	}
	if got := count(t, reg, "soberana_replica_cpu_use_ratio", "soberana_replica_memory_used_bytes", "soberana_replica_memory_bytes"); got != 6 {
		t.Errorf("%d series, want 3 metrics × 2 replicas", got)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, mf := range mfs {
		text.WriteString(mf.String())
	}
	for _, want := range []string{inst.Name, proj.Name, wl.ID} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("metrics lack label value %q", want)
		}
	}
	// A replica that stops running loses its series at the next pass.
	err = st.InTx(ctx, func(tx *store.Tx) error {
		p := rep.Replicas[1]
		row, err := tx.PlacementByID(ctx, p.PlacementID)
		if err != nil {
			return err
		}
		row.State = model.PlacementDeleted
		return tx.Placements().Update(ctx, &row)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	if got := count(t, reg, "soberana_replica_cpu_use_ratio"); got != 1 {
		t.Errorf("%d cpu series after a replica went, want 1", got)
	}
}

func TestSimulatedUsageIsDeterministicAndPlausible(t *testing.T) {
	t.Parallel()
	for m := int64(0); m < 3000; m += 7 {
		c1, m1 := sim.SimulatedUsage("plc_a", m)
		c2, m2 := sim.SimulatedUsage("plc_a", m)
		if c1 != c2 || m1 != m2 || c1 < 0 || c1 > 1000 || m1 < 0 || m1 > 1000 {
			t.Fatalf("minute %d: %d/%d vs %d/%d", m, c1, m1, c2, m2)
		}
	}
}

func count(t *testing.T, reg *prometheus.Registry, names ...string) int {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, mf := range mfs {
		for _, want := range names {
			if mf.GetName() == want {
				n += len(mf.GetMetric())
			}
		}
	}
	return n
}
