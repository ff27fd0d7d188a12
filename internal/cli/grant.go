package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
)

func init() { extraCommands = append(extraCommands, grantCmd, auditCmd, loginCmd) }

// listItems decodes a {"items": [...]} page.
type listItems struct {
	Items      []map[string]any `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

func grantCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "grant", Short: "Vendor grants: a time-limited role in one project for an outside user"}
	var (
		project, user, email, role, reason string
		expires                            time.Duration
		until                              string
		cidrs                              []string
	)
	create := &cobra.Command{
		Use:   "create --project ID (--user ID | --email ADDR) --role developer|viewer (--expires 720h | --until RFC3339)",
		Short: "Grant a vendor a role in one project (expiry mandatory, at most one year)",
		Args:  cobra.NoArgs,
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, _ []string) error {
			body := map[string]any{"project_id": project, "role": role, "reason": reason}
			if user != "" {
				body["user_id"] = user
			} else {
				body["email"] = email
			}
			switch {
			case until != "":
				t, err := time.Parse(time.RFC3339, until)
				if err != nil {
					return fmt.Errorf("--until: %w", err)
				}
				body["expires_at"] = t
			case expires > 0:
				body["expires_at"] = time.Now().Add(expires).UTC()
			default:
				return msgErr("cli.grant.no_expiry")
			}
			if len(cidrs) > 0 {
				body["source_cidrs"] = cidrs
			}
			var out map[string]any
			if _, err := cl.Do(cmd.Context(), "POST", "/v1/grants", body, &out); err != nil {
				return err
			}
			return g.print([]string{"id", "project_id", "user_id", "role", "expires_at", "source_cidrs"}, []map[string]any{out}, out)
		}),
	}
	f := create.Flags()
	f.StringVar(&project, "project", "", "project id")
	f.StringVar(&user, "user", "", "the vendor's user id")
	f.StringVar(&email, "email", "", "the vendor's e-mail (a user is created if unknown; it signs in with single sign-on)")
	f.StringVar(&role, "role", "developer", "developer or viewer")
	f.DurationVar(&expires, "expires", 0, "lifetime, e.g. 720h")
	f.StringVar(&until, "until", "", "expiry as an RFC 3339 time")
	f.StringSliceVar(&cidrs, "source-cidr", nil, "allowed source addresses (repeatable), e.g. 203.0.113.0/24")
	f.StringVar(&reason, "reason", "", "why (kept in the grant and the audit log)")
	_ = create.MarkFlagRequired("project")

	var active bool
	list := &cobra.Command{
		Use: "list [--project ID] [--active]", Short: "List grants in your scopes", Args: cobra.NoArgs,
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, _ []string) error {
			q := []string{}
			if project != "" {
				q = append(q, "project_id="+project)
			}
			if active {
				q = append(q, "active=true")
			}
			var page listItems
			path := "/v1/grants"
			if len(q) > 0 {
				path += "?" + strings.Join(q, "&")
			}
			if _, err := cl.Do(cmd.Context(), "GET", path, nil, &page); err != nil {
				return err
			}
			return g.print([]string{"id", "project_id", "user_id", "role", "expires_at", "revoked_at"}, page.Items, page)
		}),
	}
	list.Flags().StringVar(&project, "project", "", "only this project")
	list.Flags().BoolVar(&active, "active", false, "only grants in force now")

	revoke := revokeCmd(g, "revoke GRANT_ID", "Revoke a grant: access ends on the vendor's next request", "/v1/grants/")
	c.AddCommand(create, list, revoke)
	return c
}
