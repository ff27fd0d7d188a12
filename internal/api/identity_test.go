package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

type env struct {
	t      *testing.T
	st     *store.Store
	url    string
	clock  *opstest.Clock // moved by hand: no sleeps
	admin  string
	proj   [2]string // own, other institution's
	instID [2]string
}

func newEnv(t *testing.T, limits api.Limits) *env {
	t.Helper()
	return newEnvLimits(t, storetest.SQLite(t), limits)
}

// newEnvLimits serves the API over st with the given limits, a fake clock,
// an admin token and two institutions, each with a budget line and a
// project.
func newEnvLimits(t *testing.T, st *store.Store, limits api.Limits) *env {
	t.Helper()
	ctx := context.Background()
	c := opstest.NewClockAt(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	a := api.New(api.Options{Store: st, Now: c.Now, Limits: limits})
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	e := &env{t: t, st: st, url: srv.URL, clock: c}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		secret, _, err := auth.BootstrapToken(ctx, tx, "admin", "")
		if err != nil {
			return err
		}
		e.admin = secret
		for i, name := range []string{"Ministerio A", "Ministerio B"} {
			ins := model.Institution{Name: name, Country: "CL", Currency: "CLP"}
			if err := tx.Institutions().Create(ctx, &ins, "ins"); err != nil {
				return err
			}
			bl := model.BudgetLine{InstitutionID: ins.ID, FiscalYear: 2026, Code: "21-04", Name: "nube", Currency: "CLP", AmountMinor: 1_000_000}
			if err := tx.BudgetLines().Create(ctx, &bl, "bl"); err != nil {
				return err
			}
			p := model.Project{InstitutionID: ins.ID, BudgetLineID: bl.ID, Name: "portal"}
			if err := tx.Projects().Create(ctx, &p, "prj"); err != nil {
				return err
			}
			e.proj[i], e.instID[i] = p.ID, ins.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// do sends a request; hdr are name/value pairs; a "Cookie" pair sets cookies.
func (e *env) do(method, path, token string, body any, hdr ...string) (*http.Response, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, e.url+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept-Language", "en")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	return servertest.Send(e.t, req)
}

func (e *env) must(code int, method, path, token string, body any, hdr ...string) map[string]any {
	e.t.Helper()
	resp, m := e.do(method, path, token, body, hdr...)
	if resp.StatusCode != code {
		e.t.Fatalf("%s %s: status %d, want %d: %v", method, path, resp.StatusCode, code, m)
	}
	return m
}

func (e *env) user(email string) string {
	e.t.Helper()
	m := e.must(201, "POST", "/v1/users", e.admin, map[string]any{"email": email, "name": email, "password": "correct horse battery"})
	return m["id"].(string)
}

func (e *env) login(email string) string {
	e.t.Helper()
	m := e.must(200, "POST", "/v1/auth/login", "", map[string]any{"email": email, "password": "correct horse battery", "issue_token": true})
	return m["token"].(string)
}

// TestGrantExpiryAndRevocation: a vendor acts only in its granted project,
// and expiry or revocation ends access on its very next request.
func TestGrantExpiryAndRevocation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, api.Limits{})
	vendor := e.user("dev@vendor.example")
	exp := e.clock.Now().Add(time.Hour)
	g := e.must(201, "POST", "/v1/grants", e.admin, map[string]any{"project_id": e.proj[0], "user_id": vendor, "role": "developer",
		"expires_at": exp, "reason": "portal rollout"})
	tok := e.login("dev@vendor.example")
	e.must(200, "GET", "/v1/projects/"+e.proj[0], tok, nil)
	e.must(404, "GET", "/v1/projects/"+e.proj[1], tok, nil)
	e.must(403, "PATCH", "/v1/projects/"+e.proj[0], tok, map[string]any{"name": "x"}) // developer: read only on projects
	if m := e.must(200, "GET", "/v1/projects", tok, nil); len(m["items"].([]any)) != 1 {
		t.Fatalf("vendor sees %v", m["items"])
	}
	me := e.must(200, "GET", "/v1/auth/me", tok, nil)
	if bs := me["bindings"].([]any); len(bs) != 1 || bs[0].(map[string]any)["via"] != "grant:"+g["id"].(string) {
		t.Fatalf("vendor bindings: %v", me)
	}

	// Expiry: one microsecond before, still in; at expiry, out.
	e.clock.Advance(time.Hour - time.Microsecond)
	e.must(200, "GET", "/v1/projects/"+e.proj[0], tok, nil)
	e.clock.Advance(time.Microsecond)
	e.must(404, "GET", "/v1/projects/"+e.proj[0], tok, nil)
	if m := e.must(200, "GET", "/v1/grants?active=true", e.admin, nil); len(m["items"].([]any)) != 0 {
		t.Fatalf("expired grant still active: %v", m)
	}

	// Revocation.
	g2 := e.must(201, "POST", "/v1/grants", e.admin, map[string]any{"project_id": e.proj[0], "user_id": vendor, "role": "viewer",
		"expires_at": e.clock.Now().Add(24 * time.Hour)})
	e.must(200, "GET", "/v1/projects/"+e.proj[0], tok, nil)
	e.must(204, "DELETE", "/v1/grants/"+g2["id"].(string), e.admin, nil)
	e.must(404, "GET", "/v1/projects/"+e.proj[0], tok, nil)

	// Source-address allowlist: the test client is 127.0.0.1.
	e.must(201, "POST", "/v1/grants", e.admin, map[string]any{"project_id": e.proj[0], "user_id": vendor, "role": "viewer",
		"expires_at": e.clock.Now().Add(24 * time.Hour), "source_cidrs": []string{"10.0.0.0/8"}})
	e.must(404, "GET", "/v1/projects/"+e.proj[0], tok, nil)
	e.must(201, "POST", "/v1/grants", e.admin, map[string]any{"project_id": e.proj[0], "user_id": vendor, "role": "viewer",
		"expires_at": e.clock.Now().Add(24 * time.Hour), "source_cidrs": []string{"127.0.0.1"}})
	e.must(200, "GET", "/v1/projects/"+e.proj[0], tok, nil)

	// Mandatory expiry, at most a year, vendor roles only.
	for _, bad := range []map[string]any{
		{"project_id": e.proj[0], "user_id": vendor, "role": "developer"},
		{"project_id": e.proj[0], "user_id": vendor, "role": "developer", "expires_at": e.clock.Now().Add(400 * 24 * time.Hour)},
		{"project_id": e.proj[0], "user_id": vendor, "role": "institution-admin", "expires_at": e.clock.Now().Add(time.Hour)},
		{"project_id": e.proj[0], "user_id": vendor, "role": "developer", "expires_at": e.clock.Now().Add(time.Hour), "source_cidrs": []string{"nope"}},
	} {
		e.must(422, "POST", "/v1/grants", e.admin, bad)
	}

	// The change feed and ActiveGrants that provider drivers read.
	if m := e.must(200, "GET", "/v1/grant-changes?after=0", e.admin, nil); m != nil {
		t.Fatalf("the feed is a JSON array, got %v", m)
	}
	feed, err := auth.New(e.st, auth.Options{Now: e.clock.Now}).GrantChanges(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{}
	for _, c := range feed {
		kinds = append(kinds, string(c.Kind))
	}
	if strings.Join(kinds, ",") != "created,created,revoked,created,created" {
		t.Fatalf("grant feed: %v", kinds)
	}
	svc := auth.New(e.st, auth.Options{Now: e.clock.Now})
	if n, err := svc.NoteExpiredGrants(context.Background()); err != nil || n != 1 {
		t.Fatalf("noting expiries: %d %v", n, err)
	}
	active, err := svc.ActiveGrants(context.Background(), e.proj[0])
	if err != nil || len(active) != 2 {
		t.Fatalf("active grants: %v %v", active, err)
	}
	// Each grant's changes follow the grant transition table, and the
	// last one is the state the grant is in now.
	feed, err = svc.GrantChanges(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]model.GrantState{}
	for _, c := range feed {
		from, seen := states[c.GrantID]
		if seen != (c.Kind != model.GrantChangeCreated) || seen && !model.LifetimeTransitions.Allows(from, c.Kind.State()) {
			t.Fatalf("grant %s: change %s after %q breaks the transition table", c.GrantID, c.Kind, from)
		}
		states[c.GrantID] = c.Kind.State()
	}
	for id, st := range states {
		g, err := e.st.Read().GrantByID(context.Background(), id)
		if err != nil || g.StateAt(e.clock.Now()) != st {
			t.Fatalf("grant %s: the feed says %s, the grant is %s (%v)", id, st, g.StateAt(e.clock.Now()), err)
		}
	}

	// Every change above is in the audit chain, which holds.
	r, err := audit.CheckChain(context.Background(), e.st)
	if err != nil || r.Break != nil {
		t.Fatalf("audit chain: %+v %v", r, err)
	}
	evs, _ := e.st.Read().AuditEvents(context.Background(), store.AuditFilter{Limit: 1000, Action: "DELETE /v1/grants/{id}"})
	if len(evs) != 1 || evs[0].TargetID != g2["id"] || evs[0].InstitutionID != e.instID[0] || evs[0].Outcome != "success" {
		t.Fatalf("revocation audit: %+v", evs)
	}
}

// TestInstitutionAdminGrants: an institution admin grants in its own
// projects only, and reads only its institution's audit events.
func TestInstitutionAdminGrants(t *testing.T) {
	t.Parallel()
	e := newEnv(t, api.Limits{})
	adminA := e.user("admin@a.example")
	e.must(201, "POST", "/v1/role-bindings", e.admin, map[string]any{"user_id": adminA, "role": "institution-admin",
		"scope_kind": "institution", "scope_id": e.instID[0]})
	vendor := e.user("v@vendor.example")
	tok := e.login("admin@a.example")
	e.must(201, "POST", "/v1/grants", tok, map[string]any{"project_id": e.proj[0], "user_id": vendor, "role": "developer", "expires_at": e.clock.Now().Add(time.Hour)})
	e.must(403, "POST", "/v1/grants", tok, map[string]any{"project_id": e.proj[1], "user_id": vendor, "role": "developer", "expires_at": e.clock.Now().Add(time.Hour)})
	e.must(403, "POST", "/v1/role-bindings", tok, map[string]any{"user_id": vendor, "role": "platform-admin", "scope_kind": "platform"})
	m := e.must(200, "GET", "/v1/audit", tok, nil)
	items := m["items"].([]any)
	if len(items) == 0 {
		t.Fatal("institution admin sees no audit events")
	}
	for _, it := range items {
		if ins := it.(map[string]any)["institution_id"]; ins != e.instID[0] {
			t.Fatalf("institution admin sees another institution's event: %v", it)
		}
	}
	// The refused grant was audited as denied.
	evs, _ := e.st.Read().AuditEvents(context.Background(), store.AuditFilter{Limit: 1000, Outcome: "denied"})
	if len(evs) != 2 || evs[0].ActorID != adminA {
		t.Fatalf("denied events: %+v", evs)
	}
	if all := e.must(200, "GET", "/v1/audit?limit=2", e.admin, nil); all["next_cursor"] == nil {
		t.Fatalf("audit paging: %v", all)
	}
}

// TestLoginLockout: repeated failures lock the account for a while, even
// with the right password; sign-ins are audited, success and failure.
func TestLoginLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, api.Limits{})
	e.user("ana@gob.example")
	bad := map[string]any{"email": "ana@gob.example", "password": "wrong password!"}
	for range 4 {
		e.must(401, "POST", "/v1/auth/login", "", bad)
	}
	e.must(429, "POST", "/v1/auth/login", "", bad)
	e.must(429, "POST", "/v1/auth/login", "", map[string]any{"email": "ana@gob.example", "password": "correct horse battery"})
	e.must(401, "POST", "/v1/auth/login", "", map[string]any{"email": "nobody@gob.example", "password": "whatever it is"})
	e.clock.Advance(16 * time.Minute)
	e.login("ana@gob.example")
	evs, _ := e.st.Read().AuditEvents(context.Background(), store.AuditFilter{Limit: 1000, Action: "POST /v1/auth/login"})
	var outcomes []string
	for _, ev := range evs {
		outcomes = append(outcomes, ev.Outcome)
	}
	want := "unauthenticated,unauthenticated,unauthenticated,unauthenticated,refused,refused,unauthenticated,success"
	if strings.Join(outcomes, ",") != want {
		t.Fatalf("sign-in audit: %v", outcomes)
	}
	if evs[len(evs)-1].ActorName != "ana@gob.example" || evs[0].SourceIP != "127.0.0.1" {
		t.Fatalf("sign-in event: %+v", evs[len(evs)-1])
	}
}

// TestSessionCookieAndCSRF: the console session is an HttpOnly,
// SameSite=Strict cookie; changes need the CSRF token; logout ends it.
func TestSessionCookieAndCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t, api.Limits{})
	e.user("ana@gob.example")
	resp, m := e.do("POST", "/v1/auth/login", "", map[string]any{"email": "ana@gob.example", "password": "correct horse battery"})
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d %v", resp.StatusCode, m)
	}
	var ses *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == api.SessionCookie {
			ses = c
		}
	}
	if ses == nil || !ses.HttpOnly || ses.SameSite != http.SameSiteStrictMode || ses.Path != "/" {
		t.Fatalf("session cookie: %+v", ses)
	}
	if strings.Contains(ses.Value, m["csrf_token"].(string)) {
		t.Fatal("CSRF token derivable from the cookie text")
	}
	ck := api.SessionCookie + "=" + ses.Value
	e.must(200, "GET", "/v1/auth/me", "", nil, "Cookie", ck)
	body := map[string]any{"name": "laptop", "kind": "personal"}
	e.must(403, "POST", "/v1/tokens", "", body, "Cookie", ck)
	e.must(403, "POST", "/v1/tokens", "", body, "Cookie", ck, api.CSRFHeader, "0000")
	e.must(201, "POST", "/v1/tokens", "", body, "Cookie", ck, api.CSRFHeader, m["csrf_token"].(string))
	e.must(204, "POST", "/v1/auth/logout", "", nil, "Cookie", ck, api.CSRFHeader, m["csrf_token"].(string))
	e.must(401, "GET", "/v1/auth/me", "", nil, "Cookie", ck)
	e.must(401, "GET", "/v1/auth/me", "", nil, "Cookie", api.SessionCookie+"=garbage")
}

// TestTokens: personal tokens are shown once and revocable; deploy tokens
// are limited to one project; last use is recorded.
func TestTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t, api.Limits{})
	dev := e.user("dev@gob.example")
	e.must(201, "POST", "/v1/role-bindings", e.admin, map[string]any{"user_id": dev, "role": "developer", "scope_kind": "project", "scope_id": e.proj[0]})
	tok := e.login("dev@gob.example")
	d := e.must(201, "POST", "/v1/tokens", tok, map[string]any{"name": "ci", "kind": "deploy", "scope_kind": "project", "scope_id": e.proj[0]})
	deploy := d["token"].(string)
	if !strings.HasPrefix(deploy, auth.TokenPrefix) || d["role"] != "developer" {
		t.Fatalf("deploy token: %v", d)
	}
	e.must(403, "POST", "/v1/tokens", tok, map[string]any{"name": "ci", "kind": "deploy", "scope_kind": "project", "scope_id": e.proj[1]})
	e.must(200, "GET", "/v1/projects/"+e.proj[0], deploy, nil)
	e.must(404, "GET", "/v1/projects/"+e.proj[1], deploy, nil)
	list := e.must(200, "GET", "/v1/tokens", tok, nil)
	for _, it := range list["items"].([]any) {
		if _, leaked := it.(map[string]any)["token"]; leaked {
			t.Fatal("a listed token shows its secret")
		}
	}
	e.must(204, "DELETE", "/v1/tokens/"+d["id"].(string), tok, nil)
	e.must(401, "GET", "/v1/projects/"+e.proj[0], deploy, nil)
	// Someone else's token looks missing.
	other := e.must(201, "POST", "/v1/tokens", e.admin, map[string]any{"name": "svc", "kind": "service", "role": "viewer", "scope_kind": "platform"})
	e.must(404, "DELETE", "/v1/tokens/"+other["id"].(string), tok, nil)
	got, err := e.st.Read().APITokenByID(context.Background(), other["id"].(string))
	if err != nil || got.Revoked {
		t.Fatalf("other token: %+v %v", got, err)
	}
	self, _ := e.st.Read().ListAPITokens(context.Background(), dev)
	if len(self) == 0 || self[0].LastUsed == nil || self[0].LastUsedIP != "127.0.0.1" {
		t.Fatalf("last use not recorded: %+v", self)
	}
}

// TestRateLimit: past the per-address budget the API answers 429
// problem+json with Retry-After.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, api.Limits{PerIP: 1, PerIPBurst: 3})
	for range 3 {
		e.must(200, "GET", "/v1/version", e.admin, nil)
	}
	resp, m := e.do("GET", "/v1/version", e.admin, nil)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("rate limit: %d %v %v", resp.StatusCode, resp.Header, m)
	}
	e.clock.Advance(time.Second)
	e.must(200, "GET", "/v1/version", e.admin, nil)

	e2 := newEnv(t, api.Limits{PerIP: -1, PerCaller: 1, PerCallerBurst: 1})
	e2.must(200, "GET", "/v1/version", e2.admin, nil)
	e2.must(429, "GET", "/v1/version", e2.admin, nil)
}
