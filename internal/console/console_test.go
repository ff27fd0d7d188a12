package console_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/server/servertest"
)

// browser is an HTTP client with cookies, like a person's browser.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	lang string
}

func newBrowser(t *testing.T, h *servertest.Harness) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: h.URL, c: &http.Client{Jar: jar}, lang: "es"}
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.base+path, nil)
	req.Header.Set("Accept", "text/html")
	return b.send(req)
}

// send sends req in the browser's language and returns the status and body.
func (b *browser) send(req *http.Request) (int, string) {
	b.t.Helper()
	req.Header.Set("Accept-Language", b.lang)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// post submits a form the way the page does, with the page's CSRF token.
func (b *browser) post(fromPage, action string, form url.Values) (int, string) {
	b.t.Helper()
	_, page := b.get(fromPage)
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no csrf field on %s", fromPage)
	}
	form.Set("csrf", m[1])
	req, _ := http.NewRequest("POST", b.base+action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

func (b *browser) signIn(token string) {
	b.t.Helper()
	code, body := b.post("/sign-in", "/sign-in", url.Values{"token": {token}, "next": {"/"}})
	if code != 200 || !strings.Contains(body, `aria-current="page"`) {
		b.t.Fatalf("sign-in: %d\n%s", code, body)
	}
}

// requestFormSetup starts a server with an administrator signed in on a
// browser, for the request form's tests: the seeded project they request
// for and the id of the offering they ask for.
func requestFormSetup(t *testing.T) (*servertest.Harness, *browser, map[string]any, string) {
	t.Helper()
	h := servertest.Start(t, servertest.Options{})
	prj := h.OnlyItem(t, "/v1/projects?name=prontuario-eletronico")
	offering := h.OnlyItem(t, "/v1/offerings?name=SCS-1V-2-20s")["id"].(string)
	b := newBrowser(t, h)
	b.signIn(servertest.AdminToken)
	return h, b, prj, offering
}

// switchLang chooses lang on the language form, as a person does.
func (b *browser) switchLang(lang string) {
	b.t.Helper()
	if code, _ := b.post("/", "/lang", url.Values{"lang": {lang}, "next": {"/"}}); code != 200 {
		b.t.Fatalf("switching to %s: %d", lang, code)
	}
}

// rawKey finds a message key rendered as itself: a missing translation.
var rawKey = regexp.MustCompile(`console\.[a-z0-9-]+\.[a-zA-Z0-9.-]+`)

var mainPages = []string{"/", "/providers", "/sites", "/prices", "/fx-rates", "/institutions", "/budget-lines", "/projects",
	"/request", "/workloads", "/approvals", "/statements", "/grants", "/audit"}

func TestPagesRenderInEveryLanguage(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	b := newBrowser(t, h)
	if code, _ := b.get("/providers"); code != 200 {
		t.Fatalf("signed-out page: %d", code)
	}
	if _, body := b.get("/providers"); !strings.Contains(body, `action="/sign-in"`) {
		t.Fatal("signed-out page did not lead to the sign-in form")
	}
	b.signIn(servertest.AdminToken)
	for _, lang := range []string{"es", "pt-BR", "en"} {
		b.switchLang(lang)
		for _, p := range mainPages {
			code, body := b.get(p)
			if code != 200 {
				t.Fatalf("%s %s: %d\n%s", lang, p, code, body)
			}
			if !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("%s %s: page is not in %s", lang, p, lang)
			}
			if k := rawKey.FindString(body); k != "" {
				t.Errorf("%s %s: message key shown untranslated: %s", lang, p, k)
			}
		}
	}
	// Simulated providers are marked.
	_, body := b.get("/providers")
	if !strings.Contains(body, `class="badge sim"`) {
		t.Error("simulated providers are not marked")
	}
}

func TestMoneyPerLocale(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	b := newBrowser(t, h)
	b.signIn(servertest.AdminToken)
	b.switchLang("pt-BR")
	_, body := b.get("/budget-lines")
	if !strings.Contains(body, "R$ ") {
		t.Errorf("pt-BR budget lines lack R$ amounts:\n%s", body)
	}
}

func TestAPIStillServedBehindConsole(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	resp, err := http.Get(h.URL + "/v1/providers")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("GET /v1/providers without a token: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, err = http.Get(h.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
}

func TestSecurityHeadersAndCSRF(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	b := newBrowser(t, h)
	req, _ := http.NewRequest("GET", h.URL+"/sign-in", nil)
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP: %q", csp)
	}
	// A form post without the CSRF token is refused.
	req, _ = http.NewRequest("POST", h.URL+"/sign-in", strings.NewReader("token="+servertest.AdminToken))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-in without CSRF: %d", resp.StatusCode)
	}
	// A bad token is refused with a message and no session.
	code, body := b.post("/sign-in", "/sign-in", url.Values{"token": {"sbr_not_a_real_token_at_all_0000"}})
	if code != http.StatusUnauthorized || !strings.Contains(body, `role="alert"`) {
		t.Fatalf("bad token: %d", code)
	}
}

// TestTemplateKeysExist fails when a template or the Go code uses a
// message key that is not in the catalog (it would render as the key).
func TestTemplateKeysExist(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, k := range i18n.Keys() {
		known[k] = true
	}
	keyRE := regexp.MustCompile(`"(console\.[a-zA-Z0-9_.-]*[a-zA-Z0-9_-])"`)
	files, _ := filepath.Glob("templates/*.html")
	gofiles, _ := filepath.Glob("*.go")
	for _, f := range append(files, gofiles...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			if !known[m[1]] && !strings.HasSuffix(m[1], ".css") && !strings.HasSuffix(m[1], ".js") {
				t.Errorf("%s uses %s, which is not in the catalog", f, m[1])
			}
		}
	}
}

// TestCatalog fails when any message lacks a translation in es, pt-BR or
// en (the console's messages and every other package's it imports).
func TestCatalog(t *testing.T) {
	t.Parallel()
	if m := i18n.Missing(); len(m) > 0 {
		t.Fatalf("messages lacking a translation: %v", m)
	}
}

// TestAdoptAPISession: the end of single sign-on. The identity API left
// its session cookies on the browser; /sign-in/oidc takes the session over
// and clears them.
func TestAdoptAPISession(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := t.Context()
	var u struct {
		ID string `json:"id"`
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/users", map[string]any{"email": "ana@example.org", "name": "Ana", "password": "a long enough password"}, &u); err != nil {
		t.Skipf("identity API not served here: %v", err)
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/role-bindings", map[string]any{"user_id": u.ID, "role": "auditor", "scope_kind": "platform"}, nil); err != nil {
		t.Fatal(err)
	}
	// Sign in at the API as the OpenID callback would, keeping its cookies.
	resp, err := http.Post(h.URL+"/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"ana@example.org","password":"a long enough password"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	b := newBrowser(t, h)
	base, _ := url.Parse(h.URL)
	b.c.Jar.SetCookies(base, resp.Cookies())
	code, body := b.post("/sign-in/oidc?next=/audit", "/sign-in/oidc", url.Values{"next": {"/audit"}})
	if code != 200 || !strings.Contains(body, `id="chain-status"`) {
		t.Fatalf("adopting the API session: %d\n%s", code, body)
	}
	for _, ck := range b.c.Jar.Cookies(base) {
		if ck.Name == "soberana_session" {
			t.Error("the API session cookie was left in the browser")
		}
	}
	if !strings.Contains(body, "Ana") && !strings.Contains(body, "ana@example.org") {
		t.Error("the page does not name the person who signed in")
	}
}
