package console_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/soberana/soberana/client"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestWaveReleaseAPIAndConsole: a release with a wave strategy is refused
// with a localized 422 when its numbers or its group are wrong; a good one
// rolls out in waves, the API shows its progress and the app page shows it
// translated, with names, not ids.
func TestWaveReleaseAPIAndConsole(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	id, _ := demoApp(t, h)
	ctx := context.Background()
	bad := []struct {
		body  map[string]any
		field string
		es    string
	}{
		{map[string]any{"image": "v3", "max_parallel": 10, "failure_threshold": 1.5}, "failure_threshold", "proporción entre 0 y 1"},
		{map[string]any{"image": "v3", "max_parallel": 10, "failure_threshold": -0.1}, "failure_threshold", "proporción entre 0 y 1"},
		{map[string]any{"image": "v3", "max_parallel": 0, "failure_threshold": 0.2}, "max_parallel", "al menos 1"},
		{map[string]any{"image": "v3", "group": "no-such-ring", "max_parallel": 10}, "group", "no-such-ring"},
	}
	es := client.New(h.URL, servertest.AdminToken)
	es.Lang = "es"
	for _, c := range bad {
		var p *client.Problem
		_, err := es.Do(ctx, "POST", "/v1/apps/"+id+"/releases", c.body, nil)
		if !errors.As(err, &p) || p.Status != http.StatusUnprocessableEntity || len(p.InvalidParams) != 1 ||
			p.InvalidParams[0].Name != c.field || !strings.Contains(p.InvalidParams[0].Reason, c.es) {
			t.Errorf("%v: want a 422 on %s in Spanish (%q), got %v %+v", c.body, c.field, c.es, err, p)
		}
	}
	var rel map[string]any
	if _, err := h.Admin.Do(ctx, "POST", "/v1/apps/"+id+"/releases", map[string]any{"image": "v3", "max_parallel": 1, "canary": 1,
		"failure_threshold": 0.2}, &rel); err != nil {
		t.Fatal(err)
	}
	path := "/v1/apps/" + id + "/releases/" + rel["id"].(string)
	waitJSON(t, h, path, "succeeded")
	var got struct {
		Strategy struct {
			MaxParallel      int    `json:"max_parallel"`
			FailureThreshold string `json:"failure_threshold"`
			Waves            int    `json:"waves"`
		} `json:"strategy"`
		Progress struct {
			WavesDone  int `json:"waves_done"`
			WavesTotal int `json:"waves_total"`
			SitesOK    int `json:"sites_ok"`
			SitesTotal int `json:"sites_total"`
		} `json:"progress"`
	}
	if _, err := h.Admin.Do(ctx, "GET", path, nil, &got); err != nil {
		t.Fatal(err)
	}
	if got.Strategy.MaxParallel != 1 || got.Strategy.FailureThreshold != "0.2" || got.Strategy.Waves != 1 {
		t.Errorf("strategy %+v", got.Strategy)
	}
	if got.Progress.WavesDone != 1 || got.Progress.WavesTotal != 1 || got.Progress.SitesOK != 1 || got.Progress.SitesTotal != 1 {
		t.Errorf("progress %+v, want 1 of 1 wave, 1 of 1 site", got.Progress)
	}

	b := newBrowser(t, h)
	b.signIn(servertest.AdminToken)
	want := map[string][]string{
		"es":    {"Olas", "1 de 1 olas completadas", "1 de 1 sitios listos", "umbral de fallos 0.2"},
		"pt-BR": {"Ondas", "1 de 1 ondas concluídas", "1 de 1 sites prontos", "limite de falhas 0.2"},
		"en":    {"Waves", "1 of 1 waves done", "1 of 1 sites ready", "failure threshold 0.2"},
	}
	for _, lang := range []string{"es", "pt-BR", "en"} {
		b.lang = lang
		b.switchLang(lang)
		code, body := b.get("/apps/" + id)
		text := visibleText(body)
		if code != 200 {
			t.Fatalf("%s: %d", lang, code)
		}
		for _, w := range want[lang] {
			if !strings.Contains(text, w) {
				t.Errorf("%s app page lacks %q", lang, w)
			}
		}
		if k := rawKey.FindString(body); k != "" {
			t.Errorf("%s app page shows a message key: %s", lang, k)
		}
		if strings.Contains(text, rel["id"].(string)) {
			t.Errorf("%s app page shows the release id as text", lang)
		}
	}
}
