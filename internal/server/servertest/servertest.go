// Package servertest starts a whole soberana server in-process for tests:
// real store, real HTTP on a loopback port, the demo fleet seeded.
package servertest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/api/apitest"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/server"
	"github.com/soberana/soberana/internal/store/storetest"
)

// AdminToken is the bootstrap token every harness uses.
const AdminToken = "sbr_test_admin_token_0123456789abcdef"

// Harness is a running server.
type Harness struct {
	URL    string
	Server *server.Server
	// Admin is a client with the platform-admin token.
	Admin *client.Client
	// Contract validates every response of the harness against the
	// OpenAPI document.
	Contract *apitest.Lazy
	stop     context.CancelFunc
	done     chan error
}

// Options tune a harness.
type Options struct {
	// Postgres runs on a fresh PostgreSQL database (skips when absent).
	Postgres bool
	// NoDemo starts with an empty fleet.
	NoDemo bool
	// DataDir reuses a directory (restart tests); empty makes a new one.
	DataDir string
	// Configure edits the config before start.
	Configure func(*config.Config)
	// NoSecretsKey starts like `serve` without a secrets key; by default
	// the harness keeps one in the data directory, as `up` does.
	NoSecretsKey bool
	// Observe wraps the server's handler (api.API.Observe), e.g. to give
	// requests a context that records their SQL (store.LogStatements).
	Observe func(http.Handler) http.Handler
	// NoContract skips the OpenAPI check of every response: benchmarks
	// measure the handler, not the check (which costs far more).
	NoContract bool
}

// Start starts a server and stops it when the test ends.
func Start(t testing.TB, o Options) *Harness {
	t.Helper()
	cfg := config.Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = o.DataDir
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if o.Postgres {
		cfg.DatabaseURL = storetest.PostgresURL(t)
	}
	cfg.Demo = !o.NoDemo
	cfg.AllowSimulatedProviders = cfg.Demo
	cfg.BootstrapToken = AdminToken
	cfg.ShutdownTimeout = 5 * time.Second
	// Fast health probes and failover so that outage tests converge in
	// seconds (tests that drive hysteresis set their own and a fake clock).
	cfg.Monitoring = config.Monitoring{ProbeEvery: 50 * time.Millisecond, DownAfter: 150 * time.Millisecond,
		UpAfter: 500 * time.Millisecond, FailoverAfter: 100 * time.Millisecond, AlertEvery: 200 * time.Millisecond}
	if o.Configure != nil {
		o.Configure(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if !o.NoSecretsKey {
		if _, _, err := server.EnsureSecretsKey(cfg.DataDir); err != nil {
			t.Fatal(err)
		}
	}
	var log *slog.Logger
	if os.Getenv("SOBERANA_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	} else {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.Open(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	// Every response of every harness is checked against the OpenAPI
	// document (after the server stopped: cleanups run last-in first-out).
	contract := &apitest.Lazy{API: srv.API}
	if !o.NoContract {
		srv.API.Observe(contract.Middleware)
		t.Cleanup(func() { contract.Report(t) })
	}
	if o.Observe != nil {
		srv.API.Observe(o.Observe)
	}
	if _, err := srv.Listen(); err != nil {
		cancel()
		t.Fatal(err)
	}
	h := &Harness{URL: srv.URL(), Server: srv, Contract: contract, stop: cancel, done: make(chan error, 1)}
	h.Admin = client.New(h.URL, AdminToken)
	h.Admin.Lang = "en"
	go func() { h.done <- srv.Run(ctx) }()
	t.Cleanup(h.Stop)
	return h
}

// Stop shuts the server down and waits for it (idempotent).
func (h *Harness) Stop() {
	if h.stop == nil {
		return
	}
	h.stop()
	h.stop = nil
	<-h.done
}

// Client returns a client with another token and language.
func (h *Harness) Client(token, lang string) *client.Client {
	c := client.New(h.URL, token)
	c.Lang = lang
	return c
}

// Send sends req as it is (for what the SDK would not send: raw bodies,
// cookies, signatures) and returns the response, its body closed, and
// that body decoded as a JSON object (nil when it is not one); a request
// that gets no answer fails the test.
func Send(t testing.TB, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp, m
}

// FirstID lists path with the admin client (a filtered list such as
// /v1/projects?name=…) and returns the first item's id; no item fails the
// test.
func (h *Harness) FirstID(t testing.TB, path string) string {
	t.Helper()
	return h.First(t, path)["id"].(string)
}

// First lists path with the admin client and returns the first item; no
// item fails the test.
func (h *Harness) First(t testing.TB, path string) map[string]any {
	t.Helper()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(context.Background(), "GET", path, nil, &page); err != nil || len(page.Items) == 0 {
		t.Fatalf("%s: %v %v", path, page.Items, err)
	}
	return page.Items[0]
}

// Demo project and offering: the names the tests ask workloads for.
const (
	DemoProject  = "prontuario-eletronico"
	DemoOffering = "SCS-1V-2-20s"
)

// DemoIDs returns the ids of the demo's DemoProject and DemoOffering as c
// lists them; either missing fails the test.
func DemoIDs(t testing.TB, c *client.Client) (project, offering string) {
	t.Helper()
	first := func(path string) string {
		var page struct {
			Items []map[string]any `json:"items"`
		}
		if _, err := c.Do(context.Background(), "GET", path, nil, &page); err != nil || len(page.Items) == 0 {
			t.Fatalf("demo %s: %v %v", path, page.Items, err)
		}
		return page.Items[0]["id"].(string)
	}
	return first("/v1/projects?name=" + DemoProject), first("/v1/offerings?name=" + DemoOffering)
}

// CreateRunning creates a workload through the API with the admin client
// (req is the request body) and waits up to a minute until it runs; it
// returns the workload as the API shows it then.
func (h *Harness) CreateRunning(t testing.TB, req map[string]any) map[string]any {
	t.Helper()
	ctx := context.Background()
	var wl map[string]any
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", req, &wl); err != nil {
		t.Fatal(err)
	}
	return h.WaitRunning(t, wl["id"].(string), time.Minute)
}

// OnlyOnNuvemVerde creates a workload of one replica that only the demo's
// Nuvem Verde may hold (restricted data in São Paulo, Rio or Brasília
// under national sovereignty), waits until it runs and returns its id and
// its provider's.
func (h *Harness) OnlyOnNuvemVerde(t testing.TB) (id, providerID string) {
	t.Helper()
	project, offering := DemoIDs(t, h.Admin)
	wl := h.CreateRunning(t, map[string]any{
		"project_id": project, "offering_id": offering, "replicas": 1, "classification": "restricted",
		"residency":   map[string]any{"countries": []string{"BR"}, "subdivisions": []string{"BR-SP", "BR-RJ", "BR-DF"}},
		"sovereignty": map[string]any{"mode": "national"},
	})
	var prov string
	if ps, _ := wl["placements"].([]any); len(ps) == 1 {
		p, _ := ps[0].(map[string]any)
		prov, _ = p["provider_id"].(string)
	}
	if prov == "" {
		t.Fatalf("workload %v: want one placement with a provider", wl)
	}
	return wl["id"].(string), prov
}

// WaitRunning polls the workload with the admin client until it runs and
// returns it then; not running within the time fails the test.
func (h *Harness) WaitRunning(t testing.TB, id string, within time.Duration) map[string]any {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var wl map[string]any
		if _, err := h.Admin.Do(context.Background(), "GET", "/v1/workloads/"+id, nil, &wl); err != nil {
			t.Fatal(err)
		}
		if wl["state"] == "running" {
			return wl
		}
		if time.Now().After(deadline) {
			t.Fatalf("workload %s is %s after %s", id, wl["state"], within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// OnlyItem lists path with the admin client and returns its one item;
// none or more than one fails the test.
func (h *Harness) OnlyItem(t testing.TB, path string) map[string]any {
	t.Helper()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(context.Background(), "GET", path, nil, &page); err != nil || len(page.Items) != 1 {
		t.Fatalf("%s: want one item, got %v %v", path, page.Items, err)
	}
	return page.Items[0]
}

// RefreshFleet reloads the fleet from the store at once, after the test
// wrote providers or sites behind the server's back.
func (h *Harness) RefreshFleet(t testing.TB) {
	t.Helper()
	if err := h.Server.Fleet.Refresh(context.Background(), true); err != nil {
		t.Fatal(err)
	}
}

// BothStores runs f as a subtest on SQLite and on PostgreSQL; f passes
// postgres on as Options.Postgres, so the PostgreSQL run skips when
// storetest.PostgresEnv is not set.
func BothStores(t *testing.T, f func(t *testing.T, postgres bool)) {
	for _, pg := range []bool{false, true} {
		name := "sqlite"
		if pg {
			name = "postgres"
		}
		t.Run(name, func(t *testing.T) { f(t, pg) })
	}
}

// Each runs f as a subtest on SQLite and on PostgreSQL (BothStores), each
// with a server started with o on that store.
func Each(t *testing.T, o Options, f func(t *testing.T, h *Harness)) {
	BothStores(t, func(t *testing.T, pg bool) {
		o := o
		o.Postgres = pg
		f(t, Start(t, o))
	})
}
