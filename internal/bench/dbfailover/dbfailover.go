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
	"database/sql"
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
	o = o.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	srv, stopServer, err := bench.StartServer(ctx, o.DatabaseURL, bench.NoRateLimits)
	if err != nil {
		return res, err
	}
	defer stopServer()

	cl := client.New(srv.URL(), srv.AdminToken)
	cl.HTTP = &http.Client{Timeout: 30 * time.Second}
	project, body, err := demoWorkload(ctx, cl)
	if err != nil {
		return res, err
	}
	l := startLoad(ctx, cl, body, o.Concurrency)
	time.Sleep(o.Before)
	failAt, failDone, err := failPrimary(ctx, o.FailCommand, l, &res)
	if err != nil {
		return res, err
	}
	awaitRecovery(srv.URL(), o, l, failAt, failDone, &res)
	l.stop()

	l.mu.Lock()
	defer l.mu.Unlock()
	res.Acknowledged, res.Failed = len(l.acks), l.failed
	res.OutageMS = outage(l.acks, failAt, failDone)
	if err := checkAcknowledged(srv.Store.DB(), project, l, &res); err != nil {
		return res, err
	}
	if !res.Recovered {
		return res, errors.New("no create succeeded after the failover within the deadline")
	}
	return res, nil
}

// withDefaults fills the options left zero: 8 clients, the pair of
// scripts/pg-ha.sh, two minutes to recover.
func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if len(o.FailCommand) == 0 {
		o.FailCommand = []string{"bash", "scripts/pg-ha.sh", "promote"}
	}
	if o.Deadline <= 0 {
		o.Deadline = 2 * time.Minute
	}
	return o
}

// demoWorkload is the setup: the body of the create the clients repeat,
// a one-replica workload of the seeded demo project on the seeded demo
// offering, with the project's institution opened to the market so that
// the create is approved; and the project, whose workloads are checked
// afterwards.
func demoWorkload(ctx context.Context, cl *client.Client) (string, map[string]any, error) {
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := cl.Do(ctx, "GET", "/v1/projects?name=prontuario-eletronico", nil, &page); err != nil || len(page.Items) == 0 {
		return "", nil, fmt.Errorf("demo project: %v", err)
	}
	project := page.Items[0]["id"].(string)
	if _, err := cl.Do(ctx, "PATCH", "/v1/institutions/"+page.Items[0]["institution_id"].(string),
		map[string]any{"data_policy": seed.MarketPolicy}, nil); err != nil {
		return "", nil, fmt.Errorf("opening the demo ministry's data policy: %w", err)
	}
	if _, err := cl.Do(ctx, "GET", "/v1/offerings?name=SCS-1V-2-20s", nil, &page); err != nil || len(page.Items) == 0 {
		return "", nil, fmt.Errorf("demo offering: %v", err)
	}
	body := map[string]any{"project_id": project, "offering_id": page.Items[0]["id"], "replicas": 1,
		"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}}}
	return project, body, nil
}

// load is the clients creating workloads: the creates acknowledged and
// the attempts that failed, under mu; runID names this run's idempotency
// keys and start is when it began, for the checks afterwards.
type load struct {
	mu       sync.Mutex
	acks     []ack
	failed   int
	stopping chan struct{}
	wg       sync.WaitGroup
	runID    string
	start    time.Time
}

// startLoad starts n clients, each creating workloads one after the
// other until stop.
func startLoad(ctx context.Context, cl *client.Client, body map[string]any, n int) *load {
	l := &load{stopping: make(chan struct{}), runID: randHex(), start: time.Now()}
	for c := range n {
		l.wg.Go(func() { l.client(ctx, cl, body, c) })
	}
	return l
}

// client is client c's loop. One key per logical create, retried until
// acknowledged: a create whose answer was lost in the failure replays.
func (l *load) client(ctx context.Context, cl *client.Client, body map[string]any, c int) {
	for i := 0; ; i++ {
		select {
		case <-l.stopping:
			return
		default:
		}
		key := fmt.Sprintf("dbfailover-%s-%d-%d", l.runID, c, i)
		for {
			var w struct {
				ID string `json:"id"`
			}
			_, err := cl.Do(ctx, "POST", "/v1/workloads", body, &w, "Idempotency-Key", key)
			if err == nil {
				l.mu.Lock()
				l.acks = append(l.acks, ack{at: time.Now(), id: w.ID, key: key})
				l.mu.Unlock()
				break
			}
			if ctx.Err() != nil {
				return
			}
			l.mu.Lock()
			l.failed++
			l.mu.Unlock()
			time.Sleep(20 * time.Millisecond) // client back-off, not a wait for a condition
		}
	}
}

// stop stops the clients and waits for them.
func (l *load) stop() { close(l.stopping); l.wg.Wait() }

// failPrimary runs the fail command (losing the primary, promoting the
// standby) under the load and times it. It stops the load if the command
// fails.
func failPrimary(ctx context.Context, failCommand []string, l *load, res *Result) (failAt, failDone time.Time, err error) {
	failAt = time.Now()
	cmd := exec.CommandContext(ctx, failCommand[0], failCommand[1:]...)
	if out, err := cmd.CombinedOutput(); err != nil {
		l.stop()
		return failAt, failDone, fmt.Errorf("%v: %w\n%s", failCommand, err, out)
	}
	failDone = time.Now()
	res.FailoverMS = ms(failDone.Sub(failAt))
	return failAt, failDone, nil
}

// awaitRecovery waits, within o.Deadline, for readiness to reflect the
// database again and for a create acknowledged after the failure; once
// one is, the load goes on for o.After.
func awaitRecovery(url string, o Options, l *load, failAt, failDone time.Time, res *Result) {
	deadline := time.Now().Add(o.Deadline)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				res.ReadyAfterMS = ms(time.Since(failAt))
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	for time.Now().Before(deadline) && !res.Recovered {
		l.mu.Lock()
		res.Recovered = len(l.acks) > 0 && l.acks[len(l.acks)-1].at.After(failDone)
		l.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	if res.Recovered {
		time.Sleep(o.After)
	}
}

// outage is what clients saw: the longest gap between two consecutive
// acknowledgements that spans the failure.
func outage(acks []ack, failAt, failDone time.Time) float64 {
	var longest float64
	times := make([]time.Time, len(acks))
	for i, a := range acks {
		times[i] = a.at
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	for i := 1; i < len(times); i++ {
		if times[i].After(failAt) && times[i-1].Before(failDone) {
			longest = max(longest, ms(times[i].Sub(times[i-1])))
		}
	}
	return longest
}

// checkAcknowledged checks that every acknowledged workload exists
// (res.Lost) and that no key made two (res.Doubled): neither two IDs
// acknowledged for one key nor workloads made during the run that no key
// accounts for, made twice by a retry.
func checkAcknowledged(db *sql.DB, project string, l *load, res *Result) error {
	rctx, rcancel := context.WithTimeout(context.Background(), time.Minute)
	defer rcancel()
	ids, err := workloadIDs(rctx, db, project)
	if err != nil {
		return err
	}
	byKey := map[string]string{}
	for _, a := range l.acks {
		if !ids[a.id] {
			res.Lost++
		}
		if prev, ok := byKey[a.key]; ok && prev != a.id {
			res.Doubled++
		}
		byKey[a.key] = a.id
	}
	var keyed int
	if err := db.QueryRowContext(rctx, `SELECT count(DISTINCT workload_id) FROM idempotency_keys WHERE key LIKE $1`,
		"dbfailover-"+l.runID+"-%").Scan(&keyed); err != nil {
		return err
	}
	var all int
	if err := db.QueryRowContext(rctx, `SELECT count(*) FROM workloads WHERE project_id = $1 AND created_at >= $2`,
		project, l.start.UnixMicro()).Scan(&all); err != nil {
		return err
	}
	if all > keyed {
		res.Doubled += all - keyed
	}
	return nil
}

// workloadIDs is the set of the project's workloads in the database.
func workloadIDs(ctx context.Context, db *sql.DB, project string) (map[string]bool, error) {
	ids := map[string]bool{}
	rows, err := db.QueryContext(ctx, `SELECT id FROM workloads WHERE project_id = $1`, project)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return ids, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func randHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
