package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/i18n"
)

func init() {
	extraCommands = append(extraCommands, edgeCmd, agentCmd)

}

func edgeCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "edge", Short: "Telco edge: subclouds, groups and their bulk import (docs/edge.md)"}
	var prov, out string
	imp := &cobra.Command{
		Use:   "import FILE --provider NAME|ID [--credentials-out FILE]",
		Short: "Register every subcloud of a CSV or YAML file in one all-or-nothing call",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			req, lines, err := edge.ParseFile(args[0], data)
			if err != nil {
				return err
			}
			cl, id, err := g.providerClient(cmd.Context(), prov)
			if err != nil {
				return err
			}
			var res edge.ImportResult
			if _, err := cl.Do(cmd.Context(), "POST", "/v1/providers/"+id+"/subclouds:import", req, &res); err != nil {
				printRowErrors(g, err, lines)
				return err
			}
			if out == "" {
				out = args[0] + ".credentials.json"
			}
			if err := writeCredentials(out, res.Subclouds); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, i18n.T(g.language(), "cli.edge.imported", len(res.Subclouds), res.GroupsCreated, out))
			return nil
		},
	}
	edgeProviderFlags(imp, &prov, &out, "where to write the subclouds' private keys (default FILE.credentials.json, mode 0600)")
	c.AddCommand(imp, edgeReissueCmd(g))
	return c
}

// edgeProviderFlags are the flags of the edge commands that act on one
// edge provider's subclouds and write their new keys: --provider and
// --credentials-out (outHelp says which keys and where by default).
func edgeProviderFlags(c *cobra.Command, prov, out *string, outHelp string) {
	c.Flags().StringVar(prov, "provider", "", "edge provider name or id")
	c.Flags().StringVar(out, "credentials-out", "", outHelp)
}

// providerClient is the API client and the id of provider prov (a name or
// an id), the first steps of a command on one provider.
func (g *globals) providerClient(ctx context.Context, prov string) (*client.Client, string, error) {
	cl, err := g.client()
	if err != nil {
		return nil, "", err
	}
	id, err := providerID(ctx, cl, prov)
	return cl, id, err
}

// writeCredentials writes subclouds' credentials (with their private
// keys) to path as indented JSON, readable by its owner only: the file
// soberana agent --credentials reads.
func writeCredentials(path string, creds []edge.Imported) error {
	b, err := json.MarshalIndent(creds, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// printRowErrors lists an import's per-row report with file lines.
func printRowErrors(g *globals, err error, lines []int) {
	var p *client.Problem
	if !errors.As(err, &p) {
		return
	}
	rows, _ := p.Extensions["rows"].([]any)
	for _, r := range rows {
		m, _ := r.(map[string]any)
		row, _ := m["row"].(float64)
		line := 0
		if n := int(row); n > 0 && n <= len(lines) {
			line = lines[n-1]
		}
		fmt.Fprintln(g.stderr, i18n.T(g.language(), "cli.edge.row", int(row), line, m["field"], m["reason"]))
	}
}

// agentsCmd is a command that runs the edge agents of a credentials file
// through the broker (agent, sim edge): all of them, or the first *n when
// n is not nil and 0 < *n < all; runAgentsTold says what stopOnRevoked
// does.
func agentsCmd(g *globals, use, short string, n *int, stopOnRevoked bool) *cobra.Command {
	var url, creds string
	var every time.Duration
	c := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			agents, err := loadAgents(creds)
			if err != nil {
				return err
			}
			if n != nil && *n > 0 && *n < len(agents) {
				agents = agents[:*n]
			}
			return runAgentsTold(cmd.Context(), g, url, agents, every, stopOnRevoked)
		}}
	c.Flags().StringVar(&url, "nats", "nats://127.0.0.1:4222", "broker URL")
	c.Flags().StringVar(&creds, "credentials", "", "credentials file written by soberana edge import")
	c.Flags().DurationVar(&every, "every", 10*time.Second, "heartbeat interval")
	return c
}

func agentCmd(g *globals) *cobra.Command {
	return agentsCmd(g, "agent --credentials FILE [--nats URL] [--every 10s]",
		"Publish signed heartbeats of the subclouds in FILE (one site's agent, or many) through NATS", nil, true)
}

// runAgentsTold runs the agents and prints, once per subcloud and reason,
// why soberana refused their heartbeats, in the caller's language. With
// stopOnRevoked (one site's `soberana agent`), an agent whose every
// credential was revoked stops with that explanation (exit code 3): a
// revoked credential never becomes valid again.
func runAgentsTold(ctx context.Context, g *globals, url string, agents []*edge.Agent, every time.Duration, stopOnRevoked bool) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var mu sync.Mutex
	told := map[string]bool{}
	revoked := 0
	for _, a := range agents {
		a.Lang = string(g.language())
		a.OnReject = func(r edge.Rejection) {
			mu.Lock()
			defer mu.Unlock()
			if k := r.Subcloud + "/" + r.Reason; !told[k] {
				told[k] = true
				fmt.Fprintln(g.stderr, r.Message)
				if r.Reason == edge.RejectRevoked {
					revoked++
				}
			}
			if stopOnRevoked && revoked == len(agents) {
				cancel(authErr(errors.New(r.Message)))
			}
		}
	}
	err := edge.RunAgents(ctx, url, agents, every)
	if cause := context.Cause(ctx); err == nil && cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return err
}

func loadAgents(path string) ([]*edge.Agent, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cs []edge.Credential
	if err := json.Unmarshal(b, &cs); err != nil {
		return nil, err
	}
	agents := make([]*edge.Agent, len(cs))
	for i, c := range cs {
		agents[i] = &edge.Agent{Cred: c}
	}
	return agents, nil
}

// simEdgeCmd runs many simulated agents in one process.
func simEdgeCmd(g *globals) *cobra.Command {
	var n int
	c := agentsCmd(g, "edge --credentials FILE [--sites N] [--nats URL] [--every 10s]",
		"Run N SIMULATED edge agents (the first N subclouds of FILE) in one process against the real broker", &n, false)
	c.Flags().IntVar(&n, "sites", 0, "how many agents (0: every subcloud of the file)")
	return c
}
