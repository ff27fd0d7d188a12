package cli

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/client"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server"
	"github.com/soberana/soberana/internal/workload"
)

func init() { benchScenarios["evacuate"] = benchEvacuateCmd }

// benchEvacuateCmd measures evacuation throughput: N workloads, all on one
// provider (the other providers' sites are marked down while they are
// created, then healthy again), are evacuated through the API
// (POST /v1/providers/{id}:evacuate) with a concurrency limit, and the
// clock runs until the evacuation is done (sim, zero provisioning delay,
// in-process server, real HTTP).
func benchEvacuateCmd(g *globals) *cobra.Command {
	var (
		conc int
		name string
	)
	c := simBenchCmd(g, "evacuate", "Workloads per second moved off a provider by an evacuation (sim, zero delay, in-process server, real HTTP)",
		1000, "workloads on the provider to evacuate",
		func(ctx context.Context, srv *server.Server, d benchDemo, n int) (map[string]any, error) {
			prov, ok := d.providers[name]
			if !ok {
				return nil, fmt.Errorf("no demo provider named %q", name)
			}
			// Everything lands on prov: the other providers' sites are down
			// while the workloads are created.
			sites, err := srv.Store.Read().Sites().All(ctx)
			if err != nil {
				return nil, err
			}
			var others []string
			for _, s := range sites {
				if s.ProviderID != prov.ID {
					others = append(others, s.ID)
				}
			}
			setHealth := func(h string) error {
				for _, id := range others {
					if err := srv.Fleet.SetSiteHealth(ctx, id, h); err != nil {
						return err
					}
				}
				return nil
			}
			if err := setHealth(model.HealthDown); err != nil {
				return nil, err
			}
			start := time.Now()
			err = createMany(ctx, srv, n, 8, func(int) workload.CreateRequest {
				return workload.CreateRequest{ProjectID: d.projectBR, WorkloadPolicy: model.WorkloadPolicy{OfferingID: d.offering, Replicas: 1,
					Classification: model.ClassInternal, Residency: model.Residency{Countries: []string{prov.Jurisdiction}},
					Sovereignty: model.Sovereignty{Mode: model.SovereigntyAny}}}
			})
			if err != nil {
				return nil, err
			}
			setup := time.Since(start)
			if err := setHealth(model.HealthHealthy); err != nil {
				return nil, err
			}

			cl := client.New(srv.URL(), srv.AdminToken)
			cl.HTTP = &http.Client{Timeout: 5 * time.Minute}
			t0 := time.Now()
			var started struct {
				ID    string `json:"id"`
				Total int    `json:"total"`
				Plan  struct {
					Workloads  int `json:"workloads"`
					Infeasible int `json:"infeasible"`
				} `json:"plan"`
			}
			if _, err := cl.Do(ctx, "POST", "/v1/providers/"+prov.ID+":evacuate", map[string]int{"concurrency": conc}, &started); err != nil {
				return nil, err
			}
			planned := time.Since(t0)
			// Progress is polled over HTTP every 50 ms: well inside the
			// API's per-caller rate limit (api.DefaultLimits).
			var p client.EvacuationProgress
			for deadline := time.Now().Add(30 * time.Minute); p.State != model.EvacuationDone; {
				if time.Now().After(deadline) {
					return nil, fmt.Errorf("evacuation %s not done within 30 minutes: %+v", started.ID, p)
				}
				select {
				case <-ctx.Done():
					return nil, ctx.Err()
				case <-time.After(50 * time.Millisecond):
				}
				if _, err := cl.Do(ctx, "GET", "/v1/evacuations/"+started.ID, nil, &p); err != nil {
					return nil, err
				}
			}
			took := time.Since(t0)
			left, err := srv.Store.Read().ActiveOnProvider(context.WithoutCancel(ctx), prov.ID)
			if err != nil {
				return nil, err
			}
			return map[string]any{
				"scenario": "evacuate", "provider": prov.Name, "workloads": started.Plan.Workloads,
				"feasible": started.Total, "infeasible": started.Plan.Infeasible, "concurrency": conc,
				"moved": p.Done, "rolled_back": p.RolledBack, "skipped": p.Skipped, "left_on_provider": len(left),
				"plan_seconds": planned.Seconds(), "seconds": took.Seconds(),
				"workloads_per_sec": float64(p.Done) / took.Seconds(), "setup_seconds": setup.Seconds(),
			}, nil
		})
	c.Flags().IntVar(&conc, "concurrency", 16, "workloads migrating at a time")
	c.Flags().StringVar(&name, "provider", "Nuvem Verde (sim)", "demo provider to evacuate (by name)")
	return c
}
