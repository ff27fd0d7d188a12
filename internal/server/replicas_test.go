package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store/storetest"
)

// replicaPreview is a preview request for the demo project on offering.
func replicaPreview(t *testing.T, h *servertest.Harness, offering string) (feasible bool) {
	t.Helper()
	ctx := context.Background()
	body := map[string]any{"project_id": h.FirstID(t, "/v1/projects?name=prontuario-eletronico"), "offering_id": offering, "replicas": 1,
		"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}}}
	var out struct {
		Feasible    bool   `json:"feasible"`
		Explanation string `json:"explanation"`
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/placements:preview", body, &out); err != nil {
		t.Fatalf("preview: %v", err)
	}
	return out.Feasible
}

// newUnpricedOffering creates an offering without prices and returns its id
// and a BR provider to price it on.
func newUnpricedOffering(t *testing.T, h *servertest.Harness, name string) (offering, provider string) {
	t.Helper()
	ctx := context.Background()
	var off struct{ ID string }
	if _, err := h.Admin.Do(ctx, "POST", "/v1/offerings", map[string]any{"name": name, "kind": "vm", "vcpus": 1, "memory_mib": 1024, "disk_gib": 10}, &off); err != nil {
		t.Fatal(err)
	}
	var sites struct {
		Items []struct {
			ProviderID string `json:"provider_id"`
		} `json:"items"`
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/sites?country=BR", nil, &sites); err != nil || len(sites.Items) == 0 {
		t.Fatalf("BR sites: %v %+v", err, sites)
	}
	return off.ID, sites.Items[0].ProviderID
}

func postPrice(t *testing.T, h *servertest.Harness, provider, offering string) {
	t.Helper()
	if _, err := h.Admin.Do(context.Background(), "POST", "/v1/prices", map[string]any{"provider_id": provider, "offering_id": offering,
		"currency": "BRL", "per_hour": "0.0500", "valid_from": "2020-01-01"}, nil); err != nil {
		t.Fatal(err)
	}
}

func openMarket(t *testing.T, h *servertest.Harness) {
	t.Helper()
	prj := h.First(t, "/v1/projects?name=prontuario-eletronico")
	if _, err := h.Admin.Do(context.Background(), "PATCH", "/v1/institutions/"+prj["institution_id"].(string),
		map[string]any{"data_policy": seed.MarketPolicy}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestPriceReachesPlacementBeforeResponse: on one server a price is in the
// placement engine when POST /v1/prices returns — a preview right after
// sees it (no waiting), on either store.
func TestPriceReachesPlacementBeforeResponse(t *testing.T) {
	t.Parallel()
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h := servertest.Start(t, servertest.Options{Postgres: pg})
		openMarket(t, h)
		off, prov := newUnpricedOffering(t, h, "SCS-1V-1-10")
		if replicaPreview(t, h, off) {
			t.Fatal("an offering without prices previewed as feasible")
		}
		postPrice(t, h, prov, off)
		if !replicaPreview(t, h, off) {
			t.Fatal("a preview right after POST /v1/prices did not see the price")
		}
	})
}

// TestReplicas runs three servers on one PostgreSQL database.
func TestReplicas(t *testing.T) {
	t.Parallel()
	dbURL := storetest.PostgresURL(t)
	conf := func(c *config.Config) {
		c.DatabaseURL = dbURL
		c.Reconcile.LeaseTTL = 2 * time.Second
		c.Monitoring.AlertEvery = time.Hour // the test drives delivery itself
	}
	// One data directory: the replicas share the secrets key, as the
	// servers of one installation do.
	dir := t.TempDir()
	var hs []*servertest.Harness
	for range 3 {
		hs = append(hs, servertest.Start(t, servertest.Options{Configure: conf, DataDir: dir}))
	}
	gated := []string{"alerts", "failover", "health", "identity", "migrations", "rating"}

	t.Run("one replica runs each gated loop", func(t *testing.T) {
		deadline := time.Now().Add(30 * time.Second)
		for {
			leaders, running := 0, map[string]int{}
			for _, h := range hs {
				if h.Server.Leader() {
					leaders++
				}
				for _, l := range h.Server.GatedLoops() {
					running[l]++
				}
			}
			ok := leaders == 1
			for _, l := range gated {
				if running[l] > 1 {
					t.Fatalf("loop %s runs in %d replicas", l, running[l])
				}
				ok = ok && running[l] == 1
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("leaders %d, gated loops running %v", leaders, running)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})

	t.Run("a price posted on A reaches placement on B", func(t *testing.T) {
		a, b := hs[0], hs[1]
		openMarket(t, a)
		off, prov := newUnpricedOffering(t, a, "SCS-1V-1-15")
		if replicaPreview(t, b, off) {
			t.Fatal("unpriced offering feasible on B")
		}
		postPrice(t, a, prov, off)
		deadline := time.Now().Add(10 * time.Second)
		for !replicaPreview(t, b, off) {
			if time.Now().After(deadline) {
				t.Fatal("B's placement never saw the price posted on A")
			}
			time.Sleep(10 * time.Millisecond)
		}
	})

	t.Run("a price and a rate posted on A reach a workload's cost on B", func(t *testing.T) {
		a, b := hs[0], hs[1]
		waitCacheable(t, b.Server.Store)
		p := newCostProbe(t, a)
		base := p.read(t, b.Server.Store) // B now holds the price book
		p.post(t, a, "/v1/prices", map[string]any{"provider_id": p.iv.ProviderID, "offering_id": p.iv.OfferingID,
			"currency": "USD", "per_hour": "3.0000", "valid_from": p.next})
		opstest.Eventually(t, time.Minute, "B's cost sees the price posted on A", func() (bool, string) { return p.matches(b.Server.Store) })
		if p.read(t, b.Server.Store) == base {
			t.Fatal("a new price left the cost unchanged")
		}
		p.post(t, a, "/v1/fx-rates", map[string]any{"from": "USD", "to": p.iv.Currency, "rate": "6.6666", "valid_on": p.next, "source": "test"})
		opstest.Eventually(t, time.Minute, "B's cost sees the rate posted on A", func() (bool, string) { return p.matches(b.Server.Store) })
	})

	t.Run("a console session made on A works on B", func(t *testing.T) {
		jar, _ := cookiejar.New(nil) // cookies are per host, not port: A and B share them as behind one balancer
		c := &http.Client{Jar: jar}
		get := func(base, path string) string {
			req, _ := http.NewRequest("GET", base+path, nil)
			req.Header.Set("Accept", "text/html")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		}
		page := get(hs[0].URL, "/sign-in")
		m := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no csrf field on /sign-in")
		}
		form := url.Values{"token": {servertest.AdminToken}, "next": {"/"}, "csrf": {m[1]}}
		req, _ := http.NewRequest("POST", hs[0].URL+"/sign-in", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if body := get(hs[1].URL, "/providers"); strings.Contains(body, `action="/sign-in"`) {
			t.Fatal("the session made on A is not signed in on B")
		}
	})

	t.Run("a webhook event is delivered once", func(t *testing.T) {
		var mu sync.Mutex
		got := map[string]int{}
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			got[r.Header.Get(alert.DeliveryHead)]++
			mu.Unlock()
		}))
		defer hook.Close()
		ctx := context.Background()
		if _, err := hs[0].Admin.Do(ctx, "POST", "/v1/alert-webhooks", map[string]any{"name": "ha-hook", "url": hook.URL}, nil); err != nil {
			t.Fatal(err)
		}
		// A checkpoint is queued for every webhook.
		if _, err := hs[0].Admin.Do(ctx, "POST", "/v1/audit/checkpoints", nil, nil); err != nil {
			t.Fatal(err)
		}
		// Every replica delivers at once, as if none were gated.
		var wg sync.WaitGroup
		for _, h := range hs {
			wg.Go(func() {
				for range 3 {
					if err := h.Server.Ops.Alerts.Deliver(ctx); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(got) == 0 {
			t.Fatal("nothing delivered")
		}
		for id, n := range got {
			if n != 1 {
				t.Errorf("delivery %s sent %d times", id, n)
			}
		}
	})
}
