package cli

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/soberana/soberana/internal/bench"
)

// The scenarios that measure once and print one JSON line (jsonBench).
func init() {
	benchScenarios["backup"] = benchBackupCmd
	benchScenarios["rating"] = benchRatingCmd
	benchScenarios["ssh-cert"] = benchSSHCertCmd
}

// jsonBench is the command of a bench scenario that measures once and
// prints its result as one JSON line: flags fills the options o from the
// command line, run measures with them.
func jsonBench[O, R any](g *globals, use, short string, run func(context.Context, O) (R, error), flags func(f *pflag.FlagSet, o *O)) *cobra.Command {
	var o O
	c := benchScenarioCmd(use, short, func(ctx context.Context) error {
		res, err := run(ctx, o)
		if err != nil {
			return err
		}
		return printJSONLine(g, res)
	})
	flags(c.Flags(), &o)
	return c
}

// benchBackupCmd measures backup create, verify and restore of a database
// holding N running workloads.
func benchBackupCmd(g *globals) *cobra.Command {
	return jsonBench(g, "backup", "Seconds to back up, verify and restore a database of N workloads (SQLite unless --database-url)",
		bench.Backup, func(f *pflag.FlagSet, o *bench.BackupOptions) {
			f.IntVar(&o.Workloads, "workloads", 100_000, "running workloads in the database")
			f.StringVar(&o.DatabaseURL, "database-url", "", "postgres:// URL of an empty database to fill (default: SQLite in a temporary directory)")
			f.StringVar(&o.RestoreURL, "restore-url", "", "postgres:// URL of a second empty database to restore into (with --database-url)")
			f.StringVar(&o.Dir, "dir", "", "directory for the databases and the backup file (default: a temporary one, removed after)")
		})
}

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

// benchSSHCertCmd measures the time to issue an SSH certificate.
func benchSSHCertCmd(g *globals) *cobra.Command {
	return jsonBench(g, "ssh-cert", "Time to issue an SSH certificate (sign, record, audit), p50/p99 over N issues (SQLite unless --database-url)",
		bench.SSHCert, func(f *pflag.FlagSet, o *bench.SSHCertOptions) {
			f.IntVar(&o.Issues, "issues", 1000, "certificates to issue")
			f.StringVar(&o.DatabaseURL, "database-url", "", "postgres:// URL of an empty database (default: SQLite in a temporary directory)")
		})
}
