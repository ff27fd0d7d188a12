package alert_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// Times inside an alert's summary are written for the reader: the API in
// the caller's language and the zone asked for (?tz=), the CLI in TZ and
// its language, webhooks in the configured zone; fired_at stays RFC 3339
// and an unknown zone is a 400 in the caller's language.
func TestAlertTimesInReadersZone(t *testing.T) {
	t.Parallel()
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	h, _ := opstest.Start(t, config.Monitoring{AlertEvery: time.Hour})
	ctx := context.Background()
	sum, _ := json.Marshal(workload.M("alert.site_down", "Querétaro 1", "2026-03-04T18:04:05Z"))
	a := model.Alert{DedupKey: "site_down:x", Rule: alert.RuleSiteDown, Severity: "critical", State: model.AlertFiring,
		TargetKind: "site", TargetID: "sit_x", Summary: string(sum), FiredAt: time.Date(2026, 3, 4, 18, 5, 0, 0, time.UTC)}
	if err := h.Server.Store.Write(ctx, func(tx *store.Tx) error { return tx.Alerts().Create(ctx, &a, "alr") }); err != nil {
		t.Fatal(err)
	}

	var page struct {
		Items []map[string]any `json:"items"`
	}
	en := h.Client(servertest.AdminToken, "en")
	if _, err := en.Do(ctx, "GET", "/v1/alerts?tz=America/Sao_Paulo", nil, &page); err != nil || len(page.Items) != 1 {
		t.Fatalf("alerts: %v %v", page.Items, err)
	}
	it := page.Items[0]
	if it["summary"] != "site Querétaro 1 has been down since Mar 4, 2026, 3:04 PM -03" {
		t.Fatalf("summary in São Paulo, English: %q", it["summary"])
	}
	if it["fired_at"] != "2026-03-04T18:05:00Z" {
		t.Fatalf("fired_at %v, want RFC 3339 UTC", it["fired_at"])
	}
	times, _ := it["summary_times"].([]any)
	if len(times) != 1 || times[0].(map[string]any)["at"] != "2026-03-04T18:04:05Z" || times[0].(map[string]any)["text"] != "Mar 4, 2026, 3:04 PM -03" {
		t.Fatalf("summary_times %v", it["summary_times"])
	}
	if _, err := en.Do(ctx, "GET", "/v1/alerts", nil, &page); err != nil || !strings.Contains(page.Items[0]["summary"].(string), "6:04 PM UTC") {
		t.Fatalf("no tz: %v %v, want UTC", page.Items, err)
	}
	es := h.Client(servertest.AdminToken, "es")
	_, err = es.Do(ctx, "GET", "/v1/alerts?tz=Nowhere/Else", nil, &page)
	var pe *client.Problem
	if !errors.As(err, &pe) || pe.Status != 400 || !strings.Contains(pe.Detail, "no es una zona horaria") {
		t.Fatalf("unknown zone: %v, want a 400 in Spanish", err)
	}

	// The CLI: TZ and the reader's language.
	var out, errb bytes.Buffer
	env := map[string]string{"SOBERANA_SERVER": h.URL, "SOBERANA_TOKEN": servertest.AdminToken, "TZ": "America/Sao_Paulo", "LANG": "pt_BR.UTF-8"}
	if code := cli.RunEnv(ctx, []string{"alerts", "list"}, &out, &errb, func(k string) string { return env[k] }); code != 0 {
		t.Fatalf("alerts list: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "desde 04/03/2026 15:04 -03") || strings.Contains(out.String(), "2026-03-04T18:04:05Z") {
		t.Fatalf("CLI table, pt-BR in São Paulo:\n%s", out.String())
	}

	// Webhooks: the configured zone; the machine fields stay RFC 3339.
	p := alert.PayloadIn(a, "alert.firing", sp)
	if p.Summary["es"] != "el sitio Querétaro 1 está caído desde 04/03/2026 15:04 -03" {
		t.Fatalf("webhook summary: %q", p.Summary["es"])
	}
	b, _ := json.Marshal(p)
	if !strings.Contains(string(b), `"fired_at":"2026-03-04T18:05:00Z"`) {
		t.Fatalf("payload %s: fired_at not RFC 3339 UTC", b)
	}
	if got := alert.PayloadOf(a, "alert.firing").Summary["en"]; !strings.HasSuffix(got, "Mar 4, 2026, 6:04 PM UTC") {
		t.Fatalf("no zone configured: %q, want UTC", got)
	}
}
