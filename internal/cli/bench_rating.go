package cli

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/soberana/soberana/internal/bench"
)

func init() { benchScenarios["rating"] = benchRatingCmd }

// benchRatingCmd measures closing a month: rating every usage interval of
// N workloads into charges and releases, then recording the closure.
func benchRatingCmd(g *globals) *cobra.Command {
	return jsonBench(g, "rating", "Intervals rated per second and wall time to close a month of N workloads (SQLite unless --database-url)",
		bench.Rating, func(f *pflag.FlagSet, o *bench.RatingOptions) {
			f.IntVar(&o.Workloads, "workloads", 100_000, "workloads that ran in the month (one replica each)")
			f.IntVar(&o.Days, "days", 30, "usage window in days from the first of the month")
			f.StringVar(&o.DatabaseURL, "database-url", "", "postgres:// URL of an empty database (default: SQLite in a temporary directory)")
			f.IntVar(&o.Batch, "batch", 0, "intervals per rating transaction (default 5000)")
		})
}
