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
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/i18n"
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
	// lng is the resolved language (--lang > LC_ALL > LC_MESSAGES > LANG).
	lng i18n.Lang
	// timeout bounds every wait (--timeout).
	timeout time.Duration
	stdout  io.Writer
	stderr  io.Writer
	getenv  func(string) string
}

// serverURL is the API's address: --server, else SOBERANA_SERVER, else
// the local default.
func (g *globals) serverURL() string {
	if g.server != "" {
		return g.server
	}
	if s := g.getenv("SOBERANA_SERVER"); s != "" {
		return s
	}
	return "http://127.0.0.1:8080"
}

func (g *globals) client() (*client.Client, error) {
	token := g.token
	if token == "" {
		token = g.getenv("SOBERANA_TOKEN")
	}
	if token == "" {
		token = savedToken(g.getenv)
	}
	if token == "" {
		return nil, authErr(errors.New(g.tr("cli.err.no_token")))
	}
	c := client.New(g.serverURL(), token)
	// Problems come back in the reader's language, the same as the help
	// and the tables.
	c.Lang = string(g.language())
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
	lng, err := resolveLang(scanLang(args), getenv)
	g.lng = lng
	if err != nil {
		fmt.Fprintln(stderr, i18n.T(lng, "cli.err.prefix"), localizeErr(lng, err))
		return ExitCode(err)
	}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, i18n.T(lng, "cli.err.prefix"), localizeErr(lng, err))
		return ExitCode(err)
	}
	return ExitOK
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
	pf.StringVarP(&g.output, "output", "o", "table", "output format: table, wide, json, yaml or jsonpath=TEMPLATE")
	pf.StringVar(&g.lang, "lang", "", "language of messages: es, pt-BR or en (default from LC_ALL, LC_MESSAGES, LANG)")
	pf.DurationVar(&g.timeout, "timeout", 0, "give up waiting after this long, exit code 7 (0: the command's default)")
	root.AddCommand(upCmd(g), serveCmd(g), migrateCmd(g), versionCmd(g), tokenCmd(g),
		getCmd(g), describeCmd(g), createCmd(g), deleteCmd(g), benchCmd(g))
	for _, f := range extraCommands {
		root.AddCommand(f(g))
	}
	acceptNames(g, root)
	markUsage(root)
	localizeHelp(root, g.language())
	return root
}

// CommandTree is the command tree, for tests that check the docs name
// only commands that exist.
func CommandTree() *cobra.Command {
	return newRoot(&globals{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }})
}
