package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/soberana/soberana/internal/bench"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/seed"
)

// provisionRun is one `bench provision` measurement: clients (one per
// server; the concurrent posters take them round-robin), a store to count
// running workloads in, and cpu, the CPU time the servers have used so
// far (for cpu_seconds_per_1000_workloads, which is less sensitive to a
// loaded machine than the rate).
type provisionRun struct {
	clients           []*client.Client
	progress          *bench.Progress
	database          string
	n, conc, replicas int
	cpu               func() (time.Duration, error)
}

func runProvision(ctx context.Context, g *globals, r provisionRun) error {
	cl := r.clients[0]
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
	body := map[string]any{"project_id": project, "offering_id": page.Items[0]["id"], "replicas": r.replicas,
		"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}}}

	stop, err := startCPUProfile(os.Getenv("SOBERANA_BENCH_CPUPROFILE"))
	if err != nil {
		return err
	}
	defer stop()
	cpu0, err := r.cpu()
	if err != nil {
		return err
	}
	start := time.Now()
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	var once sync.Once
	for i := range r.conc {
		c := r.clients[i%len(r.clients)]
		wg.Go(func() {
			for next.Add(1) <= int64(r.n) {
				if _, err := c.Do(ctx, "POST", "/v1/workloads", body, nil); err != nil {
					failed.Add(1)
					once.Do(func() { firstErr = err })
				}
			}
		})
	}
	wg.Wait()
	accepted := time.Since(start)
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("%d of %d requests failed, first: %w", f, r.n, firstErr)
	}
	want := int64(r.n)
	for {
		got, err := r.progress.Running(ctx)
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
	cpu1, err := r.cpu()
	if err != nil {
		return err
	}
	lat, err := r.progress.Latencies(ctx)
	if err != nil {
		return err
	}
	p50, p99, top := latencyMS(lat)
	return printJSONLine(g, map[string]any{
		"scenario": "provision", "database": r.database, "servers": len(r.clients), "workloads": r.n,
		"replicas_per_workload": r.replicas, "concurrency": r.conc, "seconds": total.Seconds(),
		"workloads_per_second": float64(r.n) / total.Seconds(),
		"accepted_per_second":  float64(r.n) / accepted.Seconds(),
		"p50_ms":               p50, "p99_ms": p99, "max_ms": top,
		"cpu_seconds_per_1000_workloads": (cpu1 - cpu0).Seconds() * 1000 / float64(r.n),
	})
}

// benchProvisionServers is `bench provision --servers N`: N `soberana
// serve` processes (this binary) on one PostgreSQL database, the first
// making the schema and the demo fleet, the concurrent clients spread
// round-robin over them (no load balancer: bench ha measures HAProxy).
// CPU is the servers' own, not the bench's clients'.
func benchProvisionServers(ctx context.Context, g *globals, servers int, dbURL string, n, conc, replicas int) error {
	if !bench.IsPostgresURL(dbURL) {
		return errors.New("--servers: a postgres:// --database-url of an empty database is required")
	}
	r := &haRun{servers: servers, dbURL: dbURL, ttl: 3 * time.Second}
	defer r.stop()
	if err := r.prepare(ctx, "soberana-bench-provision-"); err != nil {
		return err
	}
	var cls []*client.Client
	for _, p := range r.replicas {
		// One at a time: the first makes the schema and the demo fleet.
		if err := r.start(ctx, p); err != nil {
			return err
		}
		cl := client.New("http://"+p.addr, r.token)
		per := max(1, conc/servers+1)
		cl.HTTP = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: per, MaxIdleConns: per}}
		cls = append(cls, cl)
	}
	progress, err := bench.OpenProgress(ctx, dbURL)
	if err != nil {
		return err
	}
	defer progress.Close()
	cpu := func() (time.Duration, error) {
		var sum time.Duration
		for _, p := range r.replicas {
			d, err := bench.PidCPU(p.cmd.Process.Pid)
			if err != nil {
				return 0, err
			}
			sum += d
		}
		return sum, nil
	}
	return runProvision(ctx, g, provisionRun{clients: cls, progress: progress, database: "postgres", n: n, conc: conc, replicas: replicas, cpu: cpu})
}
