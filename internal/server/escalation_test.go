package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/server/servertest"
)

// objectLevels is this test's own model of where objects of each resource
// sit, written independently of internal/auth: "provider" objects carry a
// provider, "institution" ones an institution only, "project" ones an
// institution and maybe a project, "platform" ones nothing. Every
// resource of the policy's vocabulary must be classified here.
var objectLevels = map[string]string{
	"providers": "provider", "sites": "provider", "prices": "provider", "orders": "provider", "credentials": "provider",
	"institutions": "institution", "budget-lines": "institution", "statements": "institution", "ledger": "institution", "audit": "institution",
	"projects": "project", "workloads": "project", "apps": "project", "grants": "project", "members": "project", "tokens": "project",
	"platform": "platform", "users": "platform", "offerings": "platform", "fx-rates": "platform", "secrets": "platform",
	"monitoring": "platform", "version": "platform", "self": "platform",
}

// escWorld is the demo fleet's scopes the enumeration uses.
type escWorld struct {
	provX, provY, insA, insB, prjA, prjB string
}

// targets are the places objects of resource can sit in the escWorld.
func (w escWorld) targets(resource string) []auth.Target {
	out := []auth.Target{{}}
	switch objectLevels[resource] {
	case "provider":
		out = append(out, auth.Target{Provider: w.provX}, auth.Target{Provider: w.provY})
	case "institution":
		out = append(out, auth.Target{Institution: w.insA}, auth.Target{Institution: w.insB})
	case "project":
		out = append(out, auth.Target{Institution: w.insA}, auth.Target{Institution: w.insB},
			auth.Target{Institution: w.insA, Project: w.prjA}, auth.Target{Institution: w.insB, Project: w.prjB})
	}
	return out
}

func (w escWorld) binding(role string, kind auth.ScopeKind, id string) auth.Binding {
	b := auth.Binding{Role: role, Scope: auth.Scope{Kind: kind, ID: id}}
	if kind == auth.Project {
		b.Institution = map[string]string{w.prjA: w.insA, w.prjB: w.insB}[id]
	}
	return b
}

func (w escWorld) target(kind auth.ScopeKind, id string) auth.Target {
	switch kind {
	case auth.Provider:
		return auth.Target{Provider: id}
	case auth.Institution:
		return auth.Target{Institution: id}
	case auth.Project:
		return auth.Target{Institution: w.binding("", kind, id).Institution, Project: id}
	}
	return auth.Target{}
}

// escalates reports an action on an object that a binding of role at the
// scope would allow and the caller may not do: an escalation.
func (w escWorld) escalates(caller *auth.Principal, role string, kind auth.ScopeKind, id string) string {
	g := w.binding(role, kind, id)
	def, _ := auth.Role(role)
	for _, action := range auth.Actions() {
		res := auth.Resource(action)
		level, ok := objectLevels[res]
		if !ok {
			return "unclassified resource " + res
		}
		if !def.Allows(action) || res == "self" || level == "" {
			continue
		}
		for _, t := range w.targets(res) {
			if g.Covers(t) {
				if _, ok := caller.Can(action, t); !ok {
					return fmt.Sprintf("%s on %+v", action, t)
				}
			}
		}
	}
	return ""
}

// TestNoEscalationPath enumerates every caller role × role to give × scope
// through every way of giving a role (a role binding, a vendor grant, a
// service token, a deploy token) and checks the API's answer against the
// model above: what is given is created exactly when the caller may give
// it (its base permission there) and already holds every action of it on
// every object the new holder could reach; otherwise 403 (422 for a role
// that cannot be bound at that kind of scope). Since nobody can give more
// than they hold, no chain of gifts escalates either.
func TestNoEscalationPath(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *servertest.Harness) {
		b := tb{t, h}
		mine, other := b.demo()
		w := escWorld{insA: mine["institution_id"].(string), insB: other["institution_id"].(string),
			prjA: mine["id"].(string), prjB: other["id"].(string)}
		provs := b.must(200, servertest.AdminToken, "GET", "/v1/providers", nil)["items"].([]any)
		w.provX, w.provY = provs[0].(map[string]any)["id"].(string), provs[1].(map[string]any)["id"].(string)

		type caller struct {
			name  string
			role  string
			kind  auth.ScopeKind
			id    string
			token string
		}
		callers := []caller{
			{name: "platform-admin", role: auth.RolePlatformAdmin, kind: auth.Platform},
			{name: "auditor", role: auth.RoleAuditor, kind: auth.Platform},
			{name: "provider-operator", role: auth.RoleProviderOperator, kind: auth.Provider, id: w.provX},
			{name: "institution-admin", role: auth.RoleInstitutionAdmin, kind: auth.Institution, id: w.insA},
			{name: "finance-officer", role: auth.RoleFinanceOfficer, kind: auth.Institution, id: w.insA},
			{name: "developer-institution", role: auth.RoleDeveloper, kind: auth.Institution, id: w.insA},
			{name: "developer-project", role: auth.RoleDeveloper, kind: auth.Project, id: w.prjA},
			{name: "viewer-institution", role: auth.RoleViewer, kind: auth.Institution, id: w.insA},
			{name: "viewer-platform", role: auth.RoleViewer, kind: auth.Platform},
			{name: "vendor", role: auth.RoleDeveloper, kind: auth.Project, id: w.prjA},
			{name: "admin-service-token", role: auth.RoleInstitutionAdmin, kind: auth.Institution, id: w.insA},
		}
		for i := range callers {
			c := &callers[i]
			email := c.name + "@escalation.example"
			switch c.name {
			case "vendor":
				uid, tok := b.user(email)
				b.must(201, servertest.AdminToken, "POST", "/v1/grants", map[string]any{"project_id": w.prjA, "user_id": uid,
					"role": auth.RoleDeveloper, "expires_at": time.Now().Add(24 * time.Hour)})
				c.token = tok
			case "admin-service-token":
				_, tok := b.user(email, [3]string{auth.RoleInstitutionAdmin, string(auth.Institution), w.insA})
				out := b.must(201, tok, "POST", "/v1/tokens", map[string]any{"name": "ops", "kind": "service",
					"role": auth.RoleInstitutionAdmin, "scope_kind": "institution", "scope_id": w.insA})
				c.token = out["token"].(string)
			default:
				_, c.token = b.user(email, [3]string{c.role, string(c.kind), c.id})
			}
		}
		scopes := []struct {
			kind auth.ScopeKind
			id   string
		}{{auth.Platform, ""}, {auth.Provider, w.provX}, {auth.Provider, w.provY}, {auth.Institution, w.insA},
			{auth.Institution, w.insB}, {auth.Project, w.prjA}, {auth.Project, w.prjB}}

		var created, escalations, cases int
		for _, c := range callers {
			p := &auth.Principal{Bindings: []auth.Binding{w.binding(c.role, c.kind, c.id)}}
			grantee := b.must(201, servertest.AdminToken, "POST", "/v1/users", map[string]any{"email": "to-" + c.name + "@escalation.example", "name": "x"})["id"]
			for _, r := range auth.Roles {
				def := r
				for _, s := range scopes {
					tgt := w.target(s.kind, s.id)
					esc := w.escalates(p, def.Name, s.kind, s.id)
					if strings.HasPrefix(esc, "unclassified") {
						t.Fatal(esc)
					}
					try := func(way, base string, valid bool, path string, body map[string]any) {
						t.Helper()
						cases++
						_, baseOK := p.Can(base, tgt)
						want := valid && baseOK && esc == ""
						code, out := b.call(c.token, "POST", path, body)
						switch {
						case want && code != http.StatusCreated:
							t.Errorf("%s giving %s at %s %s by %s: %d %v, want 201", c.name, def.Name, s.kind, s.id, way, code, out)
						case !want && code == http.StatusCreated:
							t.Errorf("ESCALATION: %s gave %s at %s %s by %s (%s)", c.name, def.Name, s.kind, s.id, way, esc)
						case !want && code != http.StatusForbidden && code != http.StatusUnprocessableEntity:
							t.Errorf("%s giving %s at %s %s by %s: %d %v, want 403 or 422", c.name, def.Name, s.kind, s.id, way, code, out)
						case !want && valid && baseOK && !strings.HasSuffix(fmt.Sprint(out["type"]), "/escalation"):
							t.Errorf("%s giving %s at %s %s by %s: %d %v, want the escalation problem (%s)", c.name, def.Name, s.kind, s.id, way, code, out, esc)
						}
						if code == http.StatusCreated {
							created++
						} else if valid && baseOK {
							escalations++
						}
					}
					bindable := def.BindableAt(s.kind)
					try("role binding", "members:write", bindable, "/v1/role-bindings",
						map[string]any{"user_id": grantee, "role": def.Name, "scope_kind": s.kind, "scope_id": s.id})
					try("service token", "members:write", bindable, "/v1/tokens",
						map[string]any{"name": "t", "kind": "service", "role": def.Name, "scope_kind": s.kind, "scope_id": s.id})
					if s.kind == auth.Project {
						vendorRole := def.Name == auth.RoleDeveloper || def.Name == auth.RoleViewer
						try("grant", "grants:write", vendorRole, "/v1/grants", map[string]any{"project_id": s.id, "user_id": grantee,
							"role": def.Name, "expires_at": time.Now().Add(time.Hour)})
						if def.Name == auth.RoleDeveloper {
							try("deploy token", "workloads:write", true, "/v1/tokens",
								map[string]any{"name": "d", "kind": "deploy", "scope_kind": s.kind, "scope_id": s.id})
						}
					}
				}
			}
		}
		t.Logf("%d cases: %d given, %d refused as escalations", cases, created, escalations)
		if created == 0 || escalations == 0 {
			t.Fatalf("the enumeration proves nothing: %d given, %d escalations refused", created, escalations)
		}
	})
}
