package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/secrets"
)

// Where the secrets keyring comes from.
const (
	EnvSecretsKeyFile = "SOBERANA_SECRETS_KEY_FILE"
	EnvSecretsKey     = "SOBERANA_SECRETS_KEY"
)

func init() { extraCommands = append(extraCommands, keysCmd) }

func keysCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "keys", Short: "Encryption keys of secrets at rest (AES-256-GCM)"}
	c.AddCommand(&cobra.Command{
		Use: "generate [ID]", Short: "Print a new key line (id:base64key) to put first in the key file", Args: cobra.MaximumNArgs(1),
		Run: func(_ *cobra.Command, args []string) {
			id := time.Now().UTC().Format("2006-01-02")
			if len(args) == 1 {
				id = args[0]
			}
			fmt.Fprintln(g.stdout, secrets.NewKeyLine(id))
		},
	})
	var dbURL string
	rotate := &cobra.Command{
		Use:   "rotate --database-url URL",
		Short: "Re-seal every secret under the primary (first) key of SOBERANA_SECRETS_KEY_FILE (audited as your login); then drop the old keys",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kr, err := secrets.Load(g.getenv, EnvSecretsKeyFile, EnvSecretsKey)
			if err != nil {
				return fmt.Errorf("%w: set %s (a file of id:base64key lines, primary first) or %s", err, EnvSecretsKeyFile, EnvSecretsKey)
			}
			if dbURL == "" {
				dbURL = g.getenv("SOBERANA_DATABASE_URL")
			}
			if dbURL == "" {
				return msgErr("cli.keys.database_url")
			}
			n, err := secrets.RotateDatabase(cmd.Context(), dbURL, kr, audit.Operator(operatorName(g), "", "", ""))
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "re-sealed %d secrets under key %s\n", n, kr.Primary)
			return nil
		},
	}
	rotate.Flags().StringVar(&dbURL, "database-url", "", "database (env SOBERANA_DATABASE_URL)")
	c.AddCommand(rotate)
	return c
}
