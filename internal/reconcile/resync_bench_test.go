package reconcile_test

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// countingSim counts the list calls each provider gets.
type countingSim struct {
	*sim.Driver
	mu    sync.Mutex
	lists map[string]int
}

func (d *countingSim) ListResources(ctx context.Context, providerID string) ([]provider.Resource, error) {
	d.mu.Lock()
	d.lists[providerID]++
	d.mu.Unlock()
	return d.Driver.ListResources(ctx, providerID)
}

func (d *countingSim) count(providerID string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lists[providerID]
}

// leading waits (up to a minute) until the harness's reconciler holds
// its lease and returns the provider prov, for resyncs by hand.
func leading(tb testing.TB, h *servertest.Harness, prov string) model.Provider {
	tb.Helper()
	p, ok := h.Server.Fleet.Provider(prov)
	if !ok {
		tb.Fatal("provider")
	}
	for deadline := time.Now().Add(time.Minute); !h.Server.Reconciler.Leader(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatal("the reconciler never took its lease")
		}
	}
	return p
}

// resyncFleet starts a server whose reconciler resyncs every interval and
// gives one simulated provider n running single-replica workloads (written
// straight to the database, as if they had been running for a while).
func resyncFleet(b testing.TB, n int, interval time.Duration) (*servertest.Harness, *countingSim, string, []store.PlacementRow) {
	b.Helper()
	return resyncFleetOn(b, false, n, interval)
}

// resyncFleetOn is resyncFleet on PostgreSQL (postgres) or SQLite.
func resyncFleetOn(b testing.TB, postgres bool, n int, interval time.Duration) (*servertest.Harness, *countingSim, string, []store.PlacementRow) {
	b.Helper()
	// The orphan sweep, a bulk pass of its own, runs once a day (the most
	// the configuration allows): the resync is what these measure, and
	// TestPacedResyncSeesEveryReplica counts the rests of the resync alone.
	h := servertest.Start(b, servertest.Options{Postgres: postgres, Configure: func(c *config.Config) {
		c.Reconcile.Resync, c.Reconcile.OrphanEvery = interval, 24*time.Hour
	}})
	drv := &countingSim{Driver: h.Server.Sim, lists: map[string]int{}}
	h.Server.Drivers.Set(sim.Name, drv)
	ctx := context.Background()
	st := h.Server.Store
	var (
		prov string
		site model.Site
		rows []store.PlacementRow
	)
	for _, p := range h.Server.Fleet.Providers() {
		if p.Driver != sim.Name {
			continue
		}
		sites, err := st.Read().Sites().List(ctx, store.ListOptions{Filters: map[string]string{"provider_id": p.ID}, Limit: 100})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range sites.Items {
			if s.Country == "BR" && prov == "" {
				prov, site = p.ID, s
			}
		}
	}
	if prov == "" {
		b.Fatal("no simulated provider with a Brazilian site in the demo fleet")
	}
	err := st.Write(ctx, func(tx *store.Tx) error {
		projs, err := tx.Projects().List(ctx, store.ListOptions{Filters: map[string]string{"name": "prontuario-eletronico"}, Limit: 1})
		if err != nil || len(projs.Items) != 1 {
			return fmt.Errorf("demo project: %v", err)
		}
		prj := projs.Items[0]
		offs, err := tx.Offerings().List(ctx, store.ListOptions{Filters: map[string]string{"name": "SCS-1V-2-20s"}, Limit: 1})
		if err != nil || len(offs.Items) != 1 {
			return fmt.Errorf("demo offering: %v", err)
		}
		off := offs.Items[0]
		ins, err := tx.Institutions().Get(ctx, prj.InstitutionID)
		if err != nil {
			return err
		}
		now := tx.Now()
		for i := range n {
			w := model.Workload{ProjectID: prj.ID, InstitutionID: prj.InstitutionID, BudgetLineID: prj.BudgetLineID, WorkloadPolicy: model.WorkloadPolicy{OfferingID: off.ID,
				Replicas: 1, Classification: "internal", Residency: model.Residency{Countries: []string{"BR"}},
				Sovereignty: model.Sovereignty{Mode: model.SovereigntyAny}}, Currency: ins.Currency, State: model.StateRunning}
			if err := tx.Workloads().Create(ctx, &w, "wl"); err != nil {
				return err
			}
			p := store.PlacementRow{Placement: model.Placement{WorkloadID: w.ID, SiteID: site.ID, ProviderID: prov,
				State: model.PlacementRunning, ResourceID: fmt.Sprintf("sim-bench-%06d", i), MonthlyMinor: 1,
				VCPUs: off.VCPUs, MemoryMiB: off.MemoryMiB, DiskGiB: off.DiskGiB, Simulated: true}, FinalState: model.PlacementDeleted}
			if err := tx.Placements().Create(ctx, &p, "pl"); err != nil {
				return err
			}
			if _, _, err := tx.SimCreate(ctx, model.SimResource{ResourceID: p.ResourceID, ProviderID: prov, SiteID: site.ID,
				ReplicaID: p.ID, WorkloadID: w.ID, State: provider.StateActive, VCPUs: p.VCPUs, MemoryMiB: p.MemoryMiB,
				DiskGiB: p.DiskGiB, CreatedAt: now}); err != nil {
				return err
			}
			rows = append(rows, p)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return h, drv, prov, rows
}

// BenchmarkResyncDetection measures what the resync costs and how fast it
// finds deletions, for 10,000 running replicas on one provider: list calls
// per minute of that provider (scaled to the default one-minute interval),
// and the distribution of the time from a resource's deletion behind
// soberana's back to its replica being recorded failed, for deletions
// spread uniformly over several intervals (in units of the interval and
// in seconds at the default interval). The interval is shortened to keep
// the run short; everything scales with it.
//
//	go test ./internal/reconcile/ -run '^$' -bench ResyncDetection -benchtime 1x
func BenchmarkResyncDetection(b *testing.B) {
	const (
		n        = 10_000
		deletes  = 200
		interval = 10 * time.Second
		window   = 4 * interval
	)
	for b.Loop() {
		h, drv, prov, rows := resyncFleet(b, n, interval)
		ctx := context.Background()
		st := h.Server.Store
		// Wait for one full pass (every replica seen).
		opstest.Seen(b, st, rows[n-1].ID, 2*time.Minute)
		lists0, t0 := drv.count(prov), time.Now()
		victims := mrand.Perm(n)[:deletes]
		deletedAt := map[string]time.Time{}
		start := time.Now()
		for i, v := range victims {
			// Uniform over the window.
			time.Sleep(time.Until(start.Add(window * time.Duration(i) / deletes)))
			p := rows[v]
			deletedAt[p.ID] = st.Now()
			if err := h.Server.Sim.Tamper(ctx, prov, p.ID, sim.Tamper{Delete: true}); err != nil {
				b.Fatal(err)
			}
		}
		var delays []time.Duration
		deadline := time.Now().Add(2 * time.Minute)
		for len(delays) < deletes {
			delays = delays[:0]
			ds, err := st.Read().DriftsSince(ctx, start.Add(-time.Second), 10*deletes)
			if err != nil {
				b.Fatal(err)
			}
			for _, d := range ds {
				if at, ok := deletedAt[d.PlacementID]; ok && d.Kind == model.DriftDeleted {
					delays = append(delays, d.DetectedAt.Sub(at))
				}
			}
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d deletions detected", len(delays), deletes)
			}
			time.Sleep(50 * time.Millisecond)
		}
		elapsed := time.Since(t0)
		lists := drv.count(prov) - lists0
		slices.Sort(delays)
		q := func(f float64) time.Duration { return delays[min(len(delays)-1, int(f*float64(len(delays))))] }
		perInterval := float64(lists) / (float64(elapsed) / float64(interval))
		scale := float64(time.Minute) / float64(interval)
		b.ReportMetric(perInterval, "lists/min/provider@1m")
		b.ReportMetric(float64(q(0.5))/float64(interval), "p50/interval")
		b.ReportMetric(float64(q(0.99))/float64(interval), "p99/interval")
		b.ReportMetric(float64(delays[len(delays)-1])/float64(interval), "max/interval")
		b.ReportMetric(q(0.5).Seconds()*scale, "p50-s@1m")
		b.ReportMetric(q(0.99).Seconds()*scale, "p99-s@1m")
		b.Logf("%d replicas, %d deleted over %s: %d lists of the provider in %s (interval %s); detection p50 %s p99 %s max %s",
			n, deletes, window, lists, elapsed.Round(time.Millisecond), interval, q(0.5).Round(time.Millisecond),
			q(0.99).Round(time.Millisecond), delays[len(delays)-1].Round(time.Millisecond))
		h.Stop()
	}
}

// BenchmarkResyncProvider10k is the cost of one resync of a provider with
// 10,000 running replicas: the list, the comparison read in pages from the
// database and the last-seen update.
func BenchmarkResyncProvider10k(b *testing.B) {
	h, _, prov, _ := resyncFleet(b, 10_000, time.Hour)
	p := leading(b, h, prov)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := h.Server.Reconciler.ResyncProvider(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}
