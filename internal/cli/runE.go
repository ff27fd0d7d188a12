package cli

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
)

// clientRunE is the RunE of a command whose first step is the API client
// of --server/--token (g.client): it gets the client, then runs run with
// it.
func clientRunE(g *globals, run func(cmd *cobra.Command, cl *client.Client, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		cl, err := g.client()
		if err != nil {
			return err
		}
		return run(cmd, cl, args)
	}
}

// nonEmpty is kv without its empty values: the query of a command's
// optional filters (client.Query encodes it; none gives no "?").
func nonEmpty(kv map[string]string) map[string]string {
	q := map[string]string{}
	for k, v := range kv {
		if v != "" {
			q[k] = v
		}
	}
	return q
}

// revokeCmd is a `revoke ID` command: DELETE prefix+ID, then "revoked ID".
func revokeCmd(g *globals, use, short, prefix string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := g.call(cmd.Context(), "DELETE", prefix+args[0], nil, nil); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, "revoked", args[0])
			return nil
		}}
}

// idsNamed returns the ids of the objects of the collection at path (an
// API path such as /v1/apps) whose name is name: none, one, or several
// where names are unique only within a scope. The caller says what none
// or several means.
func idsNamed(ctx context.Context, cl *client.Client, path, name string) ([]string, error) {
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if _, err := cl.Do(ctx, "GET", path+"?name="+url.QueryEscape(name), nil, &page); err != nil {
		return nil, err
	}
	ids := make([]string, len(page.Items))
	for i, it := range page.Items {
		ids[i] = it.ID
	}
	return ids, nil
}

// idOrNamed is s when it has the id prefix, else the id of the one
// object at path named s; s as it is when none or several are named so
// (the server then says it does not know it).
func idOrNamed(ctx context.Context, cl *client.Client, prefix, path, s string) (string, error) {
	if strings.HasPrefix(s, prefix) {
		return s, nil
	}
	ids, err := idsNamed(ctx, cl, path, s)
	if err != nil {
		return "", err
	}
	if len(ids) != 1 {
		return s, nil
	}
	return ids[0], nil
}
