package console_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

var (
	captionRE = regexp.MustCompile(`<caption>([^<]*)</caption>`)
	siteRowRE = regexp.MustCompile(`<th scope="row">(\S+)`)
)

// sitesPage is the sites page at path, its caption's total and the names
// of its table's rows.
func sitesPage(t *testing.T, b *browser, path string) (html string, n int, rows []string) {
	t.Helper()
	code, html := b.get(path)
	if code != http.StatusOK {
		t.Fatalf("%s: %d", path, code)
	}
	m := captionRE.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("%s: no caption", path)
	}
	for _, r := range siteRowRE.FindAllStringSubmatch(html, -1) {
		rows = append(rows, r[1])
	}
	return html, total(m[1]), rows
}

// TestSitesFiltersWithoutBrowser: the filters of the sites page the
// browser test drives (edge group) and those it does not (provider, the
// map's zoom out and reset).
func TestSitesFiltersWithoutBrowser(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	seedEdge(t, h, 120) // ring-000: edge-00000…49, ring-001: 50…99, ring-002: 100…119
	b := newBrowser(t, h)
	b.lang = "en"
	b.signIn(servertest.AdminToken)

	t.Run("group", func(t *testing.T) {
		_, html := b.get("/sites")
		for name, want := range map[string][2]string{"ring-001": {"edge-00050", "edge-00099"}, "ring-002": {"edge-00100", "edge-00119"}} {
			m := regexp.MustCompile(`<option value="([^"]+)">` + name + `</option>`).FindStringSubmatch(html)
			if m == nil {
				t.Fatalf("no option for group %s", name)
			}
			page, n, rows := sitesPage(t, b, "/sites?group="+m[1])
			wantN := map[string]int{"ring-001": 50, "ring-002": 20}[name]
			if n != wantN || len(rows) != wantN || rows[0] != want[0] || rows[len(rows)-1] != want[1] {
				t.Errorf("group %s: total %d, rows %v; want %d rows %s…%s", name, n, rows, wantN, want[0], want[1])
			}
			if !strings.Contains(page, `<option value="`+m[1]+`" selected>`+name) {
				t.Errorf("group %s is not selected in the form", name)
			}
		}
	})

	t.Run("provider", func(t *testing.T) {
		var ps struct {
			Items []struct {
				ID   string `json:"id"`
				Kind string `json:"kind"`
			} `json:"items"`
		}
		if _, err := h.Admin.Do(context.Background(), "GET", "/v1/providers", nil, &ps); err != nil {
			t.Fatal(err)
		}
		_, all, _ := sitesPage(t, b, "/sites")
		for _, p := range ps.Items {
			if p.Kind != "edge" {
				continue
			}
			page, n, rows := sitesPage(t, b, "/sites?provider_id="+p.ID)
			if n != 120 || all <= n || len(rows) != 50 {
				t.Fatalf("provider %s: %d sites (%d in all), %d rows; want its 120 of more, a page of 50", p.ID, n, all, len(rows))
			}
			for _, r := range rows {
				if !strings.HasPrefix(r, "edge-") {
					t.Errorf("provider %s lists %s", p.ID, r)
				}
			}
			if !strings.Contains(page, `href="/sites?page=2&amp;provider_id=`+p.ID+`" rel="next"`) {
				t.Errorf("the next page does not keep the provider filter")
			}
			return
		}
		t.Fatal("no edge provider")
	})

	t.Run("zoom", func(t *testing.T) {
		html, _, _ := sitesPage(t, b, "/sites")
		if strings.Contains(html, `class="zoom-out"`) || strings.Contains(html, `class="zoom-reset"`) {
			t.Error("the whole map offers to zoom out")
		}
		html, _, _ = sitesPage(t, b, "/sites?zoom=2&lat=-20&lon=-45")
		for _, want := range []string{`class="zoom-in"`, `?lat=-20.000&amp;lon=-45.000&amp;zoom=1" class="zoom-out"`, `href="/sites" class="zoom-reset"`} {
			if !strings.Contains(html, want) {
				t.Errorf("zoomed in map lacks %s", want)
			}
		}
		html, _, _ = sitesPage(t, b, "/sites?zoom=2&lat=-20&lon=-45&q=edge&page=2")
		if !strings.Contains(html, `href="/sites?page=2&amp;q=edge" class="zoom-reset"`) {
			t.Error("zoom reset drops the filters")
		}
	})
}
