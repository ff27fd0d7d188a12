package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/buildinfo"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/server"
)

func newLogger(cfg config.Config, g *globals) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	var h slog.Handler = slog.NewTextHandler(g.stderr, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(g.stderr, opts)
	}
	return slog.New(api.LogHandler(h))
}

// serverFlags binds the flags shared by up, serve and migrate; each set
// flag overrides the file and the environment.
type serverFlags struct {
	configFile string
	set        map[string]*string
}

func addServerFlags(c *cobra.Command, withConfig bool) *serverFlags {
	sf := &serverFlags{set: map[string]*string{}}
	if withConfig {
		c.Flags().StringVar(&sf.configFile, "config", "", "YAML configuration file")
	}
	for _, f := range []struct{ name, path, usage string }{
		{"addr", "addr", "listen address host:port"},
		{"data-dir", "data_dir", "data directory for the embedded database"},
		{"database-url", "database_url", "postgres:// URL; empty uses embedded SQLite"},
		{"log-level", "log_level", "debug, info, warn or error"},
		{"log-format", "log_format", "text or json"},
	} {
		sf.set[f.path] = c.Flags().String(f.name, "", f.usage+" (env "+config.EnvName(f.path)+")")
	}
	return sf
}

// open loads the configuration and opens its server without serving it,
// for the commands that work on its database and exit (migrate, provider
// add, provider add-kubernetes). The caller closes the server.
func (sf *serverFlags) open(ctx context.Context, g *globals) (*server.Server, config.Config, error) {
	cfg, err := sf.load(g, config.Defaults())
	if err != nil {
		return nil, cfg, err
	}
	srv, err := server.Open(ctx, cfg, newLogger(cfg, g))
	return srv, cfg, err
}

func (sf *serverFlags) load(g *globals, base config.Config) (config.Config, error) {
	cfg := base
	if sf.configFile != "" {
		if err := cfg.LoadFile(sf.configFile); err != nil {
			return cfg, err
		}
	}
	if err := cfg.LoadEnv(g.getenv); err != nil {
		return cfg, err
	}
	for path, v := range sf.set {
		if *v != "" {
			if err := cfg.Set(path, *v); err != nil {
				return cfg, err
			}
		}
	}
	return cfg, cfg.Validate()
}

func upCmd(g *globals) *cobra.Command {
	var reset bool
	c := &cobra.Command{
		Use:   "up",
		Short: "Start the whole platform on this machine with a demo fleet of simulated providers",
		Long: `up creates a data directory, applies migrations, seeds a demo fleet of
SIMULATED providers on a new database and serves the API. Re-running it
keeps the data; --reset starts over.`,
		Args: cobra.NoArgs,
	}
	sf := addServerFlags(c, false)
	c.Flags().BoolVar(&reset, "reset", false, "delete the data directory's database and start over")
	c.RunE = func(cmd *cobra.Command, _ []string) error {
		base := config.Defaults()
		base.Demo = true
		base.AllowSimulatedProviders = true
		cfg, err := sf.load(g, base)
		if err != nil {
			return err
		}
		if reset {
			if cfg.DatabaseURL != "" {
				return msgErr("cli.server.reset_postgres")
			}
			if err := resetDataDir(cfg.DataDir); err != nil {
				return err
			}
		}
		return runServer(cmd.Context(), g, cfg, true)
	}
	return c
}

func resetDataDir(dir string) error {
	for _, name := range []string{"soberana.db", "soberana.db-wal", "soberana.db-shm", "admin-token"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("resetting %s: %w", dir, err)
		}
	}
	return nil
}

func serveCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the platform from a configuration file (production)",
		Args:  cobra.NoArgs,
	}
	sf := addServerFlags(c, true)
	c.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := sf.load(g, config.Defaults())
		if err != nil {
			return err
		}
		if err := cfg.ValidateServe(); err != nil {
			return err
		}
		return runServer(cmd.Context(), g, cfg, false)
	}
	return c
}

func runServer(ctx context.Context, g *globals, cfg config.Config, up bool) error {
	log := newLogger(cfg, g)
	// SOBERANA_CPU_PROFILE=FILE writes a CPU profile of the whole run
	// (`go tool pprof FILE`), for finding where a benchmark's time goes.
	stop, err := startCPUProfile(g.getenv("SOBERANA_CPU_PROFILE"))
	if err != nil {
		return err
	}
	defer stop()
	// up keeps a secrets key in its data directory unless one is given,
	// so that the demo never stores a secret in clear text.
	var keyCreated string
	if up && g.getenv(server.EnvSecretsKeyFile) == "" && g.getenv(server.EnvSecretsKey) == "" {
		path, created, err := server.EnsureSecretsKey(cfg.DataDir)
		if err != nil {
			return err
		}
		if created {
			keyCreated = path
		}
	}
	srv, err := server.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	if !up {
		if err := serveChecks(ctx, srv, cfg); err != nil {
			_ = srv.Close()
			var se *server.StartError
			if errors.As(err, &se) {
				return errors.New(se.Localize(g.language()))
			}
			return err
		}
	}
	addr, err := srv.Listen()
	if err != nil {
		_ = srv.Close()
		return err
	}
	token := srv.AdminToken
	if up && cfg.DatabaseURL == "" {
		if token != "" {
			if err := server.WriteAdminToken(cfg.DataDir, token); err != nil {
				log.Warn("could not save the admin token", "err", err)
			}
		} else if t, err := server.ReadAdminToken(cfg.DataDir); err == nil {
			token = t
		}
	}
	// The banner goes out in one write: whoever watches the output for
	// the URL (a script, a test) then finds the token beside it.
	w := &strings.Builder{}
	fmt.Fprintf(w, "soberana %s is up at %s\n", server.Version, srv.URL())
	if up {
		if srv.Seeded {
			fmt.Fprintln(w, "  demo fleet created: SIMULATED providers (sim driver) in BR, MX, CL and CO")
		} else {
			fmt.Fprintln(w, "  using the existing data in", cfg.DataDir, "(--reset starts over)")
		}
		printDemoAuditKey(w, srv, cfg)
		if keyCreated != "" {
			fmt.Fprintln(w, "  secrets key created (0600):", keyCreated, "— keep it with the data; secrets are sealed with it")
		}
	}
	switch {
	case token != "" && cfg.BootstrapToken != "" && token == cfg.BootstrapToken:
		fmt.Fprintln(w, "  admin token: the value of SOBERANA_BOOTSTRAP_TOKEN")
	case token != "":
		fmt.Fprintln(w, "  admin token:", token)
		if !up {
			fmt.Fprintln(w, "  (shown once; store it now)")
		}
	}
	if token != "" {
		shown := token
		if cfg.BootstrapToken != "" && token == cfg.BootstrapToken {
			shown = "$SOBERANA_BOOTSTRAP_TOKEN"
		}
		fmt.Fprintf(w, "  try: curl -H 'Authorization: Bearer %s' http://%s/v1/sites\n", shown, addr)
		fmt.Fprintf(w, "   or: SOBERANA_TOKEN=%s soberana get sites\n", shown)
		fmt.Fprintf(w, "  console: %s/ (sign in with the token; es · pt-BR · en)\n", srv.URL())
	}
	fmt.Fprint(g.stdout, w.String())
	return srv.Run(ctx)
}

// serveChecks refuses what serve must not run with: sealed provider
// configs without the secrets key, simulated providers unless allowed.
func serveChecks(ctx context.Context, srv *server.Server, cfg config.Config) error {
	if err := srv.CheckSealedConfigs(ctx); err != nil {
		return err
	}
	return srv.CheckSimulatedProviders(ctx, cfg.AllowSimulatedProviders)
}

func migrateCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending database migrations and exit",
		Args:  cobra.NoArgs,
	}
	sf := addServerFlags(c, true)
	c.RunE = func(cmd *cobra.Command, _ []string) error {
		srv, cfg, err := sf.open(cmd.Context(), g)
		if err != nil {
			return err
		}
		defer srv.Close()
		applied, pending, err := srv.Store.MigrationStatus(cmd.Context())
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "database %s: %d migrations applied, %d pending\n", srv.Store.Dialect(), applied, pending)
		if srv.AdminToken != "" && cfg.BootstrapToken == "" {
			fmt.Fprintln(g.stdout, "new database: admin token (shown once):", srv.AdminToken)
		}
		return nil
	}
	return c
}

func versionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			in := buildinfo.Get()
			if g.output == "json" {
				return json.NewEncoder(g.stdout).Encode(in)
			}
			fmt.Fprintln(g.stdout, "soberana", in)
			return nil
		},
	}
}

func tokenCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "token", Short: "Token utilities"}
	c.AddCommand(&cobra.Command{
		Use:   "generate",
		Short: "Print a new random token (for SOBERANA_BOOTSTRAP_TOKEN)",
		Args:  cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			secret, _ := api.NewToken()
			fmt.Fprintln(g.stdout, strings.TrimSpace(secret))
		},
	})
	c.AddCommand(tokenSubcommands(g)...)
	return c
}
