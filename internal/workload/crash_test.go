package workload_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/bintest"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

const crashToken = "sbr_crash_test_token_0123456789abcdef"

// startBinary runs the binary with short reconcile intervals, so that
// convergence after a kill is quick.
func startBinary(t *testing.T, bin, dir string) *bintest.Server {
	t.Helper()
	return bintest.Start(t, bin, dir, crashToken, 30*time.Second, "SOBERANA_RECONCILE_LEASE_TTL=1s",
		"SOBERANA_RECONCILE_ORPHAN_EVERY=300ms", "SOBERANA_RECONCILE_ORPHAN_GRACE=500ms", "SOBERANA_RECONCILE_IDLE=200ms",
		// 500 workloads as fast as possible: the abuse limits are not under test.
		"SOBERANA_RATE_LIMIT_PER_CALLER=-1", "SOBERANA_RATE_LIMIT_PER_IP=-1")
}

// TestCrashSafety runs the real binary on the sim fleet, submits 500
// workloads (and deletes some) while killing it with SIGKILL at random
// moments, restarts it, and checks after convergence that every workload
// is running or ended with a reason, that the sim provider holds exactly
// one resource per running replica, and that the engine's reservations
// equal the live replicas.
func TestCrashSafety(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	bin := bintest.Build(t)
	data := filepath.Join(t.TempDir(), "data")
	var mu sync.Mutex
	p := startBinary(t, bin, data)
	cur := func() *client.Client {
		mu.Lock()
		defer mu.Unlock()
		c := client.New(p.URL, crashToken)
		c.HTTP = &http.Client{Timeout: 5 * time.Second}
		return c
	}
	defer func() { mu.Lock(); p.Kill(); mu.Unlock() }()
	ctx := context.Background()
	c := cur()
	prj, off := fixture(t, c)
	// A provisioning delay widens the window in which a kill lands while
	// resources are building.
	simFaults(t, c, map[string]any{"error_rate": "0", "provisioning_delay_ms": 30})

	const n = 500
	ids := make([]string, n)
	retry := func(f func(c *client.Client) error) {
		for {
			err := f(cur())
			var pb *client.Problem
			if err == nil || (errors.As(err, &pb) && pb.Status < 500) {
				if err != nil {
					t.Errorf("request refused: %v", err)
				}
				return
			}
			time.Sleep(50 * time.Millisecond) // server down: retry the same request
		}
	}
	var wg sync.WaitGroup
	start := time.Now()
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				b := body(prj, off, 1+i%2)
				b["classification"] = "internal"
				retry(func(c *client.Client) error {
					var v view
					_, err := c.Do(ctx, "POST", "/v1/workloads", b, &v, "Idempotency-Key", fmt.Sprintf("crash-%d", i))
					ids[i] = v.ID
					return err
				})
				if i%10 == 3 {
					retry(func(c *client.Client) error {
						_, err := c.Do(ctx, "DELETE", "/v1/workloads/"+ids[i], nil, nil)
						return err
					})
				}
			}
		})
	}
	submitted := make(chan struct{})
	go func() { wg.Wait(); close(submitted) }()
	kills := 0
	for kills < 5 {
		time.Sleep(time.Duration(150+rand.IntN(600)) * time.Millisecond)
		mu.Lock()
		p.Kill()
		kills++
		p = startBinary(t, bin, data)
		mu.Unlock()
	}
	<-submitted
	t.Logf("submitted %d workloads with %d kills in %s", n, kills, time.Since(start).Round(time.Millisecond))

	st, err := store.Open(ctx, filepath.Join(data, "soberana.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	converge(t, st, cur(), 60*time.Second)
	t.Logf("converged after %s", time.Since(start).Round(time.Millisecond))
}

// converge waits until every workload is settled, then checks the
// invariants: one sim resource per running replica and nothing else,
// reservations equal to the live replicas.
func converge(t testing.TB, st *store.Store, c *client.Client, timeout time.Duration) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(timeout)
	var problems []string
	for {
		problems = problems[:0]
		tx := st.Read()
		ws, err := tx.Workloads().All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		running := 0
		for _, w := range ws {
			switch w.State {
			case model.StateRunning:
				running++
			case model.StateDeleted:
			case model.StateFailed, model.StateRejected:
				if w.Reason == "" {
					problems = append(problems, w.ID+" ended without a reason")
				}
			default:
				problems = append(problems, w.ID+" still "+string(w.State))
			}
		}
		live, err := tx.LivePlacements(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := tx.SimList(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		byReplica := map[string]int{}
		for _, r := range res {
			byReplica[r.ReplicaID]++
		}
		want := map[string]int64{}
		for _, p := range live {
			if p.State != model.PlacementRunning {
				problems = append(problems, "placement "+p.ID+" still "+string(p.State))
				continue
			}
			want[p.SiteID] += p.VCPUs
			if byReplica[p.ID] != 1 {
				problems = append(problems, fmt.Sprintf("running replica %s has %d sim resources", p.ID, byReplica[p.ID]))
			}
			delete(byReplica, p.ID)
		}
		for id, k := range byReplica {
			problems = append(problems, fmt.Sprintf("leaked sim resource(s) for replica %s: %d", id, k))
		}
		var u struct {
			Sites map[string]struct {
				Used struct {
					VCPU int64 `json:"vcpu"`
				} `json:"Used"`
			} `json:"sites"`
		}
		if _, err := c.Do(ctx, "GET", "/v1/fleet/reservations", nil, &u); err != nil {
			problems = append(problems, "reservations: "+err.Error())
		}
		for id, s := range u.Sites {
			if s.Used.VCPU != want[id] {
				problems = append(problems, fmt.Sprintf("site %s: engine reserves %d vCPU, running replicas %d", id, s.Used.VCPU, want[id]))
			}
		}
		if len(problems) == 0 {
			t.Logf("%d workloads, %d running, %d sim resources", len(ws), running, len(res))
			return
		}
		if time.Now().After(deadline) {
			if len(problems) > 20 {
				problems = problems[:20]
			}
			t.Fatalf("not converged:\n%s", strings.Join(problems, "\n"))
		}
		time.Sleep(200 * time.Millisecond)
	}
}
