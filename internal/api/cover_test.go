package api_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestPreviewCoverage: near points and per-subdivision replicas through
// POST /v1/placements:preview — each replica says what it serves — and
// bad coverage input is a 422 problem naming each field, in the caller's
// language.
func TestPreviewCoverage(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	_, body := workloadRequest(t, h, "SCS-1V-2-20s", 2, "internal")
	body["near"] = []map[string]any{{"latitude": -8.05, "longitude": -34.9, "radius_km": 100, "label": "Recife"}}
	body["per_subdivision"] = []string{"BR-RS"}
	var p struct {
		Feasible    bool   `json:"feasible"`
		Explanation string `json:"explanation"`
		Placements  []struct {
			Subdivision string `json:"subdivision"`
			Serves      string `json:"serves"`
		} `json:"placements"`
	}
	if _, err := h.Admin.Do(ctx(), "POST", "/v1/placements:preview", body, &p); err != nil {
		t.Fatal(err)
	}
	served := map[string]string{}
	for _, pl := range p.Placements {
		served[pl.Serves] = pl.Subdivision
	}
	if !p.Feasible || served["Recife"] != "BR-PE" || served["BR-RS"] != "BR-RS" {
		t.Fatalf("preview: %+v", p)
	}

	// Nothing within 50 km of Manaus: the explanation names the point.
	body["near"] = []map[string]any{{"latitude": -3.12, "longitude": -60.02, "radius_km": 50, "label": "Manaus"}}
	for lang, want := range map[string]string{"es": "a 50 km o menos de Manaus", "pt-BR": "a até 50 km de Manaus", "en": "within 50 km of Manaus"} {
		c := h.Client(servertest.AdminToken, lang)
		if _, err := c.Do(ctx(), "POST", "/v1/placements:preview", body, &p); err != nil {
			t.Fatal(err)
		}
		if p.Feasible || !strings.Contains(p.Explanation, want) {
			t.Fatalf("%s: %+v", lang, p)
		}
	}

	// Bad input: coordinates, radius, an unknown subdivision, too few
	// replicas for what they must cover.
	body["replicas"] = 2
	body["near"] = []map[string]any{{"latitude": 91, "longitude": 0, "radius_km": 0}}
	body["per_subdivision"] = []string{"BR-XX", "BR-SP"}
	for lang, want := range map[string][]string{
		"es":    {"latitud", "BR-XX", "réplicas no alcanzan"},
		"pt-BR": {"latitude", "BR-XX", "réplicas não bastam"},
		"en":    {"latitude", "BR-XX", "replicas are too few"},
	} {
		c := h.Client(servertest.AdminToken, lang)
		_, err := c.Do(ctx(), "POST", "/v1/placements:preview", body, nil)
		var prob *client.Problem
		if !errors.As(err, &prob) || prob.Status != 422 {
			t.Fatalf("%s: want 422, got %v", lang, err)
		}
		fields := map[string]string{}
		for _, ip := range prob.InvalidParams {
			fields[ip.Name] = ip.Reason
		}
		for _, f := range []string{"near[0].latitude", "near[0].radius_km", "per_subdivision[0]", "replicas"} {
			if fields[f] == "" {
				t.Errorf("%s: no problem for %s in %v", lang, f, fields)
			}
		}
		all := prob.Detail + " " + strings.Join(values(fields), " ")
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: %q lacks %q", lang, all, w)
			}
		}
	}
	// The same checks guard POST /v1/workloads.
	_, err := h.Admin.Do(ctx(), "POST", "/v1/workloads", body, nil)
	var prob *client.Problem
	if !errors.As(err, &prob) || prob.Status != 422 {
		t.Fatalf("create: want 422, got %v", err)
	}
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
