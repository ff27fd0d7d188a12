package console_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

// allIDs lists the ids of a collection, following its pages.
func allIDs(t *testing.T, h *servertest.Harness, path string) []string {
	t.Helper()
	var out []string
	cursor := ""
	for {
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			Next string `json:"next_cursor"`
		}
		p := path
		if cursor != "" {
			p += "?cursor=" + url.QueryEscape(cursor)
		}
		if _, err := h.Admin.Do(context.Background(), "GET", p, nil, &page); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, it := range page.Items {
			out = append(out, it.ID)
		}
		if page.Next == "" {
			return out
		}
		cursor = page.Next
	}
}

// TestNoIDsAsText: people read names. No page shows the id of a site,
// provider, project or offering as text (it may be in a title attribute,
// read on hover, or in a form value); times are <time> elements with the
// instant in UTC for console.js to show in the reader's zone.
func TestNoIDsAsText(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	appID, wlID := demoApp(t, h)
	ids := map[string]string{}
	for _, c := range []string{"sites", "providers", "projects", "offerings"} {
		for _, id := range allIDs(t, h, "/v1/"+c) {
			ids[id] = c
		}
	}
	if len(ids) < 10 {
		t.Fatalf("only %d ids in the demo fleet", len(ids))
	}
	pages := append([]string{"/workloads/" + wlID, "/workloads/" + wlID + "/connect", "/apps", "/apps/" + appID}, mainPages...)
	b := newBrowser(t, h)
	b.signIn(servertest.AdminToken)
	for _, lang := range []string{"es", "en"} {
		b.lang = lang
		b.switchLang(lang)
		for _, p := range pages {
			code, body := b.get(p)
			if code != 200 {
				t.Fatalf("%s %s: %d", lang, p, code)
			}
			text := visibleText(body)
			for id, kind := range ids {
				if strings.Contains(text, id) {
					t.Errorf("%s %s shows a %s id as text: %s", lang, p, strings.TrimSuffix(kind, "s"), id)
				}
			}
		}
	}
	// Times are machine-readable instants with a UTC fallback text.
	_, body := b.get("/workloads/" + wlID)
	if !strings.Contains(body, `<time datetime="`) || !strings.Contains(body, ` data-local>`) {
		t.Errorf("the workload's timeline has no local-time elements")
	}
}
