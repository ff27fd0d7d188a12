package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/server/servertest"
)

// rawReq sends body (JSON text, may be invalid) and returns the status and
// the decoded answer.
func rawReq(t *testing.T, h *servertest.Harness, method, path, body string, hdr ...string) (int, map[string]any) {
	t.Helper()
	// raw sets Content-Type only with a body; these requests carry it always.
	resp, m := raw(t, h, method, path, servertest.AdminToken, "en", body, append([]string{"Content-Type", "application/json"}, hdr...)...)
	if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s %s: %d with %s, not problem+json", method, path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, m
}

func demoIDs(t *testing.T, h *servertest.Harness) (insID, otherIns, project, line, otherLine string) {
	t.Helper()
	ctx := context.Background()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/projects?name=prontuario-eletronico", nil, &page); err != nil || len(page.Items) == 0 {
		t.Fatalf("project: %v", err)
	}
	project, insID, line = page.Items[0]["id"].(string), page.Items[0]["institution_id"].(string), page.Items[0]["budget_line_id"].(string)
	if _, err := h.Admin.Do(ctx, "GET", "/v1/budget-lines?limit=1000", nil, &page); err != nil {
		t.Fatal(err)
	}
	for _, bl := range page.Items {
		if bl["institution_id"] != insID {
			otherIns, otherLine = bl["institution_id"].(string), bl["id"].(string)
			break
		}
	}
	if otherLine == "" {
		t.Fatal("the demo has one institution only")
	}
	return
}

// TestNameHygiene: names of institutions, projects, tokens, users and
// apps refuse control characters (NUL included), bidi overrides and
// isolates, invisible-only text and invalid UTF-8, and are stored NFC.
func TestNameHygiene(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	insID, _, project, line, _ := demoIDs(t, h)
	bad := map[string]string{
		"NUL":              "Minist\u0000erio",
		"newline":          "Ministerio\nde Salud",
		"escape":           "Ministerio\u001b[31m",
		"RLO override":     "Ministerio \u202Egnp.exe",
		"LRE embedding":    "\u202ASalud",
		"isolate":          "Salud \u2066x\u2069",
		"zero-width only":  "\u200B\u200C\u200D",
		"Hangul filler":    "\u3164",
		"spaces only":      " \u00a0 ",
		"lone surrogate":   "\\ud800abc",
		"replacement char": "Sa\uFFFDde",
	}
	posts := []struct {
		path string
		body func(name string) string
	}{
		{"/v1/institutions", func(n string) string {
			return `{"name":"` + n + `","country":"BR","currency":"BRL"}`
		}},
		{"/v1/projects", func(n string) string {
			return `{"name":"` + n + `","institution_id":"` + insID + `","budget_line_id":"` + line + `"}`
		}},
		{"/v1/tokens", func(n string) string {
			return `{"name":"` + n + `","kind":"service","role":"viewer","scope_kind":"institution","scope_id":"` + insID + `"}`
		}},
		{"/v1/users", func(n string) string {
			return `{"name":"` + n + `","email":"x` + fmt.Sprint(len(n)) + `@saude.gov.br"}`
		}},
		{"/v1/apps", func(n string) string {
			return `{"name":"` + n + `","project_id":"` + project + `","image":"registry.example.br/a/b:v1"}`
		}},
	}
	for _, p := range posts {
		for why, name := range bad {
			esc := name
			if !strings.HasPrefix(name, "\\u") {
				b, _ := json.Marshal(name)
				esc = string(b[1 : len(b)-1])
			}
			code, m := rawReq(t, h, "POST", p.path, p.body(esc))
			if code != http.StatusUnprocessableEntity {
				t.Errorf("POST %s with a name with %s: %d %v", p.path, why, code, m)
			}
		}
	}
	// Invalid UTF-8 in the body is refused before anything is decoded.
	if code, m := rawReq(t, h, "POST", "/v1/institutions", "{\"name\":\"Sa\xffde\",\"country\":\"BR\",\"currency\":\"BRL\"}"); code != http.StatusBadRequest {
		t.Errorf("invalid UTF-8: %d %v", code, m)
	}
	// NFC: a decomposed "São" is stored composed.
	code, m := rawReq(t, h, "POST", "/v1/institutions", `{"name":"Prefeitura de Sa\u0303o Carlos","country":"BR","currency":"BRL"}`)
	if code != 201 || m["name"] != "Prefeitura de S\u00e3o Carlos" {
		t.Fatalf("NFC: %d %q", code, m["name"])
	}
	// A name of any script that shows something is fine.
	if code, m := rawReq(t, h, "POST", "/v1/institutions", `{"name":"Secretaría de Salud · 保健","country":"MX","currency":"MXN"}`); code != 201 {
		t.Fatalf("a good name: %d %v", code, m)
	}
}

// TestCurrencyAndNull: currency codes are checked against ISO 4217 and
// stored upper-case; a null amount is a 422, not zero.
func TestCurrencyAndNull(t *testing.T) {
	t.Parallel()
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		insID, _, _, line, _ := demoIDs(t, h)
		code, m := rawReq(t, h, "POST", "/v1/institutions", `{"name":"Prefeitura de Olinda","country":"BR","currency":"brl"}`)
		if code != 201 || m["currency"] != "BRL" {
			t.Fatalf("lower-case currency: %d %v", code, m)
		}
		var got map[string]any
		if _, err := h.Admin.Do(context.Background(), "GET", "/v1/institutions/"+m["id"].(string), nil, &got); err != nil || got["currency"] != "BRL" {
			t.Fatalf("stored currency: %v %v", got["currency"], err)
		}
		for _, c := range []string{"XYZ", "BR", "BRL ", "XAU", "DEM", "real"} {
			if code, m := rawReq(t, h, "POST", "/v1/institutions", `{"name":"Prefeitura `+c+`","country":"BR","currency":"`+c+`"}`); code != 422 {
				t.Errorf("currency %q: %d %v", c, code, m)
			}
		}
		if code, m := rawReq(t, h, "POST", "/v1/fx-rates", `{"from":"usd","to":"brl","rate":"5.1","valid_on":"2026-11-02","source":"BCB"}`); code != 201 || m["from"] != "USD" || m["to"] != "BRL" {
			t.Fatalf("fx rate with lower-case codes: %d %v", code, m)
		}

		before := map[string]any{}
		if _, err := h.Admin.Do(context.Background(), "GET", "/v1/budget-lines/"+line, nil, &before); err != nil {
			t.Fatal(err)
		}
		code, m = rawReq(t, h, "PATCH", "/v1/budget-lines/"+line, `{"amount_minor":null}`)
		if code != 422 || !strings.Contains(string(must(json.Marshal(m["invalid_params"]))), "amount_minor") {
			t.Fatalf("PATCH amount_minor null: %d %v", code, m)
		}
		code, m = rawReq(t, h, "POST", "/v1/budget-lines", `{"institution_id":"`+insID+`","fiscal_year":2026,"code":"99.1","name":"x","amount_minor":null}`)
		if code != 422 {
			t.Fatalf("POST amount_minor null: %d %v", code, m)
		}
		after := map[string]any{}
		if _, err := h.Admin.Do(context.Background(), "GET", "/v1/budget-lines/"+line, nil, &after); err != nil || after["amount_minor"] != before["amount_minor"] {
			t.Fatalf("the line changed: %v → %v (%v)", before["amount_minor"], after["amount_minor"], err)
		}
	})
}

// TestSmallOracles: unclean paths are 404 problem+json (not a redirect
// with an HTML body), malformed cursors 400, oversized headers 431
// problem+json.
func TestSmallOracles(t *testing.T) {
	t.Parallel()
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		for _, p := range []string{"/v1/projects/../../x", "/v1/projects/./x", "//v1/projects", "/v1/projects/%2e%2e/%2e%2e/x", "/v1/../openapi.json"} {
			conn, err := net.Dial("tcp", strings.TrimPrefix(h.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nAccept: text/html\r\nConnection: close\r\n\r\n", p, servertest.AdminToken)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			conn.Close()
			if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" || resp.Header.Get("Location") != "" {
				t.Errorf("GET %s: %d %s %s", p, resp.StatusCode, resp.Header.Get("Content-Type"), b)
			}
		}
		garbage := base64.RawURLEncoding.EncodeToString([]byte("after:\x00\xff' OR 1=1"))
		for _, path := range []string{"/v1/projects", "/v1/workloads", "/v1/tokens", "/v1/users", "/v1/apps", "/v1/alerts", "/v1/grants", "/v1/audit", "/v1/sites"} {
			for _, c := range []string{"!!!", garbage, base64.RawURLEncoding.EncodeToString([]byte("before:x"))} {
				if code, m := rawReq(t, h, "GET", path+"?cursor="+c, ""); code != 400 {
					t.Errorf("GET %s?cursor=%s: %d %v", path, c, code, m)
				}
			}
		}
		code, m := rawReq(t, h, "GET", "/v1/version", "", "X-Padding", strings.Repeat("a", 100<<10))
		if code != http.StatusRequestHeaderFieldsTooLarge || !strings.HasSuffix(fmt.Sprint(m["type"]), "/header-too-large") {
			t.Errorf("oversized header: %d %v", code, m)
		}
		if code, _ := rawReq(t, h, "GET", "/v1/version", "", "X-Padding", strings.Repeat("a", 8<<10)); code != 200 {
			t.Errorf("an 8 KiB header: %d", code)
		}
	})
}

// TestForeignBudgetLine: a project naming another institution's budget
// line gets the answer an unknown line gets.
func TestForeignBudgetLine(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	insID, _, _, _, otherLine := demoIDs(t, h)
	answer := func(line string) string {
		code, m := rawReq(t, h, "POST", "/v1/projects", `{"name":"portal","institution_id":"`+insID+`","budget_line_id":"`+line+`"}`)
		delete(m, "request_id")
		return strings.ReplaceAll(fmt.Sprint(code, m), line, "<id>")
	}
	foreign, unknown := answer(otherLine), answer("bl_00000000000000000000000000")
	if foreign != unknown || !strings.Contains(unknown, "422") {
		t.Fatalf("another institution's line: %s\nan unknown line: %s", foreign, unknown)
	}
}

// TestIdempotencyScopedToSessions: two people signed in to the console
// sending the same Idempotency-Key get each their own workload: a key is
// scoped to the principal, not shared by every cookie session.
func TestIdempotencyScopedToSessions(t *testing.T) {
	t.Parallel()
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		ctx := context.Background()
		insID, _, project, _, _ := demoIDs(t, h)
		offering := h.FirstID(t, "/v1/offerings?name="+servertest.DemoOffering)
		type session struct{ cookie, csrf string }
		signIn := func(email string) session {
			var u map[string]any
			if _, err := h.Admin.Do(ctx, "POST", "/v1/users", map[string]any{"email": email, "name": email, "password": "correct horse battery"}, &u); err != nil {
				t.Fatal(err)
			}
			if _, err := h.Admin.Do(ctx, "POST", "/v1/role-bindings", map[string]any{"user_id": u["id"], "role": "developer", "scope_kind": "institution", "scope_id": insID}, nil); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(map[string]any{"email": email, "password": "correct horse battery"})
			resp, err := http.Post(h.URL+"/v1/auth/login", "application/json", bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&out)
			for _, c := range resp.Cookies() {
				if c.Name == api.SessionCookie {
					return session{cookie: c.Name + "=" + c.Value, csrf: fmt.Sprint(out["csrf_token"])}
				}
			}
			t.Fatalf("no session for %s: %d %v", email, resp.StatusCode, out)
			return session{}
		}
		body := `{"project_id":"` + project + `","offering_id":"` + offering + `","replicas":1,"classification":"confidential",` +
			`"residency":{"countries":["BR"]},"sovereignty":{"mode":"national"}}`
		create := func(s session) (int, string) {
			req, _ := http.NewRequest("POST", h.URL+"/v1/workloads", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Cookie", s.cookie)
			req.Header.Set(api.CSRFHeader, s.csrf)
			req.Header.Set("Idempotency-Key", "same-key-1")
			resp, w := servertest.Send(t, req)
			return resp.StatusCode, fmt.Sprint(w["id"])
		}
		ana, bruno := signIn("ana@saude.gov.br"), signIn("bruno@saude.gov.br")
		c1, w1 := create(ana)
		c2, w2 := create(bruno)
		c3, w3 := create(ana)
		if c1 != 201 || c2 != 201 || w1 == w2 {
			t.Fatalf("two people, one key: %d %s and %d %s; want two new workloads", c1, w1, c2, w2)
		}
		if c3 != 200 || w3 != w1 {
			t.Fatalf("the same person retrying: %d %s, want 200 %s", c3, w3, w1)
		}
	})
}
