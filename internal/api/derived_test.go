package api_test

import (
	"testing"
	"time"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// newEnvOn is newEnv over a given store (SQLite or PostgreSQL).
func newEnvOn(t *testing.T, st *store.Store) *env {
	t.Helper()
	return newEnvLimits(t, st, api.Limits{})
}

// TestDerivedCredentialsExpireWithTheGrant (fake clock): every credential
// a vendor derives from a grant — deploy tokens, a token made by such a
// token, a console session — stops at the grant's expiry, not a year
// later.
func TestDerivedCredentialsExpireWithTheGrant(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnvOn(t, st)
		vendor := e.user("dev@vendor.example")
		exp := e.clock.Now().Add(time.Hour)
		e.must(201, "POST", "/v1/grants", e.admin, map[string]any{"project_id": e.proj[0], "user_id": vendor, "role": "developer", "expires_at": exp})
		tok := e.login("dev@vendor.example")
		d := e.must(201, "POST", "/v1/tokens", tok, map[string]any{"name": "ci", "kind": "deploy", "scope_kind": "project", "scope_id": e.proj[0]})
		deploy := d["token"].(string)
		child := e.must(201, "POST", "/v1/tokens", deploy, map[string]any{"name": "ci-child", "kind": "deploy", "scope_kind": "project", "scope_id": e.proj[0],
			"expires_at": e.clock.Now().Add(200 * 24 * time.Hour)})["token"].(string)
		for _, x := range []map[string]any{d} {
			if got, _ := time.Parse(time.RFC3339Nano, x["expires_at"].(string)); !got.Equal(exp) {
				t.Fatalf("deploy token expires %v, want the grant's %v", got, exp)
			}
		}
		resp, m := e.do("POST", "/v1/auth/login", "", map[string]any{"email": "dev@vendor.example", "password": "correct horse battery"})
		if resp.StatusCode != 200 {
			t.Fatalf("login: %d %v", resp.StatusCode, m)
		}
		var ck string
		for _, c := range resp.Cookies() {
			if c.Name == api.SessionCookie {
				ck = api.SessionCookie + "=" + c.Value
			}
		}
		for _, tk := range []string{deploy, child, tok} {
			e.must(200, "GET", "/v1/projects/"+e.proj[0], tk, nil)
		}
		e.must(200, "GET", "/v1/projects/"+e.proj[0], "", nil, "Cookie", ck)

		e.clock.Advance(time.Hour - time.Microsecond)
		e.must(200, "GET", "/v1/projects/"+e.proj[0], child, nil)
		e.clock.Advance(time.Microsecond)
		// The derived tokens expire with the grant; the person's own
		// token and session stay valid but hold nothing there.
		e.must(401, "GET", "/v1/projects/"+e.proj[0], deploy, nil)
		e.must(401, "GET", "/v1/projects/"+e.proj[0], child, nil)
		e.must(404, "GET", "/v1/projects/"+e.proj[0], tok, nil)
		e.must(404, "GET", "/v1/projects/"+e.proj[0], "", nil, "Cookie", ck)
	})
}

// TestTokenListAndRevocationByInstitution: an institution admin lists and
// revokes every token acting in its institution, whoever made it, and
// nothing of another institution.
func TestTokenListAndRevocationByInstitution(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnvOn(t, st)
		adminA := e.user("admin@a.example")
		e.must(201, "POST", "/v1/role-bindings", e.admin, map[string]any{"user_id": adminA, "role": "institution-admin", "scope_kind": "institution", "scope_id": e.instID[0]})
		admin := e.login("admin@a.example")
		mk := func(prj string) map[string]any {
			return e.must(201, "POST", "/v1/tokens", e.admin, map[string]any{"name": "ci", "kind": "deploy", "scope_kind": "project", "scope_id": prj})
		}
		inA, inB := mk(e.proj[0]), mk(e.proj[1])
		svcA := e.must(201, "POST", "/v1/tokens", e.admin, map[string]any{"name": "ops", "kind": "service", "role": "viewer", "scope_kind": "institution", "scope_id": e.instID[0]})
		got := map[string]bool{}
		for _, it := range e.must(200, "GET", "/v1/tokens", admin, nil)["items"].([]any) {
			got[it.(map[string]any)["id"].(string)] = true
		}
		if !got[inA["id"].(string)] || !got[svcA["id"].(string)] || got[inB["id"].(string)] {
			t.Fatalf("institution admin sees %v; want A's deploy and service tokens, not B's", got)
		}
		e.must(404, "DELETE", "/v1/tokens/"+inB["id"].(string), admin, nil)
		e.must(204, "DELETE", "/v1/tokens/"+inA["id"].(string), admin, nil)
		e.must(401, "GET", "/v1/projects/"+e.proj[0], inA["token"].(string), nil)
		e.must(200, "GET", "/v1/projects/"+e.proj[1], inB["token"].(string), nil)
	})
}
