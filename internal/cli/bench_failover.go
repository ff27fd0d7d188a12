package cli

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/bench"
	"github.com/soberana/soberana/internal/clock"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/server"
	"github.com/soberana/soberana/internal/workload"
)

func init() { benchScenarios["failover"] = benchFailoverCmd }

// benchServer starts an in-process demo server (simulated providers, zero
// provisioning delay) whose health monitor probes only when asked, and
// finds the demo objects the benches use in it (loadBenchDemo).
func benchServer(ctx context.Context, dbURL string) (*server.Server, benchDemo, func(), error) {
	srv, stop, err := bench.StartServer(ctx, dbURL, func(cfg *config.Config) {
		// The bench probes (on its own clock) and moves past these delays.
		cfg.Monitoring.ProbeEvery, cfg.Monitoring.DownAfter, cfg.Monitoring.UpAfter = 24*time.Hour, 15*time.Second, time.Minute
		cfg.Monitoring.FailoverAfter = 30 * time.Second
	})
	if err != nil {
		return nil, benchDemo{}, nil, err
	}
	d, err := loadBenchDemo(ctx, srv)
	if err != nil {
		stop()
		return nil, benchDemo{}, nil, err
	}
	return srv, d, stop, nil
}

// benchDemo names the demo objects the benches use.
type benchDemo struct {
	projectBR, projectCL, offering string
	providers                      map[string]model.Provider // by name
}

// loadBenchDemo finds the demo objects and opens the Brazilian
// ministry's data policy to the whole demo market (bench_policy.go).
func loadBenchDemo(ctx context.Context, srv *server.Server) (benchDemo, error) {
	dm, err := bench.ReadDemo(ctx, srv.Store)
	if err != nil {
		return benchDemo{}, err
	}
	d := benchDemo{projectBR: dm.ProjectBR, projectCL: dm.ProjectCL, offering: dm.Offering, providers: dm.Providers}
	if d.projectBR == "" || d.projectCL == "" || d.offering == "" {
		return d, fmt.Errorf("the demo fleet lacks its projects or offering")
	}
	return d, bench.OpenMarketPolicy(ctx, srv.Store, d.projectBR)
}

// mixed is the i-th request of a fleet of mixed policies (seed.MixedRequest, as the failover
// tests use): one or two replicas, national or any sovereignty, some
// restricted to states, some spread over failure domains or providers,
// Brazilian and Chilean.
func (d benchDemo) mixed(i int) workload.CreateRequest {
	return seed.MixedRequest(i, d.projectBR, d.projectCL, d.offering)
}

// createMany creates n workloads in process (through the service, so the
// API's rate limits do not apply) and waits until all run.
func createMany(ctx context.Context, srv *server.Server, n, conc int, gen func(int) workload.CreateRequest) error {
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for range conc {
		wg.Go(func() {
			for i := range next {
				if _, _, err := srv.Workloads.Create(ctx, workload.Actor{Name: "bench", ID: "bench"}, gen(i), nil); err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("workload %d: %w", i, err)
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	return waitFor(ctx, 10*time.Minute, func() (bool, error) {
		got, err := srv.Store.Read().Workloads().Count(ctx, map[string]string{"state": string(model.StateRunning)})
		return got >= int64(n), err
	})
}

// waitFor polls cond every 5 ms until it holds or within passes.
func waitFor(ctx context.Context, within time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(within)
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not within %s", within)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// benchFailoverCmd measures the time to recover every replica of the
// busiest site after it goes down: N workloads of mixed policies on the
// demo fleet (sim, zero provisioning delay, in-process), the site holding
// most replicas is cut off, the health monitor declares it down and its
// failover due (clock moved past down_after and failover_after), and the
// clock runs until no replica is left on it and every replacement runs.
func benchFailoverCmd(g *globals) *cobra.Command {
	return simBenchCmd(g, "failover", "Seconds to recover every replica of the busiest site after it goes down (sim, zero delay, in-process)",
		1000, "workloads of mixed policies to create before the outage",
		func(ctx context.Context, srv *server.Server, d benchDemo, n int) (map[string]any, error) {
			// The health monitor's clock: the bench moves it past the
			// down and failover delays at once, so what is measured is
			// the platform's work (re-placing and provisioning), not the
			// configured waits.
			clk := clock.NewFake(time.Now())
			mon := srv.Ops.Health
			mon.SetClock(clk.Now)
			start := time.Now()
			if err := createMany(ctx, srv, n, 8, d.mixed); err != nil {
				return nil, err
			}
			setup := time.Since(start)
			live, err := srv.Store.Read().LivePlacements(ctx)
			if err != nil {
				return nil, err
			}
			bySite := map[string]int{}
			for _, p := range live {
				if p.State == model.PlacementRunning {
					bySite[p.SiteID]++
				}
			}
			busiest := ""
			for id, k := range bySite {
				if busiest == "" || k > bySite[busiest] || k == bySite[busiest] && id < busiest {
					busiest = id
				}
			}
			site, ok := srv.Fleet.Site(busiest)
			if !ok {
				return nil, fmt.Errorf("no running replica")
			}
			replicas := bySite[busiest]
			mon.Probe(ctx)
			if err := srv.Sim.SetOutage(ctx, site.ProviderID, site.ID, true); err != nil {
				return nil, err
			}
			for range 4 {
				clk.Advance(5 * time.Second)
				mon.Probe(ctx)
			}
			if s, _ := srv.Fleet.Site(site.ID); s.Health != model.HealthDown {
				return nil, fmt.Errorf("site %s is %s after the outage, not down", site.Name, s.Health)
			}
			clk.Advance(30 * time.Second)
			mon.Probe(ctx)
			t0 := time.Now()
			srv.Reconciler.Kick()
			err = waitFor(ctx, 10*time.Minute, func() (bool, error) {
				on, pending, err := srv.Store.Read().SiteRecovery(ctx, site.ID)
				return on+pending == 0, err
			})
			if err != nil {
				return nil, fmt.Errorf("recovering %d replicas of %s: %w", replicas, site.Name, err)
			}
			took := time.Since(t0)
			counts, err := srv.Store.Read().WorkloadStateCounts(ctx)
			if err != nil {
				return nil, err
			}
			return map[string]any{
				"scenario": "failover", "workloads": n, "site": site.Name, "replicas_moved": replicas,
				"recover_seconds": took.Seconds(), "replicas_per_second": float64(replicas) / took.Seconds(),
				"setup_seconds": setup.Seconds(), "workload_states": counts,
			}, nil
		})
}
