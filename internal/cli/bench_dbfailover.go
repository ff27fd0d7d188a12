package cli

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/bench/dbfailover"
)

func init() { benchScenarios["dbfailover"] = benchDBFailoverCmd }

// benchDBFailoverCmd loses the PostgreSQL primary under load
// (scripts/pg-ha.sh) and reports the outage clients saw and whether any
// acknowledged create was lost or doubled.
func benchDBFailoverCmd(g *globals) *cobra.Command {
	var (
		o    dbfailover.Options
		fail string
	)
	c := benchScenarioCmd("dbfailover",
		"Stop the PostgreSQL primary under load and promote the standby: client-visible outage, acknowledged creates lost and doubled (scripts/pg-ha.sh start first)",
		func(ctx context.Context) error {
			o.FailCommand = strings.Fields(fail)
			res, err := dbfailover.Run(ctx, o)
			if perr := printJSONLine(g, res); err == nil {
				err = perr
			}
			return err
		})
	c.Flags().StringVar(&o.DatabaseURL, "database-url",
		"postgres://postgres@127.0.0.1:5434,127.0.0.1:5433/soberana?sslmode=disable&target_session_attrs=read-write",
		"postgres:// URL naming the primary and the standby (an empty database)")
	c.Flags().StringVar(&fail, "fail-command", "bash scripts/pg-ha.sh promote", "command that loses the primary and promotes the standby")
	c.Flags().IntVar(&o.Concurrency, "concurrency", 8, "concurrent clients creating workloads")
	c.Flags().DurationVar(&o.Before, "before", 5*time.Second, "load before the failure")
	c.Flags().DurationVar(&o.After, "after", 5*time.Second, "load after the first create acknowledged after the failure")
	return c
}
