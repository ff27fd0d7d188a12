package cli

import (
	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/bench"
)

func init() { benchScenarios["backup"] = benchBackupCmd }

// benchBackupCmd measures backup create, verify and restore of a database
// holding N running workloads.
func benchBackupCmd(g *globals) *cobra.Command {
	var o bench.BackupOptions
	c := &cobra.Command{
		Use:   "backup",
		Short: "Seconds to back up, verify and restore a database of N workloads (SQLite unless --database-url)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := bench.Backup(cmd.Context(), o)
			if err != nil {
				return err
			}
			return printJSONLine(g, res)
		},
	}
	c.Flags().IntVar(&o.Workloads, "workloads", 100_000, "running workloads in the database")
	c.Flags().StringVar(&o.DatabaseURL, "database-url", "", "postgres:// URL of an empty database to fill (default: SQLite in a temporary directory)")
	c.Flags().StringVar(&o.RestoreURL, "restore-url", "", "postgres:// URL of a second empty database to restore into (with --database-url)")
	c.Flags().StringVar(&o.Dir, "dir", "", "directory for the databases and the backup file (default: a temporary one, removed after)")
	return c
}
