package cli

import (
	"context"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/server"
)

// simBenchCmd is the command of a bench scenario on an in-process demo
// server (benchServer): it registers --workloads (default n, help
// workloadsHelp) and --database-url, starts the server, runs the
// scenario with the number of workloads asked for and prints its result,
// with "database" added, as one JSON line. The caller adds the
// scenario's own flags to the command.
func simBenchCmd(g *globals, use, short string, n int, workloadsHelp string,
	run func(ctx context.Context, srv *server.Server, d benchDemo, n int) (map[string]any, error)) *cobra.Command {
	var dbURL string
	c := benchScenarioCmd(use, short, func(ctx context.Context) error {
		srv, d, stop, err := benchServer(ctx, dbURL)
		if err != nil {
			return err
		}
		defer stop()
		res, err := run(ctx, srv, d, n)
		if err != nil {
			return err
		}
		res["database"] = benchDatabase(dbURL)
		return printJSONLine(g, res)
	})
	c.Flags().IntVar(&n, "workloads", n, workloadsHelp)
	c.Flags().StringVar(&dbURL, "database-url", "", "postgres:// URL of an empty database (default: embedded SQLite)")
	return c
}

// benchDatabase is a result's "database": "postgres" with a
// --database-url, else "sqlite" (embedded).
func benchDatabase(dbURL string) string {
	if dbURL != "" {
		return "postgres"
	}
	return "sqlite"
}

// latencyMS sorts lat and returns its p50, p99 and maximum in
// milliseconds (0 for none): the benches' p50_ms, p99_ms and max_ms.
func latencyMS(lat []time.Duration) (p50, p99, top float64) {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	return pct(0.50), pct(0.99), pct(1)
}
