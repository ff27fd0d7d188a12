package cli

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/soberana/soberana/internal/bench"
)

func init() { benchScenarios["backup"] = benchBackupCmd }

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
