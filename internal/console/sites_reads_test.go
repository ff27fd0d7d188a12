package console

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
)

// sitesAPI is an API with one edge provider (prv-e, group grp-1 whose
// subcloud holds site s2) and three sites, any of whose reads fails with
// 503 when its path is in fail.
func sitesAPI(fail ...string) http.Handler {
	answers := map[string]any{
		"/v1/providers": []any{map[string]any{"id": "prv-e", "name": "Edge", "kind": "edge"},
			map[string]any{"id": "prv-c", "name": "Core", "kind": "cloud"}},
		"/v1/providers/prv-e/edge-groups": []any{map[string]any{"id": "grp-1", "provider_id": "prv-e", "name": "ring"}},
		"/v1/providers/prv-e/subclouds":   []any{map[string]any{"id": "sc-1", "site_ids": []string{"s2"}}},
		"/v1/sites": []any{map[string]any{"id": "s1", "name": "alpha", "provider_id": "prv-c", "country": "BR"},
			map[string]any{"id": "s2", "name": "beta", "provider_id": "prv-e", "country": "BR"},
			map[string]any{"id": "s3", "name": "gamma", "provider_id": "prv-e", "country": "AR"}},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		items, ok := answers[r.URL.Path]
		switch {
		case slices.Contains(fail, r.URL.Path):
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"title":"unavailable","status":503}`))
		case !ok:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"title":"not found","status":404}`))
		default:
			_ = json.NewEncoder(w).Encode(map[string]any{"items": items})
		}
	})
}

// sitesWith runs the sites handler over api for path and returns its data.
func sitesWith(t *testing.T, api http.Handler, path string) (sitesData, error) {
	t.Helper()
	c, err := New(Options{API: api})
	if err != nil {
		t.Fatal(err)
	}
	v := &view{Lang: i18n.Default}
	err = c.sites(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil), v)
	d, _ := v.Data.(sitesData)
	return d, err
}

// TestSitesReads: a failed read of the providers, the group's subclouds or
// the sites fails the page; edge groups the caller may not read leave the
// group filter out; the group filter keeps the sites of its subclouds.
func TestSitesReads(t *testing.T) {
	t.Parallel()
	names := func(d sitesData) (out []string) {
		for _, r := range d.Rows {
			out = append(out, r.Name+"/"+r.Provider)
		}
		return out
	}
	for _, fail := range []string{"/v1/providers", "/v1/providers/prv-e/subclouds", "/v1/sites"} {
		if _, err := sitesWith(t, sitesAPI(fail), "/sites?group=grp-1"); err == nil {
			t.Errorf("%s failing: the page did not fail", fail)
		}
	}
	d, err := sitesWith(t, sitesAPI("/v1/providers/prv-e/edge-groups"), "/sites")
	if err != nil || len(d.Groups) != 0 || d.Total != 3 {
		t.Errorf("edge groups unreadable: %v, groups %v, %d sites; want the page without groups", err, d.Groups, d.Total)
	}
	d, err = sitesWith(t, sitesAPI(), "/sites?group=grp-1")
	if err != nil || !slices.Equal(names(d), []string{"beta/Edge"}) || len(d.Groups) != 1 {
		t.Errorf("group grp-1: %v, rows %v, groups %v", err, names(d), d.Groups)
	}
	d, err = sitesWith(t, sitesAPI(), "/sites?group=grp-none")
	if err != nil || d.Total != 0 {
		t.Errorf("unknown group: %v, %d sites; want none", err, d.Total)
	}
	d, err = sitesWith(t, sitesAPI(), "/sites")
	if err != nil || !slices.Equal(names(d), []string{"gamma/Edge", "alpha/Core", "beta/Edge"}) ||
		!slices.Equal(d.Countrys, []string{"AR", "BR"}) || d.HasUse {
		t.Errorf("all sites: %v, rows %v (by country, then name), countries %v, use %v", err, names(d), d.Countrys, d.HasUse)
	}
}
