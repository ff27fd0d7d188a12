package cli

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/soberana/soberana/internal/bench"
)

func init() { benchScenarios["ssh-cert"] = benchSSHCertCmd }

// benchSSHCertCmd measures the time to issue an SSH certificate.
func benchSSHCertCmd(g *globals) *cobra.Command {
	return jsonBench(g, "ssh-cert", "Time to issue an SSH certificate (sign, record, audit), p50/p99 over N issues (SQLite unless --database-url)",
		bench.SSHCert, func(f *pflag.FlagSet, o *bench.SSHCertOptions) {
			f.IntVar(&o.Issues, "issues", 1000, "certificates to issue")
			f.StringVar(&o.DatabaseURL, "database-url", "", "postgres:// URL of an empty database (default: SQLite in a temporary directory)")
		})
}
