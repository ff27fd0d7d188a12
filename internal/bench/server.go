package bench

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/server"
)

// StartServer runs a demo server in this process for a bench: its data
// directory a new temporary one, its database dbURL (empty: SQLite in
// that directory), listening on a free port of 127.0.0.1, logging
// nowhere, with a fresh bootstrap token that is also its AdminToken. tune
// (nil: none) adjusts the configuration before the server opens. stop
// stops the server, waits for it and removes the directory.
func StartServer(ctx context.Context, dbURL string, tune func(*config.Config)) (srv *server.Server, stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	dir, err := os.MkdirTemp("", "soberana-bench-")
	if err != nil {
		cancel()
		return nil, nil, err
	}
	fail := func(err error) (*server.Server, func(), error) {
		cancel()
		os.RemoveAll(dir)
		return nil, nil, err
	}
	secret, _ := api.NewToken()
	cfg := config.Defaults()
	cfg.Addr, cfg.DataDir, cfg.Demo, cfg.BootstrapToken, cfg.DatabaseURL = "127.0.0.1:0", dir, true, secret, dbURL
	if tune != nil {
		tune(&cfg)
	}
	if srv, err = server.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return fail(err)
	}
	if _, err := srv.Listen(); err != nil {
		return fail(err)
	}
	srv.AdminToken = secret
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	return srv, func() { cancel(); <-done; os.RemoveAll(dir) }, nil
}

// NoRateLimits turns the abuse limits off: a bench measures the platform,
// and with them a sequential run waits out 429s (Retry-After 1 s).
func NoRateLimits(cfg *config.Config) { cfg.RateLimit = config.RateLimit{PerIP: -1, PerCaller: -1} }
