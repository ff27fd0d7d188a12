package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/server/servertest"
)

func ctx() context.Context { return context.Background() }

func raw(t *testing.T, h *servertest.Harness, method, path, token, lang, body string, hdr ...string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, h.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return servertest.Send(t, req)
}

// workloadRequest is a request for replicas of the offering named
// offering in the seeded project prontuario-eletronico, resident and
// sovereign in Brazil: where the ledger, budget and preview tests start.
func workloadRequest(t *testing.T, h *servertest.Harness, offering string, replicas int, class string) (project string, body map[string]any) {
	t.Helper()
	project = h.FirstID(t, "/v1/projects?name=prontuario-eletronico")
	body = map[string]any{"project_id": project, "offering_id": h.FirstID(t, "/v1/offerings?name="+offering), "replicas": replicas,
		"classification": class, "residency": map[string]any{"countries": []string{"BR"}}, "sovereignty": map[string]any{"mode": "national"}}
	return project, body
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	cases := []struct {
		name, token, lang, detail string
	}{
		{"missing", "", "en", "Authorization: Bearer"},
		{"malformed", "not-a-token", "en", "not valid"},
		{"unknown", "sbr_0000000000000000000000000000", "en", "not valid"},
		{"spanish", "", "es-MX", "falta la cabecera"},
		{"portuguese", "", "pt-BR,pt;q=0.9", "falta o cabeçalho"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, p := raw(t, h, "GET", "/v1/providers", c.token, c.lang, "")
			if resp.StatusCode != 401 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("content type %q", ct)
			}
			if p["type"] != "https://soberana.dev/problems/unauthorized" || !strings.Contains(fmt.Sprint(p["detail"]), c.detail) {
				t.Fatalf("problem %v", p)
			}
			if p["request_id"] == "" || p["status"] != float64(401) {
				t.Fatalf("problem lacks request id or status: %v", p)
			}
		})
	}
	for _, open := range []string{"/healthz", "/readyz", "/openapi.json", "/metrics"} {
		if resp, _ := raw(t, h, "GET", open, "", "", ""); resp.StatusCode != 200 {
			t.Errorf("%s: %d", open, resp.StatusCode)
		}
	}
	if resp, p := raw(t, h, "GET", "/v1/nope", servertest.AdminToken, "en", ""); resp.StatusCode != 404 || p["type"] != "https://soberana.dev/problems/not-found" {
		t.Errorf("unknown route: %d %v", resp.StatusCode, p)
	}
}

// TestDemoFleet checks what `up` seeds, through the API.
func TestDemoFleet(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	count := func(path string) (n int, items []map[string]any) {
		var page struct {
			Items []map[string]any `json:"items"`
		}
		if _, err := h.Admin.Do(ctx(), "GET", path+"?limit=1000", nil, &page); err != nil {
			t.Fatal(err)
		}
		return len(page.Items), page.Items
	}
	np, provs := count("/v1/providers")
	ns, sites := count("/v1/sites")
	no, _ := count("/v1/offerings")
	npr, prices := count("/v1/prices")
	ni, _ := count("/v1/institutions")
	nb, _ := count("/v1/budget-lines")
	nj, _ := count("/v1/projects")
	if np < 3 || ns < 12 || no < 3 || ni < 2 || nb < 2 || nj < 2 || npr < np*3 {
		t.Fatalf("demo fleet too small: %d providers, %d sites, %d offerings, %d prices, %d institutions, %d lines, %d projects", np, ns, no, npr, ni, nb, nj)
	}
	for _, p := range provs {
		if p["simulated"] != true {
			t.Fatalf("demo provider not marked simulated: %v", p)
		}
	}
	tiers, domains, countries := map[any]bool{}, map[any]bool{}, map[any]bool{}
	for _, s := range sites {
		tiers[s["tier"]], domains[s["failure_domain"]], countries[s["country"]] = true, true, true
		if s["simulated"] != true {
			t.Fatalf("demo site not marked simulated: %v", s)
		}
	}
	if len(tiers) != 2 || len(domains) < 4 || len(countries) < 3 {
		t.Fatalf("demo fleet lacks variety: tiers %v domains %d countries %v", tiers, len(domains), countries)
	}
	currencies := map[any]bool{}
	for _, p := range prices {
		currencies[p["currency"]] = true
	}
	for _, c := range []string{"BRL", "MXN", "CLP", "USD"} {
		if !currencies[c] {
			t.Errorf("no price list in %s", c)
		}
	}
}

// TestBadInput: every noun refuses bad input with 4xx problem+json naming
// the field, and nothing is written.
func TestBadInput(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	var provs, offs, ins, lines struct {
		Items []map[string]any `json:"items"`
	}
	for path, dst := range map[string]any{"/v1/providers": &provs, "/v1/offerings": &offs, "/v1/institutions": &ins, "/v1/budget-lines": &lines} {
		if _, err := h.Admin.Do(ctx(), "GET", path, nil, dst); err != nil {
			t.Fatal(err)
		}
	}
	prv := provs.Items[0]["id"].(string)
	prvName := provs.Items[0]["name"].(string)
	off := offs.Items[0]["id"].(string)
	inst := ins.Items[0]["id"].(string)
	otherLine := ""
	for _, l := range lines.Items {
		if l["institution_id"] != inst {
			otherLine = l["id"].(string)
		}
	}
	site := func(mod string) string {
		return `{"provider_id":"` + prv + `","name":"s-new","country":"BR","subdivision":"BR-SP","latitude":-23.5,"longitude":-46.6,"tier":"core","failure_domain":"fd","capacity":{"vcpus":8,"memory_mib":1024,"disk_gib":10}` + mod + `}`
	}
	big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	cases := []struct {
		name, path, body string
		status           int
		field            string
	}{
		{"provider: wrong country", "/v1/providers", `{"name":"p1","driver":"sim","jurisdiction":"XX","certification":"public","currency":"BRL"}`, 422, "jurisdiction"},
		{"provider: lowercase country", "/v1/providers", `{"name":"p1","driver":"sim","jurisdiction":"br","certification":"public","currency":"BRL"}`, 422, "jurisdiction"},
		{"provider: unknown currency", "/v1/providers", `{"name":"p1","driver":"sim","jurisdiction":"BR","certification":"public","currency":"BRX"}`, 422, "currency"},
		{"provider: unknown driver", "/v1/providers", `{"name":"p1","driver":"vmware","jurisdiction":"BR","certification":"public","currency":"BRL"}`, 422, "driver"},
		{"provider: bad certification", "/v1/providers", `{"name":"p1","driver":"sim","jurisdiction":"BR","certification":"secret","currency":"BRL"}`, 422, "certification"},
		{"provider: missing name", "/v1/providers", `{"driver":"sim","jurisdiction":"BR","certification":"public","currency":"BRL"}`, 422, "name"},
		{"provider: duplicate name", "/v1/providers", `{"name":"` + prvName + `","driver":"sim","jurisdiction":"BR","certification":"public","currency":"BRL"}`, 409, ""},
		{"provider: read-only id", "/v1/providers", `{"id":"prv_x","name":"p1","driver":"sim","jurisdiction":"BR","certification":"public","currency":"BRL"}`, 422, "id"},
		{"site: latitude 200", "/v1/sites", site(`,"latitude":200`), 422, "latitude"},
		{"site: longitude -181", "/v1/sites", site(`,"longitude":-181`), 422, "longitude"},
		{"site: negative capacity", "/v1/sites", site(`,"capacity":{"vcpus":-4}`), 422, "capacity.vcpus"},
		{"site: wrong country", "/v1/sites", site(`,"country":"BRA"`), 422, "country"},
		{"site: subdivision of another country", "/v1/sites", site(`,"subdivision":"MX-CMX"`), 422, "subdivision"},
		{"site: unknown subdivision", "/v1/sites", site(`,"subdivision":"BR-XX"`), 422, "subdivision"},
		{"site: bad tier", "/v1/sites", site(`,"tier":"fog"`), 422, "tier"},
		{"site: missing provider", "/v1/sites", strings.Replace(site(""), prv, "prv_missing", 1), 422, "provider_id"},
		{"site: bad overcommit", "/v1/sites", site(`,"overcommit":{"vcpu":"-1"}`), 422, "overcommit.vcpu"},
		{"site: unknown nested field", "/v1/sites", site(`,"capacity":{"vcpus":1,"gpus":2}`), 422, "capacity.gpus"},
		{"site: wrong type", "/v1/sites", site(`,"latitude":"north"`), 422, "latitude"},
		{"offering: malformed flavor", "/v1/offerings", `{"name":"SCS-2X-4","kind":"vm"}`, 422, "name"},
		{"offering: zero cpus", "/v1/offerings", `{"name":"SCS-0V-4","kind":"vm"}`, 422, "name"},
		{"offering: bad kind", "/v1/offerings", `{"name":"x","kind":"gpu"}`, 422, "kind"},
		{"offering: empty namespace", "/v1/offerings", `{"name":"ns-empty","kind":"namespace"}`, 422, "disk_gib"},
		{"price: unknown currency", "/v1/prices", `{"provider_id":"` + prv + `","offering_id":"` + off + `","currency":"XYZ","per_hour":"1.0","valid_from":"2026-01-01"}`, 422, "currency"},
		{"price: negative", "/v1/prices", `{"provider_id":"` + prv + `","offering_id":"` + off + `","per_hour":"-1","valid_from":"2026-01-01"}`, 422, "per_hour"},
		{"price: float garbage", "/v1/prices", `{"provider_id":"` + prv + `","offering_id":"` + off + `","per_hour":"1e3","valid_from":"2026-01-01"}`, 422, "per_hour"},
		{"price: bad date", "/v1/prices", `{"provider_id":"` + prv + `","offering_id":"` + off + `","per_hour":"1","valid_from":"01/02/2026"}`, 422, "valid_from"},
		{"price: missing offering", "/v1/prices", `{"provider_id":"` + prv + `","offering_id":"off_missing","per_hour":"1","valid_from":"2026-03-01"}`, 422, "offering_id"},
		{"fx: same currency", "/v1/fx-rates", `{"from":"BRL","to":"BRL","rate":"1","valid_on":"2026-01-02","source":"x"}`, 422, "to"},
		{"fx: zero rate", "/v1/fx-rates", `{"from":"USD","to":"BRL","rate":"0","valid_on":"2026-01-02","source":"x"}`, 422, "rate"},
		{"institution: unknown currency", "/v1/institutions", `{"name":"i","country":"BR","currency":"REAL"}`, 422, "currency"},
		{"institution: wrong country", "/v1/institutions", `{"name":"i","country":"Brasil","currency":"BRL"}`, 422, "country"},
		{"budget line: missing institution", "/v1/budget-lines", `{"institution_id":"ins_missing","fiscal_year":2026,"code":"a","name":"a","amount_minor":1}`, 422, "institution_id"},
		{"budget line: negative amount", "/v1/budget-lines", `{"institution_id":"` + inst + `","fiscal_year":2026,"code":"a","name":"a","amount_minor":-1}`, 422, "amount_minor"},
		{"budget line: wrong currency", "/v1/budget-lines", `{"institution_id":"` + inst + `","fiscal_year":2026,"code":"a","name":"a","amount_minor":1,"currency":"USD"}`, 422, "currency"},
		{"budget line: fiscal year", "/v1/budget-lines", `{"institution_id":"` + inst + `","fiscal_year":1850,"code":"a","name":"a","amount_minor":1}`, 422, "fiscal_year"},
		{"project: missing references", "/v1/projects", `{"institution_id":"ins_missing","budget_line_id":"bl_missing","name":"p"}`, 422, "institution_id"},
		{"project: another institution's line", "/v1/projects", `{"institution_id":"` + inst + `","budget_line_id":"` + otherLine + `","name":"p"}`, 422, "budget_line_id"},
		{"oversized body", "/v1/providers", big, 413, ""},
		{"not json", "/v1/providers", `{"name": `, 400, ""},
		{"trailing data", "/v1/providers", `{"name":"a"} {"name":"b"}`, 400, ""},
		{"empty body", "/v1/providers", ` `, 400, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := countAll(t, h, c.path)
			resp, p := raw(t, h, "POST", c.path, servertest.AdminToken, "en", c.body)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, c.status, p)
			}
			if resp.Header.Get("Content-Type") != "application/problem+json" || p["detail"] == "" {
				t.Fatalf("not a problem: %v", p)
			}
			if c.field != "" {
				found := false
				params, _ := p["invalid_params"].([]any)
				for _, ip := range params {
					m := ip.(map[string]any)
					if m["name"] == c.field && m["reason"] != "" {
						found = true
					}
				}
				if !found {
					t.Fatalf("field %q not named: %v", c.field, p)
				}
			}
			if after := countAll(t, h, c.path); after != before {
				t.Fatalf("a refused request wrote: %d → %d", before, after)
			}
		})
	}
}

func countAll(t *testing.T, h *servertest.Harness, path string) int {
	var page struct {
		Items []any `json:"items"`
	}
	if _, err := h.Admin.Do(ctx(), "GET", path+"?limit=1000", nil, &page); err != nil {
		t.Fatal(err)
	}
	return len(page.Items)
}

func TestLocalizedValidation(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	body := `{"name":"i","country":"XX","currency":"BRL"}`
	for lang, want := range map[string]string{"es": "no es un código de país", "pt-BR": "não é um código de país", "en": "is not an ISO 3166-1"} {
		_, p := raw(t, h, "POST", "/v1/institutions", servertest.AdminToken, lang, body)
		params, _ := p["invalid_params"].([]any)
		if len(params) != 1 || !strings.Contains(params[0].(map[string]any)["reason"].(string), want) {
			t.Errorf("%s: %v", lang, p)
		}
	}
}

func TestUpdateWithETag(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	var ins map[string]any
	hdr, err := h.Admin.Do(ctx(), "POST", "/v1/institutions", map[string]any{"name": "Prefeitura", "country": "BR", "currency": "BRL"}, &ins)
	if err != nil {
		t.Fatal(err)
	}
	if hdr.Get("ETag") != `"1"` {
		t.Fatalf("etag %q", hdr.Get("ETag"))
	}
	id := ins["id"].(string)
	path := "/v1/institutions/" + id
	var got map[string]any
	hdr, err = h.Admin.Do(ctx(), "PATCH", path, map[string]any{"auto_approve_minor": 1000}, &got, "If-Match", `"1"`)
	if err != nil {
		t.Fatal(err)
	}
	if got["auto_approve_minor"] != float64(1000) || got["name"] != "Prefeitura" || hdr.Get("ETag") != `"2"` {
		t.Fatalf("patched: %v %s", got, hdr.Get("ETag"))
	}
	_, err = h.Admin.Do(ctx(), "PATCH", path, map[string]any{"auto_approve_minor": 5}, nil, "If-Match", `"1"`)
	var p *client.Problem
	if !errors.As(err, &p) || p.Status != 412 {
		t.Fatalf("stale If-Match: %v", err)
	}
	_, err = h.Admin.Do(ctx(), "PATCH", path, map[string]any{"currency": "USD"}, nil)
	if !errors.As(err, &p) || p.Status != 422 {
		t.Fatalf("immutable field: %v", err)
	}
	_, err = h.Admin.Do(ctx(), "PATCH", path, map[string]any{"country": "XX"}, nil)
	if !errors.As(err, &p) || p.Status != 422 {
		t.Fatalf("invalid patch: %v", err)
	}
	if _, err := h.Admin.Do(ctx(), "GET", path, nil, &got); err != nil || got["country"] != "BR" || got["version"] != float64(2) {
		t.Fatalf("refused patch wrote: %v %v", got, err)
	}
	if _, err := h.Admin.Do(ctx(), "DELETE", path, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Admin.Do(ctx(), "GET", path, nil, nil); !errors.As(err, &p) || p.Status != 404 {
		t.Fatalf("after delete: %v", err)
	}
}

func TestDeleteInUse(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	var provs struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(ctx(), "GET", "/v1/providers", nil, &provs); err != nil {
		t.Fatal(err)
	}
	_, err := h.Admin.Do(ctx(), "DELETE", "/v1/providers/"+provs.Items[0]["id"].(string), nil, nil)
	var p *client.Problem
	if !errors.As(err, &p) || p.Status != 409 || !strings.HasSuffix(p.Type, "/in-use") {
		t.Fatalf("delete in use: %v", err)
	}
}

func TestPaginationAndFilters(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	var all []string
	path := "/v1/sites?limit=5"
	for range 20 {
		var page struct {
			Items []map[string]any `json:"items"`
			Next  string           `json:"next_cursor"`
		}
		if _, err := h.Admin.Do(ctx(), "GET", path, nil, &page); err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Items {
			all = append(all, s["id"].(string))
		}
		if page.Next == "" {
			break
		}
		path = "/v1/sites?limit=5&cursor=" + page.Next
	}
	if len(all) != countAll(t, h, "/v1/sites") {
		t.Fatalf("paging saw %d sites", len(all))
	}
	seen := map[string]bool{}
	for _, id := range all {
		if seen[id] {
			t.Fatalf("duplicate %s across pages", id)
		}
		seen[id] = true
	}
	var br struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(ctx(), "GET", "/v1/sites?country=BR&tier=edge", nil, &br); err != nil {
		t.Fatal(err)
	}
	for _, s := range br.Items {
		if s["country"] != "BR" || s["tier"] != "edge" {
			t.Fatalf("filter leaked %v", s)
		}
	}
	var p *client.Problem
	for _, bad := range []string{"?limit=0", "?limit=abc", "?cursor=!!!", "?color=red"} {
		if _, err := h.Admin.Do(ctx(), "GET", "/v1/sites"+bad, nil, nil); !errors.As(err, &p) || p.Status != 400 {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
