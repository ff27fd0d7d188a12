package console_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
)

// demoApp makes, on the demo fleet, a running namespace workload for the
// prontuario project, an app on it, a release that succeeds and one that
// fails (the sim's fault injection by image tag); it returns the app's id.
func demoApp(t *testing.T, h *servertest.Harness) (appID, workloadID string) {
	t.Helper()
	ctx := context.Background()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/projects?name=prontuario-eletronico", nil, &page); err != nil || len(page.Items) != 1 {
		t.Fatalf("project: %v", err)
	}
	prj := page.Items[0]
	var offs struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/offerings?name=ns-small", nil, &offs); err != nil || len(offs.Items) == 0 {
		t.Fatalf("namespace offering: %v", err)
	}
	off := offs.Items[0]["id"]
	var wl map[string]any
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", map[string]any{"project_id": prj["id"], "offering_id": off, "replicas": 1,
		"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}}}, &wl); err != nil {
		t.Fatal(err)
	}
	if wl["state"] == "pending_approval" {
		if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+wl["id"].(string)+":approve", map[string]any{"reason": "test"}, &wl); err != nil {
			t.Fatal(err)
		}
	}
	waitJSON(t, h, "/v1/workloads/"+wl["id"].(string), "running")
	var app map[string]any
	if _, err := h.Admin.Do(ctx, "POST", "/v1/apps", map[string]any{"project_id": prj["id"], "workload_id": wl["id"], "name": "citas",
		"image": "registry.example.br/saude/citas:v1", "port": 8080, "replicas": 1}, &app); err != nil {
		t.Fatal(err)
	}
	id := app["id"].(string)
	var rel map[string]any
	if _, err := h.Admin.Do(ctx, "POST", "/v1/apps/"+id+"/releases", map[string]any{"image": "v1", "commit": "abcdef12"}, &rel); err != nil {
		t.Fatal(err)
	}
	waitJSON(t, h, "/v1/apps/"+id+"/releases/"+rel["id"].(string), "succeeded")
	if _, err := h.Admin.Do(ctx, "POST", "/v1/apps/"+id+"/releases", map[string]any{"image": "fail-v2"}, &rel); err != nil {
		t.Fatal(err)
	}
	waitJSON(t, h, "/v1/apps/"+id+"/releases/"+rel["id"].(string), "failed")
	return id, wl["id"].(string)
}

// waitJSON polls an API object until its state is want (the sim's clock
// drives rollouts; the deadline only bounds a broken run).
func waitJSON(t *testing.T, h *servertest.Harness, path, want string) {
	t.Helper()
	opstest.Eventually(t, 2*time.Minute, path+" "+want, func() (bool, string) {
		var x map[string]any
		if _, err := h.Admin.Do(context.Background(), "GET", path, nil, &x); err != nil {
			t.Fatal(err)
		}
		return x["state"] == want, fmt.Sprintf("it is %v: %v", x["state"], x)
	})
}

// TestAppPages: the apps list and an app's deploy history show each
// release's state, its sites by name, its URL and why it failed, in every
// language.
func TestAppPages(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	id, _ := demoApp(t, h)
	b := newBrowser(t, h)
	b.signIn(servertest.AdminToken)
	want := map[string][]string{
		"es":    {"Aplicaciones", "Historial de despliegues", "publicada", "fallida", "disponible"},
		"pt-BR": {"Aplicações", "Histórico de implantações", "publicada", "falhou", "disponível"},
		"en":    {"Apps", "Deploy history", "succeeded", "failed", "available"},
	}
	for _, lang := range []string{"es", "pt-BR", "en"} {
		b.lang = lang
		b.switchLang(lang)
		code, list := b.get("/apps")
		if code != 200 || !strings.Contains(list, `href="/apps/`+id+`"`) || !strings.Contains(list, ">citas</a>") ||
			!strings.Contains(list, want[lang][0]) || !strings.Contains(list, want[lang][3]) {
			t.Fatalf("%s /apps: %d\n%s", lang, code, list)
		}
		code, body := b.get("/apps/" + id)
		text := visibleText(body)
		if code != 200 {
			t.Fatalf("%s /apps/%s: %d\n%s", lang, id, code, body)
		}
		for _, w := range want[lang] {
			if !strings.Contains(text, w) {
				t.Errorf("%s app page lacks %q", lang, w)
			}
		}
		if k := rawKey.FindString(body); k != "" {
			t.Errorf("%s app page shows a message key: %s", lang, k)
		}
		// Both releases, newest first, the failed one with its reason; the
		// successful one with its URL on the sim's reserved domain.
		i2, i1 := strings.Index(body, `id="release-2"`), strings.Index(body, `id="release-1"`)
		if i2 < 0 || i1 < 0 || i2 > i1 {
			t.Errorf("%s: the history does not list release 2 then release 1", lang)
		}
		if !strings.Contains(body, `class="reason"`) {
			t.Errorf("%s: the failed release shows no reason", lang)
		}
		if !regexp.MustCompile(`<a href="https://[^"]+\.apps\.sim\.invalid">`).MatchString(body) {
			t.Errorf("%s: no URL for the available release", lang)
		}
		if !strings.Contains(text, "abcdef12") {
			t.Errorf("%s: the commit is not shown", lang)
		}
	}
	// The navigation offers the page.
	if _, body := b.get("/"); !strings.Contains(body, `href="/apps"`) {
		t.Error("the navigation does not link to the apps page")
	}
}

var (
	scriptRE = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`)
	tagRE    = regexp.MustCompile(`(?s)<[^>]*>`)
)

// visibleText is what a person reads on a page: the text outside tags
// (attribute values such as title="…" are not read).
func visibleText(page string) string {
	return html.UnescapeString(tagRE.ReplaceAllString(scriptRE.ReplaceAllString(page, " "), " "))
}
