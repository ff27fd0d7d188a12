package cli

import (
	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/bench"
)

func init() { benchScenarios["rating"] = benchRatingCmd }

// benchRatingCmd measures closing a month: rating every usage interval of
// N workloads into charges and releases, then recording the closure.
func benchRatingCmd(g *globals) *cobra.Command {
	var o bench.RatingOptions
	c := &cobra.Command{
		Use:   "rating",
		Short: "Intervals rated per second and wall time to close a month of N workloads (SQLite unless --database-url)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := bench.Rating(cmd.Context(), o)
			if err != nil {
				return err
			}
			return printJSONLine(g, res)
		},
	}
	c.Flags().IntVar(&o.Workloads, "workloads", 100_000, "workloads that ran in the month (one replica each)")
	c.Flags().IntVar(&o.Days, "days", 30, "usage window in days from the first of the month")
	c.Flags().StringVar(&o.DatabaseURL, "database-url", "", "postgres:// URL of an empty database (default: SQLite in a temporary directory)")
	c.Flags().IntVar(&o.Batch, "batch", 0, "intervals per rating transaction (default 5000)")
	return c
}
