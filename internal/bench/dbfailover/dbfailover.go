// Package dbfailover is the "losing a data centre" scenario: a soberana
// server on a PostgreSQL primary with a synchronous streaming standby
// (scripts/pg-ha.sh), clients creating workloads, the primary stopped at
// once and the standby promoted mid-run. It measures what clients see —
// the outage between the last acknowledged create before and the first
// after — and checks that every acknowledged create survived, once.
package dbfailover

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/bench"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/seed"
)

// Options size the scenario.
type Options struct {
	// DatabaseURL names both hosts, e.g. postgres://postgres@127.0.0.1:5434,
	// 127.0.0.1:5433/soberana?sslmode=disable&target_session_attrs=read-write
	// (an empty database).
	DatabaseURL string
	// FailCommand loses the primary and promotes the standby
	// (default: bash scripts/pg-ha.sh promote).
	FailCommand []string
	// Concurrency is the number of clients creating workloads.
	Concurrency int
	// Before and After are how long the load runs before the failure and
	// after the first create acknowledged once it is over.
	Before, After time.Duration
	// Deadline bounds the wait for recovery.
	Deadline time.Duration
}

// Result is the scenario's JSON line.
type Result struct {
	Scenario     string  `json:"scenario"`
	Acknowledged int     `json:"acknowledged"`
	Lost         int     `json:"lost"`
	Doubled      int     `json:"doubled"`
	Failed       int     `json:"failed_attempts"`
	OutageMS     float64 `json:"outage_ms"`
	FailoverMS   float64 `json:"fail_command_ms"`
	ReadyAfterMS float64 `json:"ready_after_ms"`
	Recovered    bool    `json:"recovered"`
}

type ack struct {
	at  time.Time
	id  string
	key string
}

// Run runs the scenario.
func Run(ctx context.Context, o Options) (Result, error) {
	res := Result{Scenario: "dbfailover"}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if len(o.FailCommand) == 0 {
		o.FailCommand = []string{"bash", "scripts/pg-ha.sh", "promote"}
	}
	if o.Deadline <= 0 {
		o.Deadline = 2 * time.Minute
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	srv, stopServer, err := bench.StartServer(ctx, o.DatabaseURL, bench.NoRateLimits)
	if err != nil {
		return res, err
	}
	defer stopServer()

	cl := client.New(srv.URL(), srv.AdminToken)
	cl.HTTP = &http.Client{Timeout: 30 * time.Second}
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := cl.Do(ctx, "GET", "/v1/projects?name=prontuario-eletronico", nil, &page); err != nil || len(page.Items) == 0 {
		return res, fmt.Errorf("demo project: %v", err)
	}
	project := page.Items[0]["id"].(string)
	if _, err := cl.Do(ctx, "PATCH", "/v1/institutions/"+page.Items[0]["institution_id"].(string),
		map[string]any{"data_policy": seed.MarketPolicy}, nil); err != nil {
		return res, fmt.Errorf("opening the demo ministry's data policy: %w", err)
	}
	if _, err := cl.Do(ctx, "GET", "/v1/offerings?name=SCS-1V-2-20s", nil, &page); err != nil || len(page.Items) == 0 {
		return res, fmt.Errorf("demo offering: %v", err)
	}
	body := map[string]any{"project_id": project, "offering_id": page.Items[0]["id"], "replicas": 1,
		"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}}}

	var (
		mu       sync.Mutex
		acks     []ack
		failed   int
		stopping = make(chan struct{})
		wg       sync.WaitGroup
		runID    = randHex()
		runStart = time.Now()
	)
	for c := range o.Concurrency {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stopping:
					return
				default:
				}
				// One key per logical create, retried until acknowledged:
				// a create whose answer was lost in the failure replays.
				key := fmt.Sprintf("dbfailover-%s-%d-%d", runID, c, i)
				for {
					var w struct {
						ID string `json:"id"`
					}
					_, err := cl.Do(ctx, "POST", "/v1/workloads", body, &w, "Idempotency-Key", key)
					if err == nil {
						mu.Lock()
						acks = append(acks, ack{at: time.Now(), id: w.ID, key: key})
						mu.Unlock()
						break
					}
					if ctx.Err() != nil {
						return
					}
					mu.Lock()
					failed++
					mu.Unlock()
					time.Sleep(20 * time.Millisecond) // client back-off, not a wait for a condition
				}
			}
		})
	}
	stop := func() { close(stopping); wg.Wait() }
	time.Sleep(o.Before)
	failAt := time.Now()
	cmd := exec.CommandContext(ctx, o.FailCommand[0], o.FailCommand[1:]...)
	if out, err := cmd.CombinedOutput(); err != nil {
		stop()
		return res, fmt.Errorf("%v: %w\n%s", o.FailCommand, err, out)
	}
	failDone := time.Now()
	res.FailoverMS = ms(failDone.Sub(failAt))
	// Readiness reflects the database again.
	deadline := time.Now().Add(o.Deadline)
	for time.Now().Before(deadline) {
		resp, err := http.Get(srv.URL() + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				res.ReadyAfterMS = ms(time.Since(failAt))
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Load goes on until a create succeeds after the failure, then After.
	for time.Now().Before(deadline) && !res.Recovered {
		mu.Lock()
		res.Recovered = len(acks) > 0 && acks[len(acks)-1].at.After(failDone)
		mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	if res.Recovered {
		time.Sleep(o.After)
	}
	stop()

	mu.Lock()
	defer mu.Unlock()
	res.Acknowledged, res.Failed = len(acks), failed
	times := make([]time.Time, len(acks))
	for i, a := range acks {
		times[i] = a.at
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	for i := 1; i < len(times); i++ {
		if times[i].After(failAt) && times[i-1].Before(failDone) {
			res.OutageMS = max(res.OutageMS, ms(times[i].Sub(times[i-1])))
		}
	}
	// Every acknowledged workload exists, and no key made two.
	rctx, rcancel := context.WithTimeout(context.Background(), time.Minute)
	defer rcancel()
	db := srv.Store.DB()
	ids := map[string]bool{}
	rows, err := db.QueryContext(rctx, `SELECT id FROM workloads WHERE project_id = $1`, project)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return res, err
		}
		ids[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	byKey := map[string]string{}
	for _, a := range acks {
		if !ids[a.id] {
			res.Lost++
		}
		if prev, ok := byKey[a.key]; ok && prev != a.id {
			res.Doubled++
		}
		byKey[a.key] = a.id
	}
	// Workloads made during the run that no key accounts for: made twice
	// by a retry.
	var keyed int
	if err := db.QueryRowContext(rctx, `SELECT count(DISTINCT workload_id) FROM idempotency_keys WHERE key LIKE $1`,
		"dbfailover-"+runID+"-%").Scan(&keyed); err != nil {
		return res, err
	}
	var all int
	if err := db.QueryRowContext(rctx, `SELECT count(*) FROM workloads WHERE project_id = $1 AND created_at >= $2`,
		project, runStart.UnixMicro()).Scan(&all); err != nil {
		return res, err
	}
	if all > keyed {
		res.Doubled += all - keyed
	}
	if !res.Recovered {
		return res, errors.New("no create succeeded after the failover within the deadline")
	}
	return res, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func randHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
