package api_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestPlacementPreview: the preview places without reserving, prices in
// the institution's currency, explains itself in the caller's language,
// and answers "nothing fits" with reasons rather than an error.
func TestPlacementPreview(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	_, body := workloadRequest(t, h, "SCS-2V-4-20s", 2, "confidential")
	body["redundancy"] = map[string]any{"min_failure_domains": 2, "min_distance_km": 50}
	type preview struct {
		Feasible             bool   `json:"feasible"`
		Currency             string `json:"currency"`
		ForecastMonthlyMinor int64  `json:"forecast_monthly_minor"`
		Explanation          string `json:"explanation"`
		Placements           []struct {
			SiteID        string `json:"site_id"`
			Country       string `json:"country"`
			FailureDomain string `json:"failure_domain"`
			MonthlyMinor  int64  `json:"monthly_minor"`
		} `json:"placements"`
	}
	var reservations1, reservations2 any
	if _, err := h.Admin.Do(ctx(), "GET", "/v1/fleet/reservations", nil, &reservations1); err != nil {
		t.Fatal(err)
	}
	var p preview
	for range 50 { // previews never reserve: fifty of them leave the fleet as it was
		if _, err := h.Admin.Do(ctx(), "POST", "/v1/placements:preview", body, &p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.Admin.Do(ctx(), "GET", "/v1/fleet/reservations", nil, &reservations2); err != nil {
		t.Fatal(err)
	}
	if !p.Feasible || len(p.Placements) != 2 || p.Currency != "BRL" || p.Explanation == "" {
		t.Fatalf("preview: %+v", p)
	}
	sum := int64(0)
	for _, pl := range p.Placements {
		if pl.Country != "BR" {
			t.Fatalf("placed outside residency: %+v", pl)
		}
		sum += pl.MonthlyMinor
	}
	if p.Placements[0].FailureDomain == p.Placements[1].FailureDomain || p.Placements[0].SiteID == p.Placements[1].SiteID {
		t.Fatalf("redundancy not kept: %+v", p.Placements)
	}
	if sum != p.ForecastMonthlyMinor || sum <= 0 {
		t.Fatalf("forecast %d is not the sum of replicas %d", p.ForecastMonthlyMinor, sum)
	}
	if !equalJSON(t, reservations1, reservations2) {
		t.Fatalf("previews reserved capacity: %v → %v", reservations1, reservations2)
	}
	// A preview changes nothing, so like a GET it leaves no audit event
	// (and never waits for the store's write path).
	var audited struct {
		Items []json.RawMessage `json:"items"`
	}
	if _, err := h.Admin.Do(ctx(), "GET", "/v1/audit?action="+url.QueryEscape("POST /v1/placements:preview"), nil, &audited); err != nil {
		t.Fatal(err)
	}
	if len(audited.Items) != 0 {
		t.Fatalf("%d previews audited as changes", len(audited.Items))
	}

	// Nothing fits: a feasible=false answer with reasons, localized.
	// (Amazonas has no site; Argentina would be outside the ministry's
	// data policy, a 422 of its own.)
	body["residency"] = map[string]any{"countries": []string{"BR"}, "subdivisions": []string{"BR-AM"}}
	for lang, want := range map[string]string{"es": "sitios", "pt-BR": "sites", "en": "sites"} {
		c := h.Client(servertest.AdminToken, lang)
		var nf preview
		if _, err := c.Do(ctx(), "POST", "/v1/placements:preview", body, &nf); err != nil {
			t.Fatal(err)
		}
		if nf.Feasible || len(nf.Placements) != 0 || !strings.Contains(nf.Explanation, want) {
			t.Fatalf("%s no-fit preview: %+v", lang, nf)
		}
	}

	// Invalid input is a 422 naming the field.
	body["replicas"] = 0
	_, err := h.Admin.Do(ctx(), "POST", "/v1/placements:preview", body, nil)
	var prob *client.Problem
	if !errors.As(err, &prob) || prob.Status != 422 {
		t.Fatalf("invalid preview: %v", err)
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	return strings.EqualFold(mustJSON(a), mustJSON(b))
}

func mustJSON(v any) string {
	return string(must(jsonMarshal(v)))
}

var jsonMarshal = func(v any) ([]byte, error) { return json.Marshal(v) }
