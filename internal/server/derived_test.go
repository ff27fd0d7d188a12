package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/deploy"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// The attacks of issue #16 items 1 and 2, end to end through the whole
// server, on SQLite and (when SOBERANA_TEST_POSTGRES_URL is set)
// PostgreSQL. docs/security.md, "Derived credentials and escalation".

// eachBackend starts a server per store (PostgreSQL skips when absent).
func eachBackend(t *testing.T, fn func(t *testing.T, h *servertest.Harness)) {
	servertest.Each(t, servertest.Options{Configure: func(c *config.Config) {
		c.RateLimit = config.RateLimit{PerIP: -1, PerCaller: -1} // the enumeration sends thousands
	}}, fn)
}

// tb is a test's view of the server: status-code level calls.
type tb struct {
	t *testing.T
	h *servertest.Harness
}

// send sends req and returns the status and the decoded JSON body.
func (b tb) send(req *http.Request) (int, map[string]any) {
	b.t.Helper()
	resp, out := servertest.Send(b.t, req)
	return resp.StatusCode, out
}

// call sends a request with token (language en unless given) and returns
// the status and the decoded JSON body (the problem on failure).
func (b tb) call(token, method, path string, body any, lang ...string) (int, map[string]any) {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, b.h.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept-Language", "en")
	if len(lang) > 0 {
		req.Header.Set("Accept-Language", lang[0])
	}
	return b.send(req)
}

func (b tb) must(code int, token, method, path string, body any) map[string]any {
	b.t.Helper()
	got, out := b.call(token, method, path, body)
	if got != code {
		b.t.Fatalf("%s %s: status %d, want %d: %v", method, path, got, code, out)
	}
	return out
}

// user creates a person with a password, binds roles to it ("role@kind:id"
// pairs) and signs it in: its id and personal token.
func (b tb) user(email string, bindings ...[3]string) (string, string) {
	b.t.Helper()
	u := b.must(201, servertest.AdminToken, "POST", "/v1/users", map[string]any{"email": email, "name": email, "password": "correct horse battery"})
	for _, bd := range bindings {
		b.must(201, servertest.AdminToken, "POST", "/v1/role-bindings", map[string]any{"user_id": u["id"], "role": bd[0], "scope_kind": bd[1], "scope_id": bd[2]})
	}
	login := b.must(200, "", "POST", "/v1/auth/login", map[string]any{"email": email, "password": "correct horse battery", "issue_token": true})
	return u["id"].(string), login["token"].(string)
}

// demoProject is the demo's own project (see demo), with its id and its
// institution's.
func (b tb) demoProject() (mine map[string]any, prj, ins string) {
	b.t.Helper()
	mine, _ = b.demo()
	return mine, mine["id"].(string), mine["institution_id"].(string)
}

// demo returns two projects of different institutions.
func (b tb) demo() (mine, other map[string]any) {
	b.t.Helper()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := b.h.Admin.Do(context.Background(), "GET", "/v1/projects", nil, &page); err != nil || len(page.Items) < 2 {
		b.t.Fatalf("projects: %v", err)
	}
	for _, p := range page.Items {
		if mine == nil {
			mine = p
		} else if p["institution_id"] != mine["institution_id"] {
			return mine, p
		}
	}
	b.t.Fatal("the demo has one institution")
	return nil, nil
}

func (b tb) offering(name string) string {
	b.t.Helper()
	return b.h.FirstID(b.t, "/v1/offerings?name="+name)
}

func (b tb) workloadBody(prj map[string]any, offering string, replicas int) map[string]any {
	b.t.Helper()
	ins := b.must(200, servertest.AdminToken, "GET", "/v1/institutions/"+prj["institution_id"].(string), nil)
	return map[string]any{"project_id": prj["id"], "offering_id": offering, "replicas": replicas, "classification": "internal",
		"residency": map[string]any{"countries": []string{ins["country"].(string)}}, "sovereignty": map[string]any{"mode": "national"}}
}

// running waits (polling with a deadline) for a workload to run.
func (b tb) running(id string) {
	b.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		w := b.must(200, servertest.AdminToken, "GET", "/v1/workloads/"+id, nil)
		if w["state"] == "running" {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("workload %s is %v", id, w["state"])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// webhook posts a signed GitHub push for app and returns the status and
// the answer.
func (b tb) webhook(appID, secret, delivery, lang string) (int, map[string]any) {
	b.t.Helper()
	payload := []byte(fmt.Sprintf(`{"ref":"refs/tags/v%s","after":"9fceb02d0ae598e95dc970b74767f19372d61af8"}`, delivery))
	req, _ := http.NewRequest("POST", b.h.URL+"/v1/webhooks/github/"+appID, bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "push")
	req.Header.Set("X-GitHub-Delivery", "d-"+delivery)
	req.Header.Set("X-Hub-Signature-256", "sha256="+deploy.Sign(secret, payload))
	req.Header.Set("Accept-Language", lang)
	return b.send(req)
}

func ids(items any) []string {
	var out []string
	list, _ := items.([]any)
	for _, it := range list {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

// TestVendorCredentialsDieWithTheGrant: a vendor with a time-limited grant
// mints deploy tokens and creates an app; the tokens' expiry is capped at
// the grant's; the institution's admin sees and revokes them, and their
// audit events name the institution; once the grant is revoked, the
// deploy token neither reads the project, nor creates workloads, nor
// deletes the ones the vendor never made, and the app's webhook secret
// starts no release.
func TestVendorCredentialsDieWithTheGrant(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *servertest.Harness) {
		b := tb{t, h}
		mine, prj, ins := b.demoProject()
		ns := b.must(201, servertest.AdminToken, "POST", "/v1/workloads", b.workloadBody(mine, b.offering("ns-small"), 1))
		b.running(ns["id"].(string))

		vendorID, vendor := b.user("dev@vendor.example")
		_, admin := b.user("admin@inst.example", [3]string{"institution-admin", "institution", ins})
		grantExp := time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second)
		g := b.must(201, admin, "POST", "/v1/grants", map[string]any{"project_id": prj, "user_id": vendorID, "role": "developer",
			"expires_at": grantExp, "reason": "portal rollout"})

		// The vendor mints deploy tokens: valid a year by default, or
		// asked for 300 days; both are capped at the grant's expiry.
		d1 := b.must(201, vendor, "POST", "/v1/tokens", map[string]any{"name": "ci", "kind": "deploy", "scope_kind": "project", "scope_id": prj})
		d2 := b.must(201, vendor, "POST", "/v1/tokens", map[string]any{"name": "ci-2", "kind": "deploy", "scope_kind": "project", "scope_id": prj,
			"expires_at": time.Now().Add(300 * 24 * time.Hour)})
		for _, d := range []map[string]any{d1, d2} {
			exp, _ := time.Parse(time.RFC3339Nano, d["expires_at"].(string))
			if !exp.Equal(grantExp) || d["grant_id"] != g["id"] || d["institution_id"] != ins {
				t.Fatalf("deploy token %v: expires %v (grant %v), want capped at the grant and derived from it", d["id"], exp, grantExp)
			}
		}
		deployTok := d1["token"].(string)

		// With the grant in force the deploy token works, and makes an app.
		b.must(200, deployTok, "GET", "/v1/projects/"+prj, nil)
		own := b.must(201, deployTok, "POST", "/v1/workloads", b.workloadBody(mine, b.offering("SCS-1V-2-20s"), 1))
		app := b.must(201, deployTok, "POST", "/v1/apps", map[string]any{"project_id": prj, "name": "portal",
			"image": "registry.example.mx/vendor/portal:v1", "port": 8080, "replicas": 1})
		if app["grant_id"] != g["id"] {
			t.Fatalf("the app does not derive from the grant: %v", app)
		}
		if code, out := b.webhook(app["id"].(string), app["webhook_secret"].(string), "1.0.0", "en"); code != http.StatusCreated {
			t.Fatalf("webhook with the grant in force: %d %v", code, out)
		}

		// The institution's admin sees both tokens, whoever made them, and
		// their creation is in the institution's audit trail.
		list := b.must(200, admin, "GET", "/v1/tokens", nil)
		for _, d := range []map[string]any{d1, d2} {
			if !slices.Contains(ids(list["items"]), d["id"].(string)) {
				t.Fatalf("the institution admin does not see the vendor's token %v: %v", d["id"], ids(list["items"]))
			}
		}
		ev := b.must(200, admin, "GET", "/v1/audit?target_id="+url.QueryEscape(d1["id"].(string)), nil)
		evs, _ := ev["items"].([]any)
		if len(evs) != 1 || evs[0].(map[string]any)["institution_id"] != ins || evs[0].(map[string]any)["project_id"] != prj {
			t.Fatalf("the token's audit event does not name its institution and project: %v", evs)
		}
		// … and revokes one.
		b.must(204, admin, "DELETE", "/v1/tokens/"+d2["id"].(string), nil)
		b.must(401, d2["token"].(string), "GET", "/v1/projects/"+prj, nil)

		// The grant is revoked: the vendor and everything derived from it
		// stop on the next request.
		b.must(204, admin, "DELETE", "/v1/grants/"+g["id"].(string), nil)
		b.must(404, vendor, "GET", "/v1/projects/"+prj, nil)
		b.must(404, deployTok, "GET", "/v1/projects/"+prj, nil)
		b.must(404, deployTok, "GET", "/v1/workloads/"+own["id"].(string), nil)
		b.must(403, deployTok, "POST", "/v1/workloads", b.workloadBody(mine, b.offering("SCS-1V-2-20s"), 1))
		b.must(404, deployTok, "DELETE", "/v1/workloads/"+ns["id"].(string), nil)
		b.must(404, deployTok, "POST", "/v1/apps/"+app["id"].(string)+"/releases", map[string]any{"image": "v9"})
		code, out := b.webhook(app["id"].(string), app["webhook_secret"].(string), "2.0.0", "pt-BR")
		if code != http.StatusForbidden || out["title"] != "Credencial sem autoridade" {
			t.Fatalf("webhook after the revocation: %d %v", code, out)
		}
		if w := b.must(200, servertest.AdminToken, "GET", "/v1/workloads/"+ns["id"].(string), nil); w["state"] != "running" {
			t.Fatalf("the admin's workload is %v", w["state"])
		}
		// A new grant to the same vendor does not revive what the old one
		// made: those die with their grant.
		b.must(201, admin, "POST", "/v1/grants", map[string]any{"project_id": prj, "user_id": vendorID, "role": "developer",
			"expires_at": time.Now().Add(24 * time.Hour)})
		b.must(200, vendor, "GET", "/v1/projects/"+prj, nil)
		b.must(404, deployTok, "GET", "/v1/projects/"+prj, nil)
		if code, _ := b.webhook(app["id"].(string), app["webhook_secret"].(string), "3.0.0", "en"); code != http.StatusForbidden {
			t.Fatalf("webhook after a new grant: %d", code)
		}
		// The institution's admin replaces the webhook secret: the vendor's
		// stops being a secret at all, the new one acts with the admin's
		// authority.
		rot := b.must(200, admin, "POST", "/v1/apps/"+app["id"].(string)+":rotate-secret", nil)
		fresh, _ := rot["webhook_secret"].(string)
		if fresh == "" || fresh == app["webhook_secret"] || rot["grant_id"] != nil {
			t.Fatalf("rotated secret: %v", rot)
		}
		if code, _ := b.webhook(app["id"].(string), app["webhook_secret"].(string), "4.0.0", "en"); code != http.StatusUnauthorized {
			t.Fatalf("the vendor's secret after rotation: %d", code)
		}
		if code, out := b.webhook(app["id"].(string), fresh, "5.0.0", "en"); code != http.StatusCreated {
			t.Fatalf("the admin's new secret: %d %v", code, out)
		}
	})
}

// TestDerivedTokenFollowsItsMaker: a deploy token made by a developer (a
// role binding, no grant) acts with that person's live roles: removing the
// binding stops it, restoring it brings it back; a token made by that
// token dies with it.
func TestDerivedTokenFollowsItsMaker(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *servertest.Harness) {
		b := tb{t, h}
		_, prj, ins := b.demoProject()
		devID, dev := b.user("dev@inst.example", [3]string{"developer", "institution", ins})
		d := b.must(201, dev, "POST", "/v1/tokens", map[string]any{"name": "ci", "kind": "deploy", "scope_kind": "project", "scope_id": prj})
		deployTok := d["token"].(string)
		child := b.must(201, deployTok, "POST", "/v1/tokens", map[string]any{"name": "ci-child", "kind": "deploy", "scope_kind": "project", "scope_id": prj})
		b.must(200, child["token"].(string), "GET", "/v1/projects/"+prj, nil)

		var rb string
		for _, it := range b.must(200, servertest.AdminToken, "GET", "/v1/role-bindings", nil)["items"].([]any) {
			if m := it.(map[string]any); m["user_id"] == devID {
				rb = m["id"].(string)
			}
		}
		b.must(204, servertest.AdminToken, "DELETE", "/v1/role-bindings/"+rb, nil)
		b.must(404, deployTok, "GET", "/v1/projects/"+prj, nil)
		b.must(404, child["token"].(string), "GET", "/v1/projects/"+prj, nil)
		b.must(201, servertest.AdminToken, "POST", "/v1/role-bindings", map[string]any{"user_id": devID, "role": "developer", "scope_kind": "project", "scope_id": prj})
		b.must(200, deployTok, "GET", "/v1/projects/"+prj, nil)
		// The child dies with its parent token.
		b.must(204, dev, "DELETE", "/v1/tokens/"+d["id"].(string), nil)
		b.must(404, child["token"].(string), "GET", "/v1/projects/"+prj, nil)
	})
}

// TestInstitutionAdminCannotBecomeFinanceOfficer: an institution admin can
// neither mint a finance-officer service token nor bind that role to
// itself (403 escalation, in the caller's language), and a token such an
// admin minted before the fix acts only within the admin's own role.
func TestInstitutionAdminCannotBecomeFinanceOfficer(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *servertest.Harness) {
		b := tb{t, h}
		_, _, ins := b.demoProject()
		adminID, admin := b.user("admin@inst.example", [3]string{"institution-admin", "institution", ins})

		code, out := b.call(admin, "POST", "/v1/tokens", map[string]any{"name": "money", "kind": "service", "role": "finance-officer",
			"scope_kind": "institution", "scope_id": ins}, "es")
		if code != http.StatusForbidden || out["title"] != "No puede otorgar lo que no tiene" {
			t.Fatalf("finance-officer token: %d %v", code, out)
		}
		b.must(403, admin, "POST", "/v1/role-bindings", map[string]any{"user_id": adminID, "role": "finance-officer", "scope_kind": "institution", "scope_id": ins})
		otherID, _ := b.user("colleague@inst.example")
		b.must(403, admin, "POST", "/v1/role-bindings", map[string]any{"user_id": otherID, "role": "finance-officer", "scope_kind": "institution", "scope_id": ins})
		// What the admin holds, it may give.
		b.must(201, admin, "POST", "/v1/role-bindings", map[string]any{"user_id": otherID, "role": "developer", "scope_kind": "institution", "scope_id": ins})
		b.must(201, admin, "POST", "/v1/tokens", map[string]any{"name": "ops", "kind": "service", "role": "institution-admin", "scope_kind": "institution", "scope_id": ins})

		// A finance-officer token the admin minted before the fix (written
		// as the old code did) holds no more than the admin.
		secret, hash := api.NewToken()
		err := h.Server.Store.InTx(context.Background(), func(tx *store.Tx) error {
			return tx.CreateAPIToken(context.Background(), &model.APIToken{Kind: "service", ScopeKind: "institution", ScopeID: ins,
				CreatedBy: adminID, Token: model.Token{Name: "legacy", Role: "finance-officer", Hash: hash}})
		})
		if err != nil {
			t.Fatal(err)
		}
		var line map[string]any
		for _, it := range b.must(200, servertest.AdminToken, "GET", "/v1/budget-lines?institution_id="+ins, nil)["items"].([]any) {
			line = it.(map[string]any)
		}
		b.must(200, secret, "GET", "/v1/budget-lines/"+line["id"].(string), nil)
		b.must(403, secret, "PATCH", "/v1/budget-lines/"+line["id"].(string), map[string]any{"name": "raised"})
	})
}

// TestRequesterCannotApproveOwnRequest: a workload over the approval
// threshold is approved only by a finance officer of the institution who
// did not request it, whatever credential either uses.
func TestRequesterCannotApproveOwnRequest(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *servertest.Harness) {
		b := tb{t, h}
		mine, _, ins := b.demoProject()
		_, both := b.user("both@inst.example", [3]string{"institution-admin", "institution", ins}, [3]string{"finance-officer", "institution", ins})
		_, fin := b.user("fin@inst.example", [3]string{"finance-officer", "institution", ins})
		_, admin := b.user("admin@inst.example", [3]string{"institution-admin", "institution", ins})

		big := b.workloadBody(mine, b.offering("SCS-16V-64-200s"), 3)
		w := b.must(201, both, "POST", "/v1/workloads", big)
		if w["state"] != "pending_approval" {
			t.Fatalf("state %v, want pending_approval (%v)", w["state"], w["reason"])
		}
		path := "/v1/workloads/" + w["id"].(string) + ":approve"
		code, out := b.call(both, "POST", path, nil, "pt-BR")
		if code != http.StatusForbidden || out["title"] != "Segregação de funções" || out["detail"] == "" {
			t.Fatalf("the requester approved its own request: %d %v", code, out)
		}
		// Through a finance-officer token it made: still the requester.
		svc := b.must(201, both, "POST", "/v1/tokens", map[string]any{"name": "fo", "kind": "service", "role": "finance-officer", "scope_kind": "institution", "scope_id": ins})
		b.must(403, svc["token"].(string), "POST", path, nil)
		// An institution admin is no finance officer; nor is the platform admin.
		b.must(403, admin, "POST", path, nil)
		code, out = b.call(servertest.AdminToken, "POST", path, nil, "es")
		if code != http.StatusForbidden || out["title"] != "Segregación de funciones" {
			t.Fatalf("platform admin approving spending: %d %v", code, out)
		}
		// Another finance officer of the institution approves.
		if got := b.must(200, fin, "POST", path, nil); got["state"] != "approved" && got["state"] != "provisioning" && got["state"] != "running" {
			t.Fatalf("after approval: %v", got["state"])
		}
	})
}
