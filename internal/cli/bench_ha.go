package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/seed"
)

func init() { benchScenarios["ha"] = benchHACmd }

// benchHACmd runs `soberana serve` replicas (this binary) on one
// PostgreSQL database behind HAProxy (health checks on /readyz), puts mixed
// load through HAProxy — first with one replica, then with all — and
// SIGKILLs the reconciler lease holder in the middle of the second phase.
// Afterwards it checks that every acknowledged create is present (and
// every acknowledged delete gone), that no workload or ledger line is
// doubled, and reports the lease handover time, throughput and p50/p99
// per route class.
func benchHACmd(g *globals) *cobra.Command {
	var (
		servers, conc, rate int
		capFactor           int64
		dbURL, profDir      string
		dur, ttl            time.Duration
	)
	c := benchScenarioCmd("ha",
		"Replicas behind HAProxy on one PostgreSQL: mixed load, the lease holder SIGKILLed mid-run; nothing acknowledged lost or doubled",
		func(ctx context.Context) error {
			if dbURL == "" {
				return errors.New("--database-url: a postgres:// URL of an empty database is required")
			}
			hap, err := exec.LookPath("haproxy")
			if err != nil {
				return errors.New("haproxy not found: install it (sudo apt-get install -y haproxy, or scripts/haproxy-bench.sh)")
			}
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			if capFactor < 1 {
				return errors.New("--capacity-factor must be at least 1")
			}
			r := &haRun{servers: servers, dbURL: dbURL, ttl: ttl, haproxy: hap, profDir: profDir, capFactor: capFactor}
			defer r.stop()
			rep, err := r.run(ctx, haLoad{conc: conc, rate: rate, dur: dur})
			if err != nil {
				return err
			}
			if err := printJSONLine(g, rep); err != nil {
				return err
			}
			if rep["lost"].(int) > 0 || rep["doubled_workloads"].(int) > 0 || rep["doubled_ledger_lines"].(int) > 0 {
				return fmt.Errorf("acknowledged writes lost or doubled: lost %d, doubled workloads %d, doubled ledger lines %d",
					rep["lost"], rep["doubled_workloads"], rep["doubled_ledger_lines"])
			}
			return nil
		})
	c.Flags().IntVar(&servers, "servers", 3, "serve replicas behind HAProxy")
	c.Flags().IntVar(&conc, "concurrency", 32, "concurrent HTTP clients (closed loop); with --rate, the most requests in flight")
	c.Flags().IntVar(&rate, "rate", 0, "offered load in requests/s (open loop: requests start on schedule whether or not earlier ones finished, latency counted from the scheduled start); 0: closed loop")
	c.Flags().StringVar(&profDir, "profile-dir", "", "write each replica's CPU profile (replica-N.pprof, route-labelled) and its request counts (replica-N.metrics) here")
	c.Flags().StringVar(&dbURL, "database-url", "", "postgres:// URL of an empty database")
	c.Flags().DurationVar(&dur, "duration", time.Minute, "length of each phase (one replica, then all)")
	c.Flags().Int64Var(&capFactor, "capacity-factor", 1, "multiply every demo site's capacity (vCPUs, memory, disk) by this, so that a long run at a high --rate does not fill the fleet and turn creates into 422 no-fit")
	c.Flags().DurationVar(&ttl, "lease-ttl", 3*time.Second, "the replicas' reconcile.lease_ttl")
	return c
}

type haReplica struct {
	addr   string
	cmd    *exec.Cmd
	exited chan struct{}
	dead   bool
}

type haRun struct {
	servers  int
	dbURL    string
	ttl      time.Duration
	haproxy  string
	dir      string
	token    string
	replicas []*haReplica
	lb       *exec.Cmd
	lbAddr   string
	profDir  string
	// capFactor multiplies the demo sites' capacity (--capacity-factor).
	capFactor int64
}

// haLoad is the offered load of a phase: conc clients in a closed loop,
// or (rate > 0) an open loop of rate requests/s with at most conc in
// flight.
type haLoad struct {
	conc, rate int
	dur        time.Duration
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func (r *haRun) stop() {
	for i, p := range r.replicas {
		if r.profDir != "" && p.cmd != nil && !p.dead {
			// The request counts per route, to divide the profile by.
			if resp, err := http.Get("http://" + p.addr + "/metrics"); err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				_ = os.WriteFile(filepath.Join(r.profDir, fmt.Sprintf("replica-%d.metrics", i+1)), b, 0o600)
			}
		}
		if p.cmd != nil && p.cmd.Process != nil && !p.dead {
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			<-p.exited
		}
	}
	if r.lb != nil && r.lb.Process != nil {
		_ = r.lb.Process.Kill()
		_ = r.lb.Wait()
	}
	if r.dir != "" {
		_ = os.RemoveAll(r.dir)
	}
}

func waitReady(ctx context.Context, url string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		resp, err := http.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%s/readyz not ready after %s: %v", url, d, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (r *haRun) start(ctx context.Context, p *haReplica) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, "serve", "--addr", p.addr, "--log-level", "error")
	cmd.Env = append(os.Environ(), "SOBERANA_DATABASE_URL="+r.dbURL, "SOBERANA_DATA_DIR="+filepath.Join(r.dir, "data"),
		"SOBERANA_DEMO=true", "SOBERANA_ALLOW_SIMULATED_PROVIDERS=true", "SOBERANA_BOOTSTRAP_TOKEN="+r.token,
		"SOBERANA_RATE_LIMIT_PER_IP=-1", "SOBERANA_RATE_LIMIT_PER_CALLER=-1", "SOBERANA_TRUSTED_PROXIES=127.0.0.1",
		"SOBERANA_RECONCILE_LEASE_TTL="+r.ttl.String(), "SOBERANA_AUDIT_SIGNING_KEY_FILE="+filepath.Join(r.dir, "audit.key"))
	if r.profDir != "" {
		for i, q := range r.replicas {
			if q == p {
				cmd.Env = append(cmd.Env, "SOBERANA_CPU_PROFILE="+filepath.Join(r.profDir, fmt.Sprintf("replica-%d.pprof", i+1)))
			}
		}
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	p.cmd = cmd
	exited := make(chan struct{})
	p.exited = exited
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-exited:
			cancel()
		case <-rctx.Done():
		}
	}()
	if err := waitReady(rctx, "http://"+p.addr, time.Minute); err != nil {
		return fmt.Errorf("replica %s: %w", p.addr, err)
	}
	return nil
}

// haServerMaxConn bounds the connections HAProxy opens to one replica;
// requests beyond it wait in HAProxy's queue instead of piling up as
// goroutines (and PostgreSQL connection waits) in one replica. With
// http-reuse always those connections are kept and shared by all clients,
// so a replica is not paying a TCP accept and a new HTTP/1.1 connection
// per request (docs/operations.md, "PostgreSQL at full speed").
const haServerMaxConn = 64

// haproxyConfig is the load balancer the docs show (docs/operations.md),
// plus what the bench needs: a stats socket (statSock) to learn which
// replicas HAProxy routes to, and a log on its stderr of every request
// that did not end normally (httplog with its termination state), so that
// an error the load sees can be told apart as HAProxy's or a replica's.
func haproxyConfig(front, statSock string, backends []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `global
    maxconn 4096
    stats socket %s mode 600 level user
    log stderr format raw local0
defaults
    mode http
    log global
    option httplog
    option dontlog-normal
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 3
    option redispatch
    option forwardfor
frontend soberana
    bind %s
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    timeout check 5s
    http-reuse always
    default-server check inter 500ms fall 3 rise 2 maxconn %d
`, statSock, front, haServerMaxConn)
	for i, a := range backends {
		fmt.Fprintf(&b, "    server s%d %s\n", i+1, a)
	}
	return b.String()
}

// haWant is the state HAProxy should report for n servers s1..sN of which
// the first up are UP and the rest DOWN.
func haWant(n, up int) map[string]string {
	want := map[string]string{}
	for i := range n {
		want[fmt.Sprintf("s%d", i+1)] = "DOWN"
		if i < up {
			want[fmt.Sprintf("s%d", i+1)] = "UP"
		}
	}
	return want
}

func (r *haRun) run(ctx context.Context, load haLoad) (map[string]any, error) {
	conc, dur := load.conc, load.dur
	if err := r.prepare(ctx, "soberana-bench-ha-"); err != nil {
		return nil, err
	}
	// The first replica makes the schema and the demo fleet alone.
	if err := r.start(ctx, r.replicas[0]); err != nil {
		return nil, err
	}
	if r.capFactor > 1 {
		if err := r.scaleCapacity(ctx); err != nil {
			return nil, err
		}
	}
	stat, err := r.startLB()
	if err != nil {
		return nil, err
	}
	// HAProxy starts with every server UP until its first check fails, so
	// requests sent before that go to replicas not started yet: phase 1
	// begins once HAProxy itself routes to the first replica only.
	if err := waitHAStates(ctx, stat, "replicas", haWant(len(r.replicas), 1), 30*time.Second, 50*time.Millisecond); err != nil {
		return nil, err
	}
	cl := client.New("http://"+r.lbAddr, r.token)
	cl.HTTP = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxIdleConns: conc}}
	w, err := newHAWork(ctx, cl)
	if err != nil {
		return nil, err
	}
	one := w.phase(ctx, load, nil)
	// Now every replica, HAProxy finding them by their health checks.
	for _, p := range r.replicas[1:] {
		if err := r.start(ctx, p); err != nil {
			return nil, err
		}
	}
	// Phase 2 begins once HAProxy routes to every replica (rise: 2 checks
	// 500 ms apart).
	if err := waitHAStates(ctx, stat, "replicas", haWant(len(r.replicas), len(r.replicas)), 30*time.Second, 50*time.Millisecond); err != nil {
		return nil, err
	}
	db, err := sql.Open("pgx", r.dbURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var handover time.Duration
	var killedPID int
	var killErr error
	all := w.phase(ctx, load, func() {
		time.Sleep(dur / 2)
		killedPID, handover, killErr = r.killLeader(ctx, db)
	})
	if killErr != nil {
		return nil, killErr
	}
	lost, gone, doubled, doubledLines, err := w.check(ctx, db)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"scenario": "ha", "servers": r.servers, "database": "postgres", "load_balancer": "haproxy",
		"concurrency": conc, "offered_rate": load.rate, "phase_seconds": dur.Seconds(), "lease_ttl_seconds": r.ttl.Seconds(),
		"one_replica": one.report(), "all_replicas": all.report(),
		"killed_pid": killedPID, "lease_handover_seconds": handover.Seconds(), "handover_within_ttl": handover <= r.ttl+r.ttl/10,
		"acknowledged_creates": len(w.created), "acknowledged_deletes": len(w.deleted),
		"lost": lost, "deleted_but_present": gone, "doubled_workloads": doubled, "doubled_ledger_lines": doubledLines,
	}, nil
}

// prepare makes what the replicas share before any starts: the profile
// folder, a scratch folder (named from prefix), the admin token, an audit
// signing key (`soberana audit keygen`) and a free address for each
// replica.
func (r *haRun) prepare(ctx context.Context, prefix string) error {
	var err error
	if r.profDir != "" {
		if err := os.MkdirAll(r.profDir, 0o700); err != nil {
			return err
		}
	}
	if r.dir, err = os.MkdirTemp("", prefix); err != nil {
		return err
	}
	r.token, _ = api.NewToken()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	key := filepath.Join(r.dir, "audit.key")
	if out, err := exec.CommandContext(ctx, self, "audit", "keygen", "--key", key, "--public-key", key+".pub").CombinedOutput(); err != nil {
		return fmt.Errorf("audit keygen: %v: %s", err, out)
	}
	for range r.servers {
		a, err := freeAddr()
		if err != nil {
			return err
		}
		r.replicas = append(r.replicas, &haReplica{addr: a})
	}
	return nil
}

// startLB starts HAProxy on a free address in front of every replica and
// answers how to read its server states (its stats socket).
func (r *haRun) startLB() (haStatSource, error) {
	var err error
	if r.lbAddr, err = freeAddr(); err != nil {
		return nil, err
	}
	var backs []string
	for _, p := range r.replicas {
		backs = append(backs, p.addr)
	}
	cfgPath := filepath.Join(r.dir, "haproxy.cfg")
	sock := filepath.Join(r.dir, "haproxy.sock")
	if err := os.WriteFile(cfgPath, []byte(haproxyConfig(r.lbAddr, sock, backs)), 0o600); err != nil {
		return nil, err
	}
	r.lb = exec.Command(r.haproxy, "-f", cfgPath, "-db")
	r.lb.Stderr = os.Stderr
	if err := r.lb.Start(); err != nil {
		return nil, err
	}
	return haSocketStat(sock), nil
}

// scaleCapacity multiplies every site's capacity by --capacity-factor
// after the first replica seeded the demo fleet, and has the running
// replica reload its fleet (the UPDATE moves the sites' change counter,
// so the fingerprint changes; the notification makes it reload now rather than at its next poll). The
// replicas started later load the scaled fleet.
func (r *haRun) scaleCapacity(ctx context.Context) error {
	db, err := sql.Open("pgx", r.dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now().UnixMicro()
	if _, err := db.ExecContext(ctx, `UPDATE sites SET vcpus = vcpus * $1, memory_mib = memory_mib * $1,
		disk_gib = disk_gib * $1, updated_at = GREATEST(updated_at + 1, $2), version = version + 1`, r.capFactor, now); err != nil {
		return fmt.Errorf("--capacity-factor: %w", err)
	}
	if _, err := db.ExecContext(ctx, `SELECT pg_notify('soberana_fleet', '')`); err != nil {
		return fmt.Errorf("--capacity-factor: %w", err)
	}
	time.Sleep(2500 * time.Millisecond) // the fleet's poll (2 s) if the notification was missed
	return nil
}

// killLeader SIGKILLs the replica holding the reconciler lease and returns
// how long until another replica held it.
func (r *haRun) killLeader(ctx context.Context, db *sql.DB) (int, time.Duration, error) {
	var holder string
	if err := db.QueryRowContext(ctx, `SELECT holder FROM leases WHERE name = 'reconcilers'`).Scan(&holder); err != nil {
		return 0, 0, fmt.Errorf("finding the lease holder: %w", err)
	}
	// holder is host-pid-random.
	parts := strings.Split(holder, "-")
	if len(parts) < 3 {
		return 0, 0, fmt.Errorf("lease holder %q", holder)
	}
	pid, _ := strconv.Atoi(parts[len(parts)-2])
	var victim *haReplica
	for _, p := range r.replicas {
		if p.cmd != nil && p.cmd.Process.Pid == pid {
			victim = p
		}
	}
	if victim == nil {
		return 0, 0, fmt.Errorf("lease holder %q is none of the replicas", holder)
	}
	killed := time.Now()
	_ = victim.cmd.Process.Signal(syscall.SIGKILL)
	<-victim.exited
	victim.dead = true
	for {
		var h string
		err := db.QueryRowContext(ctx, `SELECT holder FROM leases WHERE name = 'reconcilers'`).Scan(&h)
		if err == nil && h != holder {
			return pid, time.Since(killed), nil
		}
		if time.Since(killed) > 10*r.ttl {
			return pid, time.Since(killed), fmt.Errorf("no replica took the lease %s after the kill", time.Since(killed))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// errNothingYet: the class had nothing to act on yet; no request was made.
var errNothingYet = errors.New("nothing to act on yet")

// Route classes of the mixed load.
var haClasses = []string{"create", "read", "list", "preview", "approve", "delete"}

type haWork struct {
	cl, fin          *client.Client
	small, big       map[string]any
	mu               sync.Mutex
	created, deleted map[string]bool
	live             []string
	n, keys          atomic.Int64
}

func newHAWork(ctx context.Context, cl *client.Client) (*haWork, error) {
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := cl.Do(ctx, "GET", "/v1/projects?name=prontuario-eletronico", nil, &page); err != nil || len(page.Items) == 0 {
		return nil, fmt.Errorf("demo project: %v", err)
	}
	project := page.Items[0]["id"]
	if _, err := cl.Do(ctx, "PATCH", "/v1/institutions/"+page.Items[0]["institution_id"].(string),
		map[string]any{"data_policy": seed.MarketPolicy}, nil); err != nil {
		return nil, fmt.Errorf("opening the demo ministry's data policy: %w", err)
	}
	offering := func(name string) (any, error) {
		if _, err := cl.Do(ctx, "GET", "/v1/offerings?name="+name, nil, &page); err != nil || len(page.Items) == 0 {
			return nil, fmt.Errorf("demo offering %s: %v", name, err)
		}
		return page.Items[0]["id"], nil
	}
	small, err := offering("SCS-1V-2-20s")
	if err != nil {
		return nil, err
	}
	big, err := offering("SCS-16V-64-200s")
	if err != nil {
		return nil, err
	}
	// Spending is approved by a finance officer of the institution, never
	// by whoever asked for it (segregation of duties).
	var tok map[string]any
	if _, err := cl.Do(ctx, "POST", "/v1/tokens", map[string]any{"name": "bench-ha-finance", "kind": "service", "role": "finance-officer",
		"scope_kind": "institution", "scope_id": page.Items[0]["institution_id"]}, &tok); err != nil {
		return nil, fmt.Errorf("finance officer token: %w", err)
	}
	secret, _ := tok["secret"].(string)
	if secret == "" {
		secret, _ = tok["token"].(string)
	}
	fin := client.New(cl.Base, secret)
	fin.HTTP = cl.HTTP
	res := map[string]any{"countries": []string{"BR"}}
	return &haWork{cl: cl, fin: fin, created: map[string]bool{}, deleted: map[string]bool{},
		small: map[string]any{"project_id": project, "offering_id": small, "replicas": 1, "classification": "internal", "residency": res},
		big:   map[string]any{"project_id": project, "offering_id": big, "replicas": 3, "classification": "internal", "residency": res},
	}, nil
}

type haPhase struct {
	seconds float64
	offered int // requests/s, 0 in a closed loop
	sent    int // requests dispatched (open loop)
	lat     map[string][]time.Duration
	errs    map[string]int
	first   map[string]string
	// retried counts, per class, the requests sent a second time because
	// no replica answered the first (noReplicaAnswer), whatever the
	// second's outcome (counted in ok or failed as usual).
	retried map[string]int
}

func (p *haPhase) report() map[string]any {
	total, failed, retried := 0, 0, 0
	classes := map[string]any{}
	for _, c := range haClasses {
		l := p.lat[c]
		slices.Sort(l)
		pct := func(q float64) float64 {
			if len(l) == 0 {
				return 0
			}
			return float64(l[min(len(l)-1, int(q*float64(len(l))))].Microseconds()) / 1000
		}
		total += len(l)
		failed += p.errs[c]
		retried += p.retried[c]
		cl := map[string]any{"ok": len(l), "failed": p.errs[c], "retried": p.retried[c], "p50_ms": pct(0.5), "p99_ms": pct(0.99)}
		if e := p.first[c]; e != "" {
			cl["first_error"] = e
		}
		classes[c] = cl
	}
	rep := map[string]any{"seconds": p.seconds, "requests_ok": total, "requests_failed": failed, "requests_retried": retried,
		"requests_per_second": float64(total) / p.seconds, "classes": classes}
	if p.offered > 0 {
		rep["offered_per_second"] = p.offered
		rep["dispatched"] = p.sent
	}
	return rep
}

// phase runs the mixed load for load.dur; during, if set, runs alongside.
// Closed loop (load.rate 0): load.conc clients, each sending its next
// request when the last one answered. Open loop: a request is due every
// 1/rate s whether or not earlier ones have answered, at most load.conc
// in flight; its latency counts from when it was due, so a request that
// waited for a free client counts that wait (no coordinated omission).
func (w *haWork) phase(ctx context.Context, load haLoad, during func()) *haPhase {
	p := &haPhase{lat: map[string][]time.Duration{}, errs: map[string]int{}, first: map[string]string{},
		retried: map[string]int{}, offered: load.rate}
	var mu sync.Mutex
	record := func(class string, dt time.Duration, retried bool, err error) {
		mu.Lock()
		defer mu.Unlock()
		if errors.Is(err, errNothingYet) {
			return // no request made
		}
		if retried {
			p.retried[class]++
		}
		if err != nil {
			p.errs[class]++
			if p.first[class] == "" {
				p.first[class] = err.Error()
			}
			return
		}
		p.lat[class] = append(p.lat[class], dt)
	}
	stop := time.Now().Add(load.dur)
	var wg sync.WaitGroup
	if during != nil {
		wg.Go(during)
	}
	start := time.Now()
	if load.rate <= 0 {
		for range load.conc {
			wg.Go(func() {
				for time.Now().Before(stop) && ctx.Err() == nil {
					record(w.one(ctx, time.Now()))
				}
			})
		}
		wg.Wait()
		p.seconds = time.Since(start).Seconds()
		return p
	}
	due := make(chan time.Time)
	var workers sync.WaitGroup
	for range load.conc {
		workers.Go(func() {
			for at := range due {
				record(w.one(ctx, at))
			}
		})
	}
	interval := time.Second / time.Duration(load.rate)
	for i := 0; ctx.Err() == nil; i++ {
		at := start.Add(time.Duration(i) * interval)
		if !at.Before(stop) {
			break
		}
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		due <- at
		p.sent++
	}
	close(due)
	workers.Wait()
	p.seconds = time.Since(start).Seconds()
	wg.Wait()
	return p
}

// one does one request of the mix: 30 % creates, 35 % reads, 10 % lists,
// 15 % previews, 3 % approvals (a create that needs one, then :approve),
// 7 % deletes. retried: a request of it was sent twice because no replica
// answered the first (a create, read, list or preview is sent again as
// is; an approve or delete as sendAgain says).
func (w *haWork) one(ctx context.Context, t0 time.Time) (class string, dt time.Duration, retried bool, err error) {
	i := w.n.Add(1) % 100
	pick := func() string {
		w.mu.Lock()
		defer w.mu.Unlock()
		if len(w.live) == 0 {
			return ""
		}
		return w.live[int(w.n.Load())%len(w.live)]
	}
	switch {
	case i < 30:
		_, retried, err = w.create(ctx, w.small)
		return "create", time.Since(t0), retried, err
	case i < 65:
		id := pick()
		if id == "" {
			return "read", 0, false, errNothingYet
		}
		retried, err = repeatable(func() error { _, err := w.cl.Do(ctx, "GET", "/v1/workloads/"+id, nil, nil); return err })
		return "read", time.Since(t0), retried, err
	case i < 75:
		retried, err = repeatable(func() error { _, err := w.cl.Do(ctx, "GET", "/v1/workloads?limit=20", nil, nil); return err })
		return "list", time.Since(t0), retried, err
	case i < 90:
		// A preview places nothing and stores nothing: a read.
		retried, err = repeatable(func() error { _, err := w.cl.Do(ctx, "POST", "/v1/placements:preview", w.small, nil); return err })
		return "preview", time.Since(t0), retried, err
	case i < 93:
		wl, retried, err := w.create(ctx, w.big)
		if err != nil || wl.State != model.StatePendingApproval {
			return "approve", time.Since(t0), retried, err
		}
		t0 = time.Now()
		retried, err = w.approve(ctx, wl.ID)
		return "approve", time.Since(t0), retried, err
	default:
		w.mu.Lock()
		var id string
		if len(w.live) > 0 {
			id = w.live[0]
			w.live = w.live[1:]
		}
		w.mu.Unlock()
		if id == "" {
			return "delete", 0, false, errNothingYet
		}
		retried, err = w.delete(ctx, id)
		if err == nil {
			w.mu.Lock()
			w.deleted[id] = true
			w.mu.Unlock()
		}
		return "delete", time.Since(t0), retried, err
	}
}

// repeatable sends a request that is safe to repeat — one that changes
// nothing (a read, a list, a preview), or a create under an
// Idempotency-Key (the server answers a repeat with the first result if
// it committed) — and, when no replica answered it (noReplicaAnswer:
// HAProxy's 502 for the replica SIGKILLed mid-answer), sends it once
// more.
func repeatable(send func() error) (retried bool, err error) {
	err = send()
	if !noReplicaAnswer(err) {
		return false, err
	}
	return true, send()
}

// sendAgain sends a decision that carries no Idempotency-Key (:approve,
// DELETE) and, when no replica answered it, sends it once more. The first
// may have committed before its replica died, and the API answers the
// same decision on a decided workload with a refusal (409): after such a
// refusal took reads the workload back, and the request counts as done
// only if the workload shows the decision was taken. A refusal that
// follows no lost answer is an error as before, and so is a second send
// that got no answer either.
func sendAgain(send func() error, took func() (bool, error)) (retried bool, err error) {
	err = send()
	if !noReplicaAnswer(err) {
		return false, err
	}
	err = send()
	if err == nil || noReplicaAnswer(err) {
		return true, err
	}
	ok, rerr := took()
	if rerr != nil {
		return true, errors.Join(err, fmt.Errorf("reading the outcome back: %w", rerr))
	}
	if !ok {
		return true, err
	}
	return true, nil
}

// stateOf reads a workload's state back (a read, sent again if no replica
// answered); a workload gone is deleted.
func (w *haWork) stateOf(ctx context.Context, id string) (model.WorkloadState, error) {
	var wl model.Workload
	_, err := repeatable(func() error { _, err := w.cl.Do(ctx, "GET", "/v1/workloads/"+id, nil, &wl); return err })
	if p := (*client.Problem)(nil); errors.As(err, &p) && p.Status == http.StatusNotFound {
		return model.StateDeleted, nil
	}
	return wl.State, err
}

// approve approves id as the finance officer (sendAgain): approved once
// the workload left pending_approval by an approval — whatever it became
// then (approved, provisioning, running, or failed when nothing fitted
// any more), but not rejected or deleted.
func (w *haWork) approve(ctx context.Context, id string) (bool, error) {
	return sendAgain(func() error {
		_, err := w.fin.Do(ctx, "POST", "/v1/workloads/"+id+":approve", map[string]any{"reason": "bench"}, nil)
		return err
	}, func() (bool, error) {
		st, err := w.stateOf(ctx, id)
		switch st {
		case model.StateApproved, model.StateProvisioning, model.StateRunning, model.StateMigrating, model.StateFailed:
			return true, err
		}
		return false, err
	})
}

// delete deletes id (sendAgain): deleted once the workload is deleting,
// deleted or gone.
func (w *haWork) delete(ctx context.Context, id string) (bool, error) {
	return sendAgain(func() error {
		_, err := w.cl.Do(ctx, "DELETE", "/v1/workloads/"+id, nil, nil)
		return err
	}, func() (bool, error) {
		st, err := w.stateOf(ctx, id)
		return err == nil && (st == model.StateDeleting || st == model.StateDeleted), err
	})
}

func (w *haWork) create(ctx context.Context, body map[string]any) (wl model.Workload, retried bool, err error) {
	b := map[string]any{}
	for k, v := range body {
		b[k] = v
	}
	// Each create carries an Idempotency-Key and, like a careful client,
	// is retried once with the same key when no answer came back from a
	// replica (it died): the server returns the first result if it
	// committed (repeatable).
	key := fmt.Sprintf("bench-ha-%d-%d", os.Getpid(), w.keys.Add(1))
	retried, err = repeatable(func() error {
		_, err := w.cl.Do(ctx, "POST", "/v1/workloads", b, &wl, "Idempotency-Key", key)
		return err
	})
	if err == nil && wl.ID != "" {
		w.mu.Lock()
		w.created[wl.ID] = true
		w.live = append(w.live, wl.ID)
		w.mu.Unlock()
	}
	return wl, retried, err
}

// noReplicaAnswer reports an error that carries no answer of a replica:
// no HTTP answer at all, or the load balancer's own 502/503/504 (an HTML
// page, not problem+json; HAProxy answers 502 when the replica's
// connection closed before its answer, termination state SH, as when the
// lease holder is SIGKILLed). A POST is not retried by HAProxy itself.
func noReplicaAnswer(err error) bool {
	var p *client.Problem
	if err == nil {
		return false
	}
	if !errors.As(err, &p) {
		return true
	}
	return p.Type == "" && (p.Status == http.StatusBadGateway || p.Status == http.StatusServiceUnavailable || p.Status == http.StatusGatewayTimeout)
}

// check compares what was acknowledged with the database.
func (w *haWork) check(ctx context.Context, db *sql.DB) (lost, deletedPresent, doubled, doubledLines int, err error) {
	present := map[string]model.WorkloadState{}
	rows, err := db.QueryContext(ctx, `SELECT id, state FROM workloads`)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	for rows.Next() {
		var id string
		var st model.WorkloadState
		if err := rows.Scan(&id, &st); err != nil {
			rows.Close()
			return 0, 0, 0, 0, err
		}
		present[id] = st
	}
	rows.Close()
	for id := range w.created {
		if _, ok := present[id]; !ok {
			lost++
		}
	}
	for id := range w.deleted {
		if st, ok := present[id]; ok && st != model.StateDeleting && st != model.StateDeleted {
			deletedPresent++
		}
	}
	// Every bench workload was created under its own Idempotency-Key; a
	// workload that no key names, or more workloads than keys, is a double.
	var keyed int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT workload_id) FROM idempotency_keys WHERE key LIKE 'bench-ha-%'`).Scan(&keyed); err != nil {
		return 0, 0, 0, 0, err
	}
	doubled = max(0, len(present)-keyed)
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT kind, workload_id, interval_id, reverses FROM ledger_lines
		GROUP BY kind, workload_id, interval_id, reverses HAVING COUNT(*) > 1) d`).Scan(&doubledLines); err != nil {
		return 0, 0, 0, 0, err
	}
	return lost, deletedPresent, doubled, doubledLines, nil
}
