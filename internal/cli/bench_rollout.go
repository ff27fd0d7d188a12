package cli

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/soberana/soberana/internal/bench"
)

func init() { benchScenarios["rollout"] = benchRolloutCmd }

func benchRolloutCmd(g *globals) *cobra.Command {
	c := jsonBench(g, "rollout", "A wave rollout of an app to an edge group of sim sites (JSON on stdout)",
		bench.Rollout, func(f *pflag.FlagSet, o *bench.RolloutOpts) {
			f.IntVar(&o.Sites, "sites", 1000, "sim sites in the edge group")
			f.IntVar(&o.Wave, "wave", 100, "sites per wave (max parallel)")
			f.IntVar(&o.Canary, "canary", 0, "size of the canary wave (0: none)")
			f.Float64Var(&o.Threshold, "failure-threshold", 0.1, "share of a wave's sites that may fail")
			f.Float64Var(&o.FailShare, "fail-share", 0, "share of the sites of --fail-wave that fail (injected)")
			f.IntVar(&o.FailWave, "fail-wave", 1, "the wave with injected failures (1-based)")
			f.StringVar(&o.DatabaseURL, "database", "", "an empty database URL (default a scratch SQLite file)")
		})
	c.Long = `Registers --sites sim sites in one edge group (a subcloud per ten sites),
releases an app to the group in waves of --wave sites (after a --canary
wave) and drives the rollout loop pass by pass on a simulated clock until
the release ends. --fail-share injects failures into that share of the
sites of wave --fail-wave: above --failure-threshold the rollout stops and
rolls back. Prints passes, waves, sites by state and the seconds taken.`
	c.Example = `  soberana bench rollout --sites 10000 --wave 100
  soberana bench rollout --sites 1000 --wave 100 --fail-share 0.2 --fail-wave 3`
	return c
}
