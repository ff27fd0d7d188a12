package workload_test

import (
	"context"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

// TestTimelineNamesNotIDs is issue #18 item 8 for workloads: a replica's
// reason and the workload's timeline name sites, providers, projects and
// offerings by their names, in every language; the ids are only in the
// JSON fields (site_id, provider_id, …).
func TestTimelineNamesNotIDs(t *testing.T) {
	t.Parallel()
	h, prj, off, v := startRunning(t, 2)
	ctx := context.Background()
	// Every id a person could be shown instead of a name.
	ids := map[string]bool{prj: true, off: true}
	for _, noun := range []string{"sites", "providers", "offerings", "projects"} {
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if _, err := h.Admin.Do(ctx, "GET", "/v1/"+noun+"?limit=1000", nil, &page); err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			ids[it.ID] = true
		}
	}
	for _, lang := range []string{"es", "pt-BR", "en"} {
		var w struct {
			Reason     string `json:"reason"`
			Placements []struct {
				Reason string `json:"reason"`
			} `json:"placements"`
			Events []struct {
				Reason string `json:"reason"`
			} `json:"events"`
		}
		if _, err := h.Client(servertest.AdminToken, lang).Do(ctx, "GET", "/v1/workloads/"+v.ID, nil, &w); err != nil {
			t.Fatal(err)
		}
		texts := []string{w.Reason}
		for _, p := range w.Placements {
			texts = append(texts, p.Reason)
		}
		for _, e := range w.Events {
			texts = append(texts, e.Reason)
		}
		for _, s := range texts {
			for id := range ids {
				if strings.Contains(s, id) {
					t.Errorf("%s: an id (%s) where a person reads: %s", lang, id, s)
				}
			}
		}
	}
}
