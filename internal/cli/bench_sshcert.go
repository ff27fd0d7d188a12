package cli

import (
	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/bench"
)

func init() { benchScenarios["ssh-cert"] = benchSSHCertCmd }

// benchSSHCertCmd measures the time to issue an SSH certificate.
func benchSSHCertCmd(g *globals) *cobra.Command {
	var o bench.SSHCertOptions
	c := &cobra.Command{
		Use:   "ssh-cert",
		Short: "Time to issue an SSH certificate (sign, record, audit), p50/p99 over N issues (SQLite unless --database-url)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := bench.SSHCert(cmd.Context(), o)
			if err != nil {
				return err
			}
			return printJSONLine(g, res)
		},
	}
	c.Flags().IntVar(&o.Issues, "issues", 1000, "certificates to issue")
	c.Flags().StringVar(&o.DatabaseURL, "database-url", "", "postgres:// URL of an empty database (default: SQLite in a temporary directory)")
	return c
}
