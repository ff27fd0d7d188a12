package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
)

// tokenSubcommands are `soberana token create|list|revoke`.
func tokenSubcommands(g *globals) []*cobra.Command {
	var (
		name, kind, role, scopeKind, scopeID string
		expires                              time.Duration
	)
	create := &cobra.Command{
		Use:   "create NAME [--kind personal|service|deploy] [--role R] [--scope-kind K --scope-id NAME|ID] [--expires 720h]",
		Short: "Create an API token; its secret is shown once",
		Args:  cobra.ExactArgs(1),
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, args []string) error {
			name = args[0]
			var err error
			// --scope-id takes the name of the institution, project or
			// provider --scope-kind says, like every object flag.
			if n := map[string]string{"institution": "institutions", "project": "projects", "provider": "providers"}[scopeKind]; n != "" {
				if scopeID, err = g.argID(cmd.Context(), cl, n, scopeID, nil); err != nil {
					return err
				}
			}
			body := map[string]any{"name": name, "kind": kind, "role": role, "scope_kind": scopeKind, "scope_id": scopeID}
			if expires > 0 {
				body["expires_at"] = time.Now().Add(expires).UTC()
			}
			var out map[string]any
			if _, err := cl.Do(cmd.Context(), "POST", "/v1/tokens", body, &out); err != nil {
				return err
			}
			fmt.Fprintf(g.stderr, "token %s (%s); the secret below is shown only now:\n", out["id"], out["kind"])
			fmt.Fprintln(g.stdout, out["token"])
			return nil
		}),
	}
	f := create.Flags()
	f.StringVar(&kind, "kind", "personal", "personal (acts as you), service (own role at a scope) or deploy (one project)")
	f.StringVar(&role, "role", "", "role of a service token")
	f.StringVar(&scopeKind, "scope-kind", "", "platform, provider, institution or project")
	f.StringVar(&scopeID, "scope-id", "", "name or id of the scope's institution, project or provider")
	f.DurationVar(&expires, "expires", 0, "lifetime (default 90 days for personal, one year for deploy tokens)")
	list := &cobra.Command{
		Use: "list", Short: "List your tokens (never their secrets)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var page listItems
			if _, err := g.call(cmd.Context(), "GET", "/v1/tokens", nil, &page); err != nil {
				return err
			}
			return g.print([]string{"id", "name", "kind", "role", "scope_kind", "scope_id", "expires_at", "last_used_at", "revoked"}, page.Items, page)
		},
	}
	revoke := revokeCmd(g, "revoke TOKEN_ID", "Revoke a token at once", "/v1/tokens/")
	return []*cobra.Command{create, list, revoke}
}
