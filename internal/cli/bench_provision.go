package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/server"
)

func init() { benchScenarios["provision"] = benchProvisionCmd }

// benchProvisionCmd measures request-accepted-to-running: an in-process
// server on the demo fleet (simulated providers, zero provisioning delay),
// real HTTP, N workloads posted by concurrent clients.
func benchProvisionCmd(g *globals) *cobra.Command {
	var (
		n, conc, replicas int
		dbURL             string
	)
	c := &cobra.Command{
		Use:   "provision",
		Short: "Workloads per second from request accepted to running (sim, zero delay, in-process server, real HTTP)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			dir, err := os.MkdirTemp("", "soberana-bench-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			secret, _ := api.NewToken()
			cfg := config.Defaults()
			cfg.Addr, cfg.DataDir, cfg.Demo, cfg.BootstrapToken, cfg.DatabaseURL = "127.0.0.1:0", dir, true, secret, dbURL
			// The benchmark measures provisioning, not the abuse limits.
			cfg.RateLimit = config.RateLimit{PerIP: -1, PerCaller: -1}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			srv, err := server.Open(ctx, cfg, log)
			if err != nil {
				return err
			}
			if _, err := srv.Listen(); err != nil {
				return err
			}
			done := make(chan error, 1)
			go func() { done <- srv.Run(ctx) }()
			defer func() { cancel(); <-done }()

			cl := client.New(srv.URL(), secret)
			cl.HTTP = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxIdleConns: conc}}
			var page struct {
				Items []map[string]any `json:"items"`
			}
			if _, err := cl.Do(ctx, "GET", "/v1/projects?name=prontuario-eletronico", nil, &page); err != nil || len(page.Items) == 0 {
				return fmt.Errorf("demo project: %v", err)
			}
			project := page.Items[0]["id"]
			// The whole demo market, as before data policies (bench_policy.go).
			if _, err := cl.Do(ctx, "PATCH", "/v1/institutions/"+page.Items[0]["institution_id"].(string),
				map[string]any{"data_policy": seed.MarketPolicy}, nil); err != nil {
				return fmt.Errorf("opening the demo ministry's data policy: %w", err)
			}
			if _, err := cl.Do(ctx, "GET", "/v1/offerings?name=SCS-1V-2-20s", nil, &page); err != nil || len(page.Items) == 0 {
				return fmt.Errorf("demo offering: %v", err)
			}
			body := map[string]any{"project_id": project, "offering_id": page.Items[0]["id"], "replicas": replicas,
				"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}}}

			if path := os.Getenv("SOBERANA_BENCH_CPUPROFILE"); path != "" {
				f, err := os.Create(path)
				if err != nil {
					return err
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return err
				}
				defer pprof.StopCPUProfile()
			}
			start := time.Now()
			var next, failed atomic.Int64
			var wg sync.WaitGroup
			var firstErr error
			var once sync.Once
			for range conc {
				wg.Go(func() {
					for next.Add(1) <= int64(n) {
						if _, err := cl.Do(ctx, "POST", "/v1/workloads", body, nil); err != nil {
							failed.Add(1)
							once.Do(func() { firstErr = err })
						}
					}
				})
			}
			wg.Wait()
			accepted := time.Since(start)
			if f := failed.Load(); f > 0 {
				return fmt.Errorf("%d of %d requests failed, first: %w", f, n, firstErr)
			}
			want := int64(n)
			for {
				got, err := srv.Store.Read().Workloads().Count(ctx, map[string]string{"state": "running"})
				if err != nil {
					return err
				}
				if got >= want {
					break
				}
				if time.Since(start) > 10*time.Minute {
					return fmt.Errorf("only %d of %d workloads running after 10 minutes", got, want)
				}
				time.Sleep(5 * time.Millisecond)
			}
			total := time.Since(start)
			lat, err := srv.Store.Read().RunningLatencies(ctx)
			if err != nil {
				return err
			}
			slices.Sort(lat)
			pct := func(p float64) float64 {
				if len(lat) == 0 {
					return 0
				}
				return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
			}
			db := "sqlite"
			if dbURL != "" {
				db = "postgres"
			}
			return printJSONLine(g, map[string]any{
				"scenario": "provision", "database": db, "workloads": n, "replicas_per_workload": replicas,
				"concurrency": conc, "seconds": total.Seconds(),
				"workloads_per_second": float64(n) / total.Seconds(),
				"accepted_per_second":  float64(n) / accepted.Seconds(),
				"p50_ms":               pct(0.50), "p99_ms": pct(0.99), "max_ms": pct(1),
			})
		},
	}
	c.Flags().IntVar(&n, "workloads", 10000, "workloads to create")
	c.Flags().IntVar(&conc, "concurrency", 32, "concurrent HTTP clients")
	c.Flags().IntVar(&replicas, "replicas", 1, "replicas per workload")
	c.Flags().StringVar(&dbURL, "database-url", "", "postgres:// URL of an empty database (default: embedded SQLite)")
	return c
}
