package workload_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/server/servertest"
)

// demoIDs finds, in the demo fleet, the Brazilian ministry, its project,
// the US-jurisdiction provider and its Brazilian site (the cheapest site
// in Brazil).
type demoIDs struct {
	institution, project, offering string
	usProvider, usSiteBR           string
}

func loadDemoIDs(t *testing.T, c *client.Client) demoIDs {
	t.Helper()
	ctx := context.Background()
	var d demoIDs
	d.project, d.offering = fixture(t, c)
	var prj map[string]any
	if _, err := c.Do(ctx, "GET", "/v1/projects/"+d.project, nil, &prj); err != nil {
		t.Fatal(err)
	}
	d.institution = prj["institution_id"].(string)
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := c.Do(ctx, "GET", "/v1/providers?jurisdiction=US", nil, &page); err != nil || len(page.Items) != 1 {
		t.Fatalf("US provider: %v %v", err, page.Items)
	}
	d.usProvider = page.Items[0]["id"].(string)
	if _, err := c.Do(ctx, "GET", "/v1/sites?country=BR&provider_id="+d.usProvider, nil, &page); err != nil || len(page.Items) != 1 {
		t.Fatalf("US provider's Brazilian site: %v %v", err, page.Items)
	}
	d.usSiteBR = page.Items[0]["id"].(string)
	return d
}

// eachStore runs a test on a demo server over SQLite and, when
// configured, PostgreSQL.
func eachStore(t *testing.T, test func(t *testing.T, h *servertest.Harness)) {
	servertest.Each(t, servertest.Options{}, test)
}

type placed struct {
	ID          string `json:"id"`
	State       string `json:"state"`
	Sovereignty struct {
		Mode          string   `json:"mode"`
		Jurisdictions []string `json:"jurisdictions"`
	} `json:"sovereignty"`
	Residency struct {
		Countries []string `json:"countries"`
	} `json:"residency"`
	Placements []struct {
		SiteID     string `json:"site_id"`
		ProviderID string `json:"provider_id"`
	} `json:"placements"`
}

func setPolicy(t *testing.T, c *client.Client, institution string, policy map[string]any) {
	t.Helper()
	if _, err := c.Do(context.Background(), "PATCH", "/v1/institutions/"+institution, map[string]any{"data_policy": policy}, nil); err != nil {
		t.Fatalf("setting the data policy: %v", err)
	}
}

// TestSovereigntyByDefault is the attack of issue #16, item 6: a
// Brazilian ministry asks for a workload naming only --country BR. The
// cheapest site in Brazil belongs to a provider under US jurisdiction.
// The request must not land there: the ministry's data policy (national
// unless set) applies, and the stored workload says so.
func TestSovereigntyByDefault(t *testing.T) { eachStore(t, testSovereigntyByDefault) }

func testSovereigntyByDefault(t *testing.T, h *servertest.Harness) {
	ctx := context.Background()
	d := loadDemoIDs(t, h.Admin)
	req := internalBR(d.project, d.offering, 1)
	var w placed
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", req, &w); err != nil {
		t.Fatal(err)
	}
	if len(w.Placements) != 1 {
		t.Fatalf("placements: %+v", w)
	}
	if w.Placements[0].ProviderID == d.usProvider || w.Placements[0].SiteID == d.usSiteBR {
		t.Fatalf("a request naming only BR landed on the US-jurisdiction provider: %+v", w)
	}
	if w.Sovereignty.Mode != "national" {
		t.Fatalf("stored sovereignty %q, want the policy's national", w.Sovereignty.Mode)
	}

	// The test means something: where the policy admits any jurisdiction
	// the same request goes to the US provider's Brazilian site, the
	// cheapest.
	setPolicy(t, h.Admin, d.institution, map[string]any{"sovereignty": "any"})
	var open placed
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", req, &open); err != nil {
		t.Fatal(err)
	}
	if open.Placements[0].SiteID != d.usSiteBR || open.Sovereignty.Mode != "any" {
		t.Fatalf("with an open policy the cheapest site is the US provider's: %+v", open)
	}
}

// TestWiderRequestRefused: a request wider than the policy is a 422
// "data-policy" that names the institution and its policy, with the
// reason per field, in the caller's language; nothing is stored.
func TestWiderRequestRefused(t *testing.T) { eachStore(t, testWiderRequestRefused) }

func testWiderRequestRefused(t *testing.T, h *servertest.Harness) {
	ctx := context.Background()
	d := loadDemoIDs(t, h.Admin)
	cases := map[string]struct {
		body  map[string]any
		field string
		want  map[string]string
	}{
		"any sovereignty": {
			body: map[string]any{"residency": map[string]any{"countries": []string{"BR"}},
				"sovereignty": map[string]any{"mode": "any"}},
			field: "sovereignty.mode",
			want: map[string]string{"es": "más amplia que la «national»", "pt-BR": "mais ampla que a «national»",
				"en": `wider than the "national"`},
		},
		"regional with a foreign jurisdiction": {
			body: map[string]any{"residency": map[string]any{"countries": []string{"BR"}},
				"sovereignty": map[string]any{"mode": "regional", "jurisdictions": []string{"BR", "US"}}},
			field: "sovereignty.mode",
			want:  map[string]string{"es": "soberanía «regional»", "pt-BR": "soberania «regional»", "en": `sovereignty "regional"`},
		},
		"a country outside the policy": {
			body: map[string]any{"residency": map[string]any{"countries": []string{"BR", "CO"}},
				"sovereignty": map[string]any{"mode": "national"}},
			field: "residency.countries[1]",
			want: map[string]string{"es": "el país CO está fuera", "pt-BR": "o país CO está fora",
				"en": "country CO is outside"},
		},
	}
	title := map[string]string{"es": "política de datos de Ministério da Saúde (demo)", "pt-BR": "política de dados de Ministério da Saúde (demo)",
		"en": "data policy of Ministério da Saúde (demo)"}
	for name, tc := range cases {
		for _, lang := range []string{"es", "pt-BR", "en"} {
			b := map[string]any{"project_id": d.project, "offering_id": d.offering, "replicas": 1, "classification": "internal"}
			for k, v := range tc.body {
				b[k] = v
			}
			for _, path := range []string{"/v1/workloads", "/v1/placements:preview"} {
				_, err := h.Client(servertest.AdminToken, lang).Do(ctx, "POST", path, b, nil)
				var p *client.Problem
				if !errors.As(err, &p) || p.Status != 422 || !strings.HasSuffix(p.Type, "/data-policy") {
					t.Fatalf("%s %s %s: %v", name, lang, path, err)
				}
				if !strings.Contains(p.Detail, title[lang]) || !strings.Contains(p.Detail, "sovereignty national; countries BR") {
					t.Fatalf("%s %s: the detail does not name the policy: %s", name, lang, p.Detail)
				}
				found := false
				for _, ip := range p.InvalidParams {
					if ip.Name == tc.field && strings.Contains(ip.Reason, tc.want[lang]) {
						found = true
					}
				}
				if !found {
					t.Fatalf("%s %s: invalid_params %+v, want %s: …%s…", name, lang, p.InvalidParams, tc.field, tc.want[lang])
				}
				if p.Extensions["institution_id"] != d.institution || p.Extensions["data_policy"] == nil {
					t.Fatalf("%s %s: problem members %+v", name, lang, p.Extensions)
				}
			}
		}
	}
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads", nil, &page); err != nil || len(page.Items) != 0 {
		t.Fatalf("refused requests stored workloads: %v %d", err, len(page.Items))
	}
}

// TestNarrowerRequestAllowed: a request may narrow the policy — a
// stricter mode, a subset of its jurisdictions, a subset of its
// countries — and keeps what it asked for.
func TestNarrowerRequestAllowed(t *testing.T) { eachStore(t, testNarrowerRequestAllowed) }

func testNarrowerRequestAllowed(t *testing.T, h *servertest.Harness) {
	ctx := context.Background()
	d := loadDemoIDs(t, h.Admin)
	setPolicy(t, h.Admin, d.institution, map[string]any{"sovereignty": "regional", "jurisdictions": []string{"BR", "US"},
		"countries": []string{"BR", "CO"}})
	base := func() map[string]any {
		return map[string]any{"project_id": d.project, "offering_id": d.offering, "replicas": 1, "classification": "internal"}
	}
	// Inherited: regional BR+US in BR or CO: the cheapest is the US
	// provider's site in Brazil.
	var w placed
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", base(), &w); err != nil {
		t.Fatal(err)
	}
	if w.Sovereignty.Mode != "regional" || strings.Join(w.Sovereignty.Jurisdictions, ",") != "BR,US" ||
		strings.Join(w.Residency.Countries, ",") != "BR,CO" || w.Placements[0].ProviderID != d.usProvider {
		t.Fatalf("inherited policy: %+v", w)
	}
	// Narrowed to regional BR only: off the US provider.
	b := base()
	b["sovereignty"] = map[string]any{"mode": "regional", "jurisdictions": []string{"BR"}}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", b, &w); err != nil {
		t.Fatal(err)
	}
	if w.Placements[0].ProviderID == d.usProvider || strings.Join(w.Sovereignty.Jurisdictions, ",") != "BR" {
		t.Fatalf("regional BR: %+v", w)
	}
	// National in Brazil: narrower than regional BR+US there.
	b = base()
	b["residency"] = map[string]any{"countries": []string{"BR"}}
	b["sovereignty"] = map[string]any{"mode": "national"}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", b, &w); err != nil {
		t.Fatal(err)
	}
	if w.Placements[0].ProviderID == d.usProvider || w.Sovereignty.Mode != "national" {
		t.Fatalf("national: %+v", w)
	}
	// National in Colombia would admit Colombian providers, which the
	// region (BR, US) does not: wider, refused.
	b["residency"] = map[string]any{"countries": []string{"CO"}}
	_, err := h.Admin.Do(ctx, "POST", "/v1/workloads", b, nil)
	var p *client.Problem
	if !errors.As(err, &p) || p.Status != 422 || !strings.HasSuffix(p.Type, "/data-policy") || len(p.InvalidParams) != 1 ||
		p.InvalidParams[0].Name != "residency.countries[0]" {
		t.Fatalf("national in CO under a BR+US region: %v", err)
	}
}

// TestClassificationMinimum: the policy admits any jurisdiction by
// default but requires national sovereignty for confidential data and
// above. An internal request may ask for any; a confidential one may
// not, and one that leaves sovereignty out inherits national.
func TestClassificationMinimum(t *testing.T) { eachStore(t, testClassificationMinimum) }

func testClassificationMinimum(t *testing.T, h *servertest.Harness) {
	ctx := context.Background()
	d := loadDemoIDs(t, h.Admin)
	setPolicy(t, h.Admin, d.institution, map[string]any{"sovereignty": "any", "min_sovereignty": map[string]string{"confidential": "national"}})
	req := func(class, mode string) map[string]any {
		b := map[string]any{"project_id": d.project, "offering_id": d.offering, "replicas": 1, "classification": class,
			"residency": map[string]any{"countries": []string{"BR"}}}
		if mode != "" {
			b["sovereignty"] = map[string]any{"mode": mode}
		}
		return b
	}
	var w placed
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", req("internal", "any"), &w); err != nil {
		t.Fatalf("internal, any: %v", err)
	}
	if w.Sovereignty.Mode != "any" || w.Placements[0].ProviderID != d.usProvider {
		t.Fatalf("internal, any: %+v", w)
	}
	for _, class := range []string{"confidential", "restricted"} {
		_, err := h.Client(servertest.AdminToken, "pt-BR").Do(ctx, "POST", "/v1/workloads", req(class, "any"), nil)
		var p *client.Problem
		if !errors.As(err, &p) || p.Status != 422 || !strings.HasSuffix(p.Type, "/data-policy") ||
			len(p.InvalidParams) != 1 || !strings.Contains(p.InvalidParams[0].Reason, "exige para dados "+class) {
			t.Fatalf("%s, any: %v", class, err)
		}
		if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", req(class, ""), &w); err != nil {
			t.Fatalf("%s, inherited: %v", class, err)
		}
		if w.Sovereignty.Mode != "national" {
			t.Fatalf("%s inherited %q, want national", class, w.Sovereignty.Mode)
		}
	}
}

// TestPreviewHonoursPolicy: the placement preview applies the policy as
// creation does — a request naming only BR previews off the US provider.
func TestPreviewHonoursPolicy(t *testing.T) { eachStore(t, testPreviewHonoursPolicy) }

func testPreviewHonoursPolicy(t *testing.T, h *servertest.Harness) {
	ctx := context.Background()
	d := loadDemoIDs(t, h.Admin)
	req := internalBR(d.project, d.offering, 1)
	var pv struct {
		Feasible   bool `json:"feasible"`
		Placements []struct {
			SiteID     string `json:"site_id"`
			ProviderID string `json:"provider_id"`
		} `json:"placements"`
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/placements:preview", req, &pv); err != nil {
		t.Fatal(err)
	}
	if !pv.Feasible || len(pv.Placements) != 1 || pv.Placements[0].ProviderID == d.usProvider {
		t.Fatalf("preview under the national policy: %+v", pv)
	}
	setPolicy(t, h.Admin, d.institution, map[string]any{"sovereignty": "any"})
	if _, err := h.Admin.Do(ctx, "POST", "/v1/placements:preview", req, &pv); err != nil {
		t.Fatal(err)
	}
	if len(pv.Placements) != 1 || pv.Placements[0].SiteID != d.usSiteBR {
		t.Fatalf("preview under an open policy: %+v", pv)
	}
}
