package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
)

func init() { benchScenarios["address"] = benchAddressCmd }

// benchAddressCmd measures the time from a workload request accepted (the
// POST answered) to every one of its replicas having an address, as a
// client sees it through the API (GET /v1/workloads/{id} polled). On the
// sim: an in-process server on the demo fleet. With --remote: the server
// of --server/--token (SOBERANA_SERVER, SOBERANA_TOKEN), on whatever
// providers it has — an OpenStack one included — for --project and
// --offering.
func benchAddressCmd(g *globals) *cobra.Command {
	var (
		n, conc, replicas          int
		remote, keep               bool
		project, offering, country string
		image                      string
		poll, within               time.Duration
		dbURL                      string
	)
	c := benchScenarioCmd("address",
		"Time from request accepted to every replica having an address, p50/p99 (sim in-process, or --remote)",
		func(ctx context.Context) error {
			var cl *client.Client
			target := "sim"
			if remote {
				if project == "" || offering == "" {
					return errors.New("--remote needs --project and --offering (ids)")
				}
				var err error
				if cl, err = g.client(); err != nil {
					return err
				}
				target = "remote"
			} else {
				srv, demo, stop, err := benchServer(ctx, dbURL)
				if err != nil {
					return err
				}
				defer stop()
				cl = client.New(srv.URL(), srv.AdminToken)
				project, offering, country = demo.projectBR, demo.offering, "BR"
			}
			cl.HTTP = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxIdleConns: conc}}
			body := map[string]any{"project_id": project, "offering_id": offering, "replicas": replicas,
				"classification": "internal", "residency": map[string]any{"countries": []string{country}}}
			if image != "" {
				body["image"] = image
			}
			res, err := benchAddresses(ctx, cl, body, n, conc, replicas, poll, within, !keep)
			if err != nil {
				return err
			}
			res["scenario"], res["target"] = "address", target
			return printJSONLine(g, res)
		})
	fl := c.Flags()
	fl.IntVar(&n, "workloads", 100, "workloads to create")
	fl.IntVar(&conc, "concurrency", 16, "workloads in flight at once")
	fl.IntVar(&replicas, "replicas", 1, "replicas per workload")
	fl.BoolVar(&remote, "remote", false, "measure on the server of --server/--token instead of an in-process sim")
	fl.StringVar(&project, "project", "", "project id (with --remote)")
	fl.StringVar(&offering, "offering", "", "offering id (with --remote)")
	fl.StringVar(&country, "country", "BR", "residency country of the requests (with --remote)")
	fl.StringVar(&image, "image", "", "image family to request (optional)")
	fl.DurationVar(&poll, "poll", 20*time.Millisecond, "how often a workload is read while it has no address")
	fl.DurationVar(&within, "within", 10*time.Minute, "give a workload up after this long without an address")
	fl.BoolVar(&keep, "keep", false, "keep the workloads (default: delete them at the end)")
	fl.StringVar(&dbURL, "database-url", "", "postgres:// URL of an empty database (sim; default: embedded SQLite)")
	return c
}

// benchAddresses posts n workloads, conc at a time, and times each from
// its POST's answer to the first read showing an address on every replica.
func benchAddresses(ctx context.Context, cl *client.Client, body map[string]any, n, conc, replicas int,
	poll, within time.Duration, cleanup bool) (map[string]any, error) {
	type wl struct {
		ID         string `json:"id"`
		State      string `json:"state"`
		Placements []struct {
			Addresses []struct {
				Address string `json:"address"`
			} `json:"addresses"`
		} `json:"placements"`
	}
	var (
		mu      sync.Mutex
		lat     []time.Duration
		ids     []string
		missing int
		first   error
	)
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range max(1, conc) {
		wg.Go(func() {
			for range jobs {
				var w wl
				if _, err := cl.Do(ctx, "POST", "/v1/workloads", body, &w); err != nil || w.ID == "" {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("creating a workload: %v", err)
					}
					mu.Unlock()
					continue
				}
				t0 := time.Now()
				mu.Lock()
				ids = append(ids, w.ID)
				mu.Unlock()
				var got time.Duration
				for time.Since(t0) < within && ctx.Err() == nil {
					var cur wl
					if _, err := cl.Do(ctx, "GET", "/v1/workloads/"+w.ID, nil, &cur); err == nil && addressed(len(cur.Placements), replicas, func(i int) int { return len(cur.Placements[i].Addresses) }) {
						got = time.Since(t0)
						break
					}
					time.Sleep(poll)
				}
				mu.Lock()
				if got > 0 {
					lat = append(lat, got)
				} else {
					missing++
				}
				mu.Unlock()
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	total := time.Since(start)
	if cleanup {
		for _, id := range ids {
			_, _ = cl.Do(context.WithoutCancel(ctx), "DELETE", "/v1/workloads/"+id, nil, nil)
		}
	}
	if first != nil && len(lat) == 0 {
		return nil, first
	}
	p50, p99, top := latencyMS(lat)
	out := map[string]any{"workloads": n, "replicas_per_workload": replicas, "concurrency": conc,
		"with_address": len(lat), "without_address": missing, "failed_requests": n - len(ids),
		"poll_ms": float64(poll.Microseconds()) / 1000, "seconds": total.Seconds(),
		"p50_ms": p50, "p99_ms": p99, "max_ms": top}
	return out, nil
}

// addressed reports whether a workload read shows all its replicas, each
// with at least one address.
func addressed(placements, replicas int, count func(int) int) bool {
	if placements < replicas {
		return false
	}
	for i := range placements {
		if count(i) == 0 {
			return false
		}
	}
	return true
}
