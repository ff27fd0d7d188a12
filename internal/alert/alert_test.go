package alert_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/store"
)

func TestSignVerify(t *testing.T) {
	t.Parallel()
	body := []byte(`{"event":"alert.firing"}`)
	now := time.Unix(1_750_000_000, 0)
	h := alert.Sign("s3cret", now, body)
	if err := alert.Verify("s3cret", h, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	if alert.Verify("other", h, body, now, 5*time.Minute) == nil {
		t.Fatal("wrong secret verified")
	}
	if alert.Verify("s3cret", h, append(body, ' '), now, 5*time.Minute) == nil {
		t.Fatal("changed body verified")
	}
	if alert.Verify("s3cret", h, body, now.Add(time.Hour), 5*time.Minute) == nil {
		t.Fatal("replayed signature verified")
	}
}

// TestSiteDownAlertDelivered: a site goes down; the site_down alert fires
// once, is delivered signed to a webhook that fails twice first (retried),
// and lands as a dead letter at a webhook that always fails; when the site
// is back the alert resolves and the resolution is delivered too.
func TestSiteDownAlertDelivered(t *testing.T) {
	t.Parallel()
	h, clk, d := opstest.StartDemo(t, config.Monitoring{DownAfter: 15 * time.Second, UpAfter: time.Minute, FailoverAfter: time.Hour, AlertEvery: time.Hour})
	ctx := context.Background()
	srv := h.Server
	site := d.Sites["qro-1"]

	var mu sync.Mutex
	var got []alert.Payload
	calls := 0
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if err := alert.Verify("hook-secret", r.Header.Get(alert.SignatureHead), b, time.Now(), 5*time.Minute); err != nil {
			t.Errorf("signature: %v", err)
		}
		var p alert.Payload
		_ = json.Unmarshal(b, &p)
		got = append(got, p)
	}))
	defer ok.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "nope", http.StatusInternalServerError)
	}))
	defer bad.Close()
	err := srv.Store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.AlertWebhooks().Create(ctx, &model.AlertWebhook{Name: "ok", URL: ok.URL, Secret: "hook-secret"}, "whk"); err != nil {
			return err
		}
		return tx.AlertWebhooks().Create(ctx, &model.AlertWebhook{Name: "bad", URL: bad.URL, Secret: "x"}, "whk")
	})
	if err != nil {
		t.Fatal(err)
	}
	eng := alert.New(alert.Options{Attempts: 3, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond, Now: clk.Now},
		srv.Store, srv.Fleet, srv.Ops.Health, nil)

	srv.Ops.Health.Probe(ctx)
	opstest.Outage(t, srv, clk, site.ProviderID, site.ID, true, 5)
	for range 2 { // evaluating twice fires once
		if err := eng.Evaluate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	firing, err := srv.Store.Read().Alerts().Count(ctx, map[string]string{"state": string(model.AlertFiring), "rule": alert.RuleSiteDown})
	if err != nil || firing != 1 {
		t.Fatalf("site_down alerts firing: %d (%v)", firing, err)
	}
	deliverAll(t, eng, clk)
	opstest.Outage(t, srv, clk, site.ProviderID, site.ID, false, 14)
	if err := eng.Evaluate(ctx); err != nil {
		t.Fatal(err)
	}
	deliverAll(t, eng, clk)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0].Event != "alert.firing" || got[1].Event != "alert.resolved" || got[0].TargetID != site.ID {
		t.Fatalf("delivered: %+v", got)
	}
	if got[0].Summary["es"] == "" || got[0].Summary["pt-BR"] == "" || got[0].Summary["en"] == "" {
		t.Fatalf("summary not in three languages: %v", got[0].Summary)
	}
	// People read the site's name; its id is in target_id only.
	for lang, sum := range got[0].Summary {
		if !strings.Contains(sum, site.Name) || strings.Contains(sum, site.ID) {
			t.Errorf("%s summary names the site by id, not %q: %s", lang, site.Name, sum)
		}
	}
	dead, err := srv.Store.Read().AlertDeliveries().Count(ctx, map[string]string{"state": string(model.DeliveryDead)})
	if err != nil || dead != 2 {
		t.Fatalf("dead letters: %d (%v), want 2 (firing and resolved to the failing hook)", dead, err)
	}
}

func deliverAll(t *testing.T, eng *alert.Engine, clk *opstest.Clock) {
	t.Helper()
	for range 6 {
		clk.Advance(time.Second)
		if err := eng.Deliver(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}
