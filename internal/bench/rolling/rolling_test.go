package rolling

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/backup"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// Environment of the test. SOBERANA_TEST_ROLLING=1 runs it (.ci/run does:
// building the old release takes a minute or more). The other variables
// are for running it by hand: a commit or ref instead of the release the
// test picks, and binaries already built.
const (
	envRun    = "SOBERANA_TEST_ROLLING"
	envRef    = "SOBERANA_TEST_ROLLING_REF"
	envOldBin = "SOBERANA_TEST_ROLLING_OLD_BIN"
	envNewBin = "SOBERANA_TEST_ROLLING_NEW_BIN"
	envLoad   = "SOBERANA_TEST_ROLLING_SECONDS"
)

func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

type release struct {
	schema int64
	commit string
}

// previousRelease picks the newest release in releases.txt whose schema is
// older than this tree's: the one a rolling upgrade to this tree starts
// from. With no such release (this tree is a release with nothing new)
// it takes the newest release that is not this tree's commit.
func previousRelease(t *testing.T, root string) release {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "internal", "store", "testdata", "releases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rels []release
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		v, err := strconv.ParseInt(fs[0], 10, 64)
		if err != nil || len(fs) < 2 {
			t.Fatalf("releases.txt: %q is not `<schema> <commit>`", line)
		}
		rels = append(rels, release{v, fs[1]})
	}
	migs, _ := filepath.Glob(filepath.Join(root, "internal", "store", "migrations", "*.sql"))
	var known int64
	for _, m := range migs {
		n, _ := strconv.ParseInt(strings.SplitN(filepath.Base(m), "_", 2)[0], 10, 64)
		known = max(known, n)
	}
	var best *release
	for i := range rels {
		if rels[i].schema < known && (best == nil || rels[i].schema > best.schema) {
			best = &rels[i]
		}
	}
	if best == nil {
		head, _ := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
		for i := range rels {
			if rels[i].commit != strings.TrimSpace(string(head)) && (best == nil || rels[i].schema >= best.schema) {
				best = &rels[i]
			}
		}
	}
	if best == nil {
		t.Fatal("releases.txt names no release older than this tree")
	}
	return *best
}

// buildOld builds `soberana` from the release commit (git archive into a
// temporary directory, go build), cached by commit in the user's cache.
func buildOld(t *testing.T, root, ref string) string {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "rev-parse", "--verify", "--quiet", ref+"^{commit}").Output()
	if err != nil {
		t.Skipf("rolling upgrade test skipped: the previous release's commit %s is not in this clone (shallow clone? run `git fetch --unshallow`), or set %s", ref, envOldBin)
	}
	sha := strings.TrimSpace(string(out))
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	bin := filepath.Join(cache, "soberana-rolling", sha, "soberana")
	if _, err := os.Stat(bin); err == nil {
		t.Logf("old release %s: cached binary %s", sha[:12], bin)
		return bin
	}
	src := t.TempDir()
	start := time.Now()
	if out, err := exec.Command("sh", "-c", fmt.Sprintf("git -C %q archive %s | tar -x -C %q", root, sha, src)).CombinedOutput(); err != nil {
		t.Fatalf("git archive %s: %v\n%s", sha, err, out)
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := bin + ".tmp"
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", tmp, "./cmd/soberana")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the old release %s: %v\n%s", sha[:12], err, out)
	}
	if err := os.Rename(tmp, bin); err != nil {
		t.Fatal(err)
	}
	t.Logf("old release %s built in %s", sha[:12], time.Since(start).Round(time.Second))
	return bin
}

func buildNew(t *testing.T, root string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "soberana")
	start := time.Now()
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", bin, "./cmd/soberana")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building this tree: %v\n%s", err, out)
	}
	t.Logf("this tree built in %s", time.Since(start).Round(time.Second))
	return bin
}

type server struct {
	name, addr string
	cmd        *exec.Cmd
	exited     chan struct{}
	log        *os.File
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve starts `bin serve` on the database and waits for /readyz.
func serve(t *testing.T, name, bin, dbURL, dir, token string) *server {
	t.Helper()
	s := &server{name: name, addr: freeAddr(t), exited: make(chan struct{})}
	logf, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	s.log = logf
	s.cmd = exec.Command(bin, "serve", "--addr", s.addr, "--log-level", "warn")
	// Settings both releases read; the new one's unknown to the old are
	// ignored by it. Rate limits are raised, not disabled: the old release
	// has no "disabled".
	s.cmd.Env = append(os.Environ(), "SOBERANA_DATABASE_URL="+dbURL, "SOBERANA_DATA_DIR="+filepath.Join(dir, name),
		"SOBERANA_DEMO=true", "SOBERANA_ALLOW_SIMULATED_PROVIDERS=true", "SOBERANA_BOOTSTRAP_TOKEN="+token,
		"SOBERANA_RATE_LIMIT_PER_IP=1000000", "SOBERANA_RATE_LIMIT_PER_IP_BURST=1000000",
		"SOBERANA_RATE_LIMIT_PER_CALLER=1000000", "SOBERANA_RATE_LIMIT_PER_CALLER_BURST=1000000",
		"SOBERANA_AUDIT_SIGNING_KEY_FILE="+filepath.Join(dir, "audit.key"))
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("%s's errors:\n%s\n%s's log, last lines:\n%s", name, s.errors(), name, s.tail())
		}
	})
	deadline := time.Now().Add(3 * time.Minute)
	for {
		select {
		case <-s.exited:
			t.Fatalf("%s exited before it was ready:\n%s", name, s.tail())
		default:
		}
		if s.ready() {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after 3 min:\n%s", name, s.tail())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *server) ready() bool {
	resp, err := http.Get("http://" + s.addr + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == 200
}

func (s *server) stop() {
	select {
	case <-s.exited:
	default:
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(time.Minute):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	}
	_ = s.log.Close()
}

// errors returns the log's first ERROR lines.
func (s *server) errors() string {
	b, _ := os.ReadFile(s.log.Name())
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "level=ERROR") && len(out) < 20 {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

func (s *server) tail() string {
	b, _ := os.ReadFile(s.log.Name())
	if i := strings.LastIndex(string(b), "\n\n"); i > 0 && len(b)-i < 100 {
		b = b[:i]
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// load is the mixed work both servers take: creates (with an
// Idempotency-Key, retried once with it when no answer came), reads and
// lists, deletes — each server reading and deleting what the other made.
type load struct {
	body     map[string]any
	mu       sync.Mutex
	live     []string
	created  map[string]string // workload → the server that acknowledged it
	deleted  map[string]bool
	n, keys  atomic.Int64
	ok, fail map[string]int
	firstErr map[string]string
}

func (l *load) one(ctx context.Context, name string, cl *client.Client) {
	i := l.n.Add(1) % 20
	class := ""
	var err error
	switch {
	case i < 8:
		class = "create"
		key := fmt.Sprintf("rolling-%d-%d", os.Getpid(), l.keys.Add(1))
		var w struct{ ID string }
		_, err = cl.Do(ctx, "POST", "/v1/workloads", l.body, &w, "Idempotency-Key", key)
		var p *client.Problem
		if err != nil && !errors.As(err, &p) {
			_, err = cl.Do(ctx, "POST", "/v1/workloads", l.body, &w, "Idempotency-Key", key)
		}
		if err == nil {
			l.mu.Lock()
			if prev, dup := l.created[w.ID]; dup {
				err = fmt.Errorf("workload %s acknowledged twice (by %s and %s)", w.ID, prev, name)
			}
			l.created[w.ID] = name
			l.live = append(l.live, w.ID)
			l.mu.Unlock()
		}
	case i < 15:
		class = "read"
		l.mu.Lock()
		id := ""
		if len(l.live) > 0 {
			id = l.live[int(l.n.Load())%len(l.live)]
		}
		l.mu.Unlock()
		if id == "" {
			return
		}
		_, err = cl.Do(ctx, "GET", "/v1/workloads/"+id, nil, nil)
	case i < 18:
		class = "list"
		_, err = cl.Do(ctx, "GET", "/v1/workloads?limit=20", nil, nil)
	default:
		class = "delete"
		l.mu.Lock()
		id := ""
		if len(l.live) > 0 {
			id, l.live = l.live[0], l.live[1:]
		}
		l.mu.Unlock()
		if id == "" {
			return
		}
		if _, err = cl.Do(ctx, "DELETE", "/v1/workloads/"+id, nil, nil); err == nil {
			l.mu.Lock()
			l.deleted[id] = true
			l.mu.Unlock()
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	k := name + " " + class
	if err != nil {
		l.fail[k]++
		if l.firstErr[k] == "" {
			l.firstErr[k] = err.Error()
		}
		return
	}
	l.ok[k]++
}

func (l *load) run(ctx context.Context, d time.Duration, conc int, servers map[string]*client.Client) {
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for name, cl := range servers {
		for range conc {
			wg.Go(func() {
				for time.Now().Before(stop) && ctx.Err() == nil {
					l.one(ctx, name, cl)
				}
			})
		}
	}
	wg.Wait()
}

// TestRollingUpgradeSideBySide is a rolling upgrade on one PostgreSQL
// database: the previous release creates the schema and serves, takes
// work; this tree's binary starts on the same database and migrates it
// while the old one keeps serving; both then take mixed load (creates,
// reads, lists, deletes of each other's workloads); the old one stops, as
// the last replica being upgraded would. Nothing acknowledged may be lost
// or doubled, both must keep answering, every acknowledged workload must
// be readable through both, and afterwards the audit chain verifies and
// budget balances equal the ledger.
func TestRollingUpgradeSideBySide(t *testing.T) {
	if os.Getenv(envRun) != "1" {
		t.Skipf("rolling upgrade test skipped: it builds the previous release's binary (a minute or more); set %s=1 (.ci/run does)", envRun)
	}
	dbURL := storetest.PostgresURL(t)
	root := repoRoot(t)
	ref := os.Getenv(envRef)
	if ref == "" {
		rel := previousRelease(t, root)
		ref = rel.commit
		t.Logf("previous release: schema %d, commit %s", rel.schema, rel.commit)
	}
	oldBin := os.Getenv(envOldBin)
	if oldBin == "" {
		oldBin = buildOld(t, root, ref)
	}
	newBin := os.Getenv(envNewBin)
	if newBin == "" {
		newBin = buildNew(t, root)
	}
	seconds := 15
	if s, err := strconv.Atoi(os.Getenv(envLoad)); err == nil && s > 0 {
		seconds = s
	}

	dir := t.TempDir()
	const token = "sbr_rolling-upgrade-test-bootstrap-token-0123456789"
	if out, err := exec.Command(newBin, "audit", "keygen", "--key", filepath.Join(dir, "audit.key"),
		"--public-key", filepath.Join(dir, "audit.key.pub")).CombinedOutput(); err != nil {
		t.Fatalf("audit keygen: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := func() int64 {
		var v int64
		if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}

	// Release N alone: it creates its schema and the demo, and takes work.
	old := serve(t, "old", oldBin, dbURL, dir, token)
	oldSchema := schema()
	oldCl := client.New("http://"+old.addr, token)
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := oldCl.Do(ctx, "GET", "/v1/projects?name=prontuario-eletronico", nil, &page); err != nil || len(page.Items) == 0 {
		t.Fatalf("demo project through the old release: %v", err)
	}
	project, institution := page.Items[0]["id"], page.Items[0]["institution_id"].(string)
	if _, err := oldCl.Do(ctx, "GET", "/v1/offerings?name=SCS-1V-2-20s", nil, &page); err != nil || len(page.Items) == 0 {
		t.Fatalf("demo offering through the old release: %v", err)
	}
	l := &load{created: map[string]string{}, deleted: map[string]bool{}, ok: map[string]int{}, fail: map[string]int{}, firstErr: map[string]string{},
		body: map[string]any{"project_id": project, "offering_id": page.Items[0]["id"], "replicas": 1, "classification": "internal",
			"residency": map[string]any{"countries": []string{"BR"}}}}
	l.run(ctx, 3*time.Second, 2, map[string]*client.Client{"old": oldCl})
	if l.ok["old create"] == 0 {
		t.Fatalf("the old release alone took no create: %v", l.firstErr)
	}

	// Release N+1 starts on the same database and migrates it; N serves on.
	nw := serve(t, "new", newBin, dbURL, dir, token)
	newSchema := schema()
	t.Logf("schema %d (old release) → %d (this tree)", oldSchema, newSchema)
	if !old.ready() {
		t.Fatalf("the old release stopped answering /readyz once the new one migrated:\n%s", old.tail())
	}
	newCl := client.New("http://"+nw.addr, token)
	// Workloads and keyed creates so far: every workload made from here on
	// must be named by one key of the load (or be the final create below).
	var before, keyedBefore int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM workloads), (SELECT COUNT(*) FROM idempotency_keys WHERE key LIKE 'rolling-%')`).Scan(&before, &keyedBefore); err != nil {
		t.Fatal(err)
	}
	// This tree's data policies default to national sovereignty, which the
	// old release's requests do not state; open the demo ministry's to the
	// demo market as the HA bench does, so both releases' creates place.
	if _, err := newCl.Do(ctx, "PATCH", "/v1/institutions/"+institution, map[string]any{"data_policy": seed.MarketPolicy}, nil); err != nil {
		t.Fatalf("opening the demo ministry's data policy: %v", err)
	}

	// Side by side under load.
	l.run(ctx, time.Duration(seconds)*time.Second, 3, map[string]*client.Client{"old": oldCl, "new": newCl})
	t.Logf("requests ok %v failed %v", l.ok, l.fail)
	for k, n := range l.fail {
		t.Errorf("%d %s requests failed side by side; first: %s", n, k, l.firstErr[k])
	}
	for _, k := range []string{"old create", "new create", "old read", "new read", "old delete", "new delete"} {
		if l.ok[k] == 0 {
			t.Errorf("no %s succeeded side by side", k)
		}
	}
	for _, s := range []*server{old, nw} {
		if !s.ready() {
			t.Errorf("%s stopped answering /readyz under load:\n%s", s.name, s.tail())
		}
	}

	// Every acknowledged workload, read through both releases.
	for id, by := range l.created {
		for name, cl := range map[string]*client.Client{"old": oldCl, "new": newCl} {
			var w struct{ ID, State string }
			if _, err := cl.Do(ctx, "GET", "/v1/workloads/"+id, nil, &w); err != nil || w.ID != id {
				t.Errorf("workload %s (acknowledged by %s) unreadable through %s: %v", id, by, name, err)
			} else if l.deleted[id] && w.State != "deleting" && w.State != "deleted" {
				t.Errorf("workload %s was deleted through the API but %s says %s", id, name, w.State)
			}
		}
	}

	// The last old replica is upgraded: it stops; the new one serves alone.
	old.stop()
	if !nw.ready() {
		t.Fatalf("the new release stopped answering once the old one stopped:\n%s", nw.tail())
	}
	if _, err := newCl.Do(ctx, "POST", "/v1/workloads", l.body, nil); err != nil {
		t.Errorf("the new release alone takes no create: %v", err)
	}
	nw.stop()

	// Nothing acknowledged lost, nothing doubled.
	present := map[string]bool{}
	rows, err := db.QueryContext(ctx, `SELECT id FROM workloads`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		present[id] = true
	}
	rows.Close()
	lost := 0
	for id := range l.created {
		if !present[id] {
			lost++
		}
	}
	var keyed, keyedRows int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT workload_id), COUNT(*) FROM idempotency_keys WHERE key LIKE 'rolling-%'`).Scan(&keyed, &keyedRows); err != nil {
		t.Fatal(err)
	}
	var doubledLines int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT kind, workload_id, interval_id, reverses FROM ledger_lines
		GROUP BY kind, workload_id, interval_id, reverses HAVING COUNT(*) > 1) d`).Scan(&doubledLines); err != nil {
		t.Fatal(err)
	}
	t.Logf("acknowledged creates %d, lost %d; keyed workloads %d of %d keys; doubled ledger lines %d", len(l.created), lost, keyed, keyedRows, doubledLines)
	unkeyed := len(present) - before - 1 - (keyedRows - keyedBefore)
	if lost != 0 || keyed != keyedRows || keyed < len(l.created) || unkeyed != 0 || doubledLines != 0 {
		t.Errorf("lost %d acknowledged workloads; %d keys name %d workloads (want one each, at least %d); %d workloads no key names; %d ledger lines doubled",
			lost, keyedRows, keyed, len(l.created), unkeyed, doubledLines)
	}

	// The audit chain both releases appended to verifies; balances equal the ledger.
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := backup.Check(ctx, st, nil)
	if err != nil || !rep.OK() {
		t.Fatalf("after the rolling upgrade the database fails its checks: %v %v", err, rep.Problems)
	}
	t.Logf("audit events %d, budget lines %d, schema %d/%d", rep.AuditEvents, rep.BudgetLines, rep.SchemaVersion, rep.KnownVersion)
}
