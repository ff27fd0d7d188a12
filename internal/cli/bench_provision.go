package cli

import (
	"context"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/bench"
	"github.com/soberana/soberana/internal/client"
)

func init() { benchScenarios["provision"] = benchProvisionCmd }

// benchProvisionCmd measures request-accepted-to-running: an in-process
// server on the demo fleet (simulated providers, zero provisioning delay),
// real HTTP, N workloads posted by concurrent clients; with --servers N,
// N serve processes on one PostgreSQL (bench_provision_run.go).
func benchProvisionCmd(g *globals) *cobra.Command {
	var (
		n, conc, replicas int
		dbURL, profDir    string
		servers           int
	)
	c := benchScenarioCmd("provision",
		"Workloads per second from request accepted to running (sim, zero delay, in-process server, real HTTP)",
		func(ctx context.Context) error {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			if servers > 1 {
				return benchProvisionServers(ctx, g, servers, dbURL, n, conc, replicas)
			}
			// The benchmark measures provisioning, not the abuse limits.
			srv, stopServer, err := bench.StartServer(ctx, dbURL, bench.NoRateLimits)
			if err != nil {
				return err
			}
			defer stopServer()

			cl := client.New(srv.URL(), srv.AdminToken)
			cl.HTTP = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxIdleConns: conc}}
			// The whole process (server and clients) from the first
			// request to the last workload running.
			stop, err := startProfile(profDir, "provision.pprof")
			if err != nil {
				return err
			}
			defer stop()
			return runProvision(ctx, g, provisionRun{clients: []*client.Client{cl}, progress: bench.ProgressOf(srv.Store), database: benchDatabase(dbURL),
				n: n, conc: conc, replicas: replicas, cpu: selfCPU})
		})
	c.Flags().IntVar(&n, "workloads", 10000, "workloads to create")
	c.Flags().IntVar(&conc, "concurrency", 32, "concurrent HTTP clients")
	c.Flags().IntVar(&replicas, "replicas", 1, "replicas per workload")
	c.Flags().StringVar(&dbURL, "database-url", "", "postgres:// URL of an empty database (default: embedded SQLite)")
	c.Flags().StringVar(&profDir, "profile-dir", "", "write the CPU profile of the run (one server, in-process: server and clients) to provision.pprof here")
	c.Flags().IntVar(&servers, "servers", 1, "with more than one: `soberana serve` processes on --database-url, clients spread round-robin over them")
	return c
}

// selfCPU is this process's user and system CPU time (the in-process
// server and the bench's clients).
func selfCPU() (time.Duration, error) { return bench.ProcessCPU(), nil }
