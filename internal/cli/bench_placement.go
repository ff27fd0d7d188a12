package cli

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/soberana/soberana/internal/bench"
)

func init() { benchScenarios["placement"] = benchPlacementCmd }

func benchPlacementCmd(g *globals) *cobra.Command {
	c := jsonBench(g, "placement", "Placement decisions per second on a synthetic fleet (one goroutine, with reservations)",
		func(_ context.Context, o bench.PlacementOpts) (bench.PlacementResult, error) {
			return bench.Placement(o)
		},
		func(f *pflag.FlagSet, o *bench.PlacementOpts) {
			f.StringVar(&o.Scenario, "scenario", "single", "single, redundant or bulk")
			f.IntVar(&o.Sites, "sites", 0, "sites in the fleet (default 10000; bulk 5000)")
			f.IntVar(&o.Providers, "providers", 0, "providers (default 50)")
			f.IntVar(&o.Requests, "requests", 0, "decisions to time (default 100000; redundant 20000; bulk 100)")
			f.IntVar(&o.Replicas, "replicas", 0, "replicas per request (default 1; redundant 3; bulk 600)")
			f.IntVar(&o.FailureDomains, "failure-domains", 0, "failure domains (default sites/50; bulk 50)")
			f.Uint64Var(&o.Seed, "seed", 1, "random seed of the synthetic fleet")
		})
	c.Long = `Builds a synthetic fleet (countries, subdivisions, tiers, failure domains,
price lists in several currencies, mixed certifications; half the sites
outside the requests' residency) and times decisions in one goroutine.

Scenarios: single (N=1), redundant (N replicas on ≥2 providers and ≥2
failure domains, 50 km apart), bulk (one request of N replicas of 6 vCPU /
6 GiB spread across failure domains).`
	return c
}
