// Package cli is the soberana command line: the server commands (up,
// serve, migrate) and the client commands that talk to the API. Run takes
// its arguments and output streams so tests drive it in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
)

// Main runs the CLI with the process's arguments and exits.
func Main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// globals are the client flags shared by every client command.
type globals struct {
	server string
	token  string
	output string
	lang   string
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

func (g *globals) client() (*client.Client, error) {
	server := g.server
	if server == "" {
		server = g.getenv("SOBERANA_SERVER")
	}
	if server == "" {
		server = "http://127.0.0.1:8080"
	}
	token := g.token
	if token == "" {
		token = g.getenv("SOBERANA_TOKEN")
	}
	if token == "" {
		token = savedToken(g.getenv)
	}
	if token == "" {
		return nil, errors.New("no token: pass --token or set SOBERANA_TOKEN (soberana up prints one; soberana login --save keeps one)")
	}
	c := client.New(server, token)
	c.Lang = g.lang
	if c.Lang == "" {
		c.Lang = g.getenv("LANG")
	}
	return c, nil
}

// Run executes the CLI and returns the exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return RunEnv(ctx, args, stdout, stderr, os.Getenv)
}

// RunEnv is Run with an explicit environment lookup.
func RunEnv(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return RunEnvIn(ctx, args, os.Stdin, stdout, stderr, getenv)
}

// RunEnvIn is RunEnv with an explicit standard input (soberana login
// reads the password from it).
func RunEnvIn(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	g := &globals{stdout: stdout, stderr: stderr, getenv: getenv}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "error:", err)
		var p *client.Problem
		if errors.As(err, &p) && p.Status >= 500 {
			return 3
		}
		return 1
	}
	return 0
}

// extraCommands lets files of this package add commands without editing
// the root list (workload, sim, …).
var extraCommands []func(g *globals) *cobra.Command

// newRoot builds the command tree.
func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:           "soberana",
		Short:         "soberana — sovereign cloud control plane for the public sector",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.server, "server", "", "API URL (env SOBERANA_SERVER; default http://127.0.0.1:8080)")
	pf.StringVar(&g.token, "token", "", "API token (env SOBERANA_TOKEN)")
	pf.StringVarP(&g.output, "output", "o", "table", "output format: table, json or yaml")
	pf.StringVar(&g.lang, "lang", "", "language of messages: es, pt-BR or en (default from LANG)")
	root.AddCommand(upCmd(g), serveCmd(g), migrateCmd(g), versionCmd(g), tokenCmd(g),
		getCmd(g), createCmd(g), deleteCmd(g), benchCmd(g))
	for _, f := range extraCommands {
		root.AddCommand(f(g))
	}
	return root
}

// CommandTree is the command tree, for tests that check the docs name
// only commands that exist.
func CommandTree() *cobra.Command {
	return newRoot(&globals{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }})
}
