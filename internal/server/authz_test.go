package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// spec is the roles table of docs/security.md, written out independently
// of auth.Roles: resource → verbs each role holds inside its own scope.
// The matrix test checks the server against it.
var spec = map[string]map[string][]string{
	auth.RoleProviderOperator: {"providers": {"read"}, "sites": {"read", "write"}, "prices": {"read", "write"},
		"orders": {"read"}, "workloads": {"read"}, "statements": {"read"}, "credentials": {"write"}},
	auth.RoleInstitutionAdmin: {"institutions": {"read"}, "budget-lines": {"read"}, "projects": {"read", "write"},
		"workloads": {"read", "write"}, "apps": {"read", "write"}, "grants": {"read", "write"},
		"members": {"read", "write"}, "audit": {"read"}, "statements": {"read"}, "ledger": {"read"}, "tokens": {"read", "write"}},
	auth.RoleFinanceOfficer: {"institutions": {"read"}, "budget-lines": {"read", "write"}, "projects": {"read"},
		"workloads": {"read", "approve"}, "statements": {"read", "write"}, "ledger": {"read", "write"}},
	auth.RoleDeveloper: {"projects": {"read"}, "workloads": {"read", "write"}, "apps": {"read", "write"}},
	auth.RoleViewer: {"providers": {"read"}, "sites": {"read"}, "prices": {"read"}, "institutions": {"read"},
		"budget-lines": {"read"}, "projects": {"read"}, "workloads": {"read"}, "apps": {"read"}, "statements": {"read"},
		"ledger": {"read"}, "grants": {"read"}, "orders": {"read"}},
}

// everyone: the market catalog and self-service.
var everyone = []string{"providers:read", "sites:read", "offerings:read", "prices:read", "fx-rates:read",
	"version:read", "self:read", "self:write"}

// owners: which scope kinds an object of a resource sits under.
var owners = map[string][]auth.ScopeKind{
	"providers": {auth.Provider}, "sites": {auth.Provider}, "prices": {auth.Provider},
	"institutions": {auth.Institution}, "budget-lines": {auth.Institution},
	"projects": {auth.Institution, auth.Project}, "workloads": {auth.Institution, auth.Project},
	"grants": {auth.Institution, auth.Project}, "apps": {auth.Institution, auth.Project},
}

var catalogResources = []string{"providers", "sites", "offerings", "prices", "fx-rates"}

// caller is one row of the matrix: a role bound at a scope.
type caller struct {
	name  string
	role  string // "" with kind none / anonymous
	scope auth.ScopeKind
	token string
}

func allows(role, action string) bool {
	if slices.Contains(everyone, action) {
		return true
	}
	switch role {
	case auth.RolePlatformAdmin:
		return true
	case auth.RoleAuditor:
		return strings.HasSuffix(action, ":read")
	}
	res, verb, _ := strings.Cut(action, ":")
	return slices.Contains(spec[role][res], verb)
}

// want returns the expected status (0: allowed) of route rt for c acting
// on the own or the other institution's (provider's) objects.
func want(rt *api.Route, c caller, own bool) int {
	p := rt.Auth
	if p.On == api.OnPublic {
		return 0
	}
	if c.name == "anonymous" {
		return http.StatusUnauthorized
	}
	platform := c.scope == auth.Platform
	ok := c.role != "" && allows(c.role, p.Action) || slices.Contains(everyone, p.Action)
	switch p.On {
	case api.OnPlatform:
		if slices.Contains(everyone, p.Action) || platform && ok {
			return 0
		}
		return http.StatusForbidden
	case api.OnAny:
		if ok {
			return 0
		}
		return http.StatusForbidden
	case api.OnBody:
		covers := platform || own && bodyCovered(c.scope, p.Kind)
		if slices.Contains(everyone, p.Action) || ok && covers {
			return 0
		}
		return http.StatusForbidden
	case api.OnPath:
		res := p.Resource
		if res == "" {
			res, _, _ = strings.Cut(p.Action, ":")
		}
		covers := platform || own && c.role != "" && slices.Contains(owners[res], c.scope)
		if !covers && !slices.Contains(catalogResources, res) {
			return http.StatusNotFound
		}
		if slices.Contains(everyone, p.Action) || ok && covers {
			return 0
		}
		return http.StatusForbidden
	}
	return -1
}

// bodyCovered: does a binding at scope kind k cover a new object placed at
// a scope of kind body (the own one)?
func bodyCovered(k, body auth.ScopeKind) bool {
	switch k {
	case auth.Provider:
		return body == auth.Provider
	case auth.Institution:
		return body == auth.Institution || body == auth.Project
	case auth.Project:
		return body == auth.Project
	}
	return false
}

// world holds an own and an other object of every resource.
type world struct {
	own, other map[string]string
	scope      map[bool]map[auth.ScopeKind]string
}

func firstID(t *testing.T, c *client.Client, path string) []string {
	t.Helper()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := c.Do(context.Background(), "GET", path, nil, &page); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var ids []string
	for _, it := range page.Items {
		ids = append(ids, it["id"].(string))
	}
	if len(ids) == 0 {
		t.Fatalf("%s: empty", path)
	}
	return ids
}

func buildWorld(t *testing.T, h *servertest.Harness) world {
	t.Helper()
	ctx := context.Background()
	w := world{own: map[string]string{}, other: map[string]string{}, scope: map[bool]map[auth.ScopeKind]string{}}
	provs := firstID(t, h.Admin, "/v1/providers")
	ins := firstID(t, h.Admin, "/v1/institutions")
	for i, own := range []bool{true, false} {
		m := w.own
		if !own {
			m = w.other
		}
		m["providers"] = provs[i]
		m["sites"] = firstID(t, h.Admin, "/v1/sites?provider_id="+provs[i])[0]
		m["prices"] = firstID(t, h.Admin, "/v1/prices?provider_id="+provs[i])[0]
		m["institutions"] = ins[i]
		m["budget-lines"] = firstID(t, h.Admin, "/v1/budget-lines?institution_id="+ins[i])[0]
		m["projects"] = firstID(t, h.Admin, "/v1/projects?institution_id="+ins[i])[0]
		m["offerings"] = firstID(t, h.Admin, "/v1/offerings")[0]
		m["fx-rates"] = firstID(t, h.Admin, "/v1/fx-rates")[0]
		var inst map[string]any
		if _, err := h.Admin.Do(ctx, "GET", "/v1/institutions/"+ins[i], nil, &inst); err != nil {
			t.Fatal(err)
		}
		var wl map[string]any
		if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", map[string]any{
			"project_id": m["projects"], "offering_id": firstID(t, h.Admin, "/v1/offerings?name=SCS-1V-2-20s")[0], "replicas": 1,
			"classification": "internal", "residency": map[string]any{"countries": []string{inst["country"].(string)}},
		}, &wl); err != nil {
			t.Fatalf("creating a workload in %s: %v", m["projects"], err)
		}
		m["workloads"] = wl["id"].(string)
		var g map[string]any
		exp := time.Now().Add(24 * time.Hour)
		if _, err := h.Admin.Do(ctx, "POST", "/v1/grants", map[string]any{"project_id": m["projects"],
			"email": fmt.Sprintf("vendor%d@example.com", i), "role": "developer", "expires_at": exp}, &g); err != nil {
			t.Fatal(err)
		}
		m["grants"] = g["id"].(string)
		// An app (its creation through the API needs a running namespace workload).
		app := model.App{ProjectID: m["projects"], InstitutionID: ins[i], WorkloadID: m["workloads"],
			Name: fmt.Sprintf("app%d", i), Image: "registry.example.mx/a/b:v1", Port: 8080, Replicas: 1}
		if err := h.Server.Store.InTx(ctx, func(tx *store.Tx) error { return tx.Apps().Create(ctx, &app, "app") }); err != nil {
			t.Fatal(err)
		}
		m["apps"] = app.ID
		w.scope[own] = map[auth.ScopeKind]string{auth.Provider: provs[i], auth.Institution: ins[i], auth.Project: m["projects"]}
	}
	return w
}

// callers makes one token per role, bound at its own scope, a user with
// no role at all, and the anonymous caller.
func callers(t *testing.T, h *servertest.Harness, w world) []caller {
	t.Helper()
	ctx := context.Background()
	cs := []caller{
		{name: "platform-admin", role: auth.RolePlatformAdmin, scope: auth.Platform},
		{name: "auditor", role: auth.RoleAuditor, scope: auth.Platform},
		{name: "provider-operator", role: auth.RoleProviderOperator, scope: auth.Provider},
		{name: "institution-admin", role: auth.RoleInstitutionAdmin, scope: auth.Institution},
		{name: "finance-officer", role: auth.RoleFinanceOfficer, scope: auth.Institution},
		{name: "developer", role: auth.RoleDeveloper, scope: auth.Project},
		{name: "viewer", role: auth.RoleViewer, scope: auth.Institution},
		{name: "no-scope"},
		{name: "anonymous"},
	}
	err := h.Server.Store.InTx(ctx, func(tx *store.Tx) error {
		for i := range cs {
			c := &cs[i]
			if c.name == "anonymous" {
				continue
			}
			secret, hash := auth.NewSecret(auth.TokenPrefix)
			tok := model.APIToken{Kind: auth.TokenService, ScopeKind: string(c.scope), ScopeID: w.scope[true][c.scope]}
			tok.Name, tok.Role, tok.Hash = c.name, c.role, hash
			if c.role == "" {
				u := model.User{Email: "nobody@example.com", Name: "Nobody"}
				if err := tx.CreateUser(ctx, &u); err != nil {
					return err
				}
				tok.Kind, tok.UserID, tok.ScopeKind, tok.ScopeID = auth.TokenPersonal, u.ID, string(auth.Platform), ""
			}
			if err := tx.CreateAPIToken(ctx, &tok); err != nil {
				return err
			}
			c.token = secret
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestAuthorizationMatrix drives every route of the table, for every role
// and for a caller without any role or credentials, against the own and
// another institution's (or provider's) objects, through the API's one
// decision point, and compares with the roles table above.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	w := buildWorld(t, h)
	cs := callers(t, h, w)
	checked := 0
	for _, rt := range h.Server.API.Routes() {
		for _, c := range cs {
			for _, own := range []bool{true, false} {
				req := matrixRequest(t, rt, w, own)
				if c.token != "" {
					req.Header.Set("Authorization", "Bearer "+c.token)
				}
				got := 0
				if err := h.Server.API.Authorize(req, rt); err != nil {
					var ae *api.Error
					if !errors.As(err, &ae) {
						t.Fatalf("%s %s as %s: %v", rt.Method, rt.Path, c.name, err)
					}
					got = ae.Status
				}
				if exp := want(rt, c, own); got != exp {
					t.Errorf("%s %s [%s] as %s on %s objects: got %d, want %d", rt.Method, rt.Path, rt.Auth, c.name,
						map[bool]string{true: "own", false: "another institution's"}[own], got, exp)
				}
				checked++
			}
		}
	}
	t.Logf("%d route × caller × scope cases", checked)
}

func matrixRequest(t *testing.T, rt *api.Route, w world, own bool) *http.Request {
	t.Helper()
	objs := w.own
	if !own {
		objs = w.other
	}
	p := rt.Auth
	var body []byte
	if p.On == api.OnBody {
		body, _ = json.Marshal(map[string]string{p.Field: w.scope[own][p.Kind]})
	}
	path := rt.Path
	req := httptest.NewRequest(rt.Method, "http://soberana"+strings.NewReplacer("{", "", "}", "").Replace(path), bytes.NewReader(body))
	req.RemoteAddr = "127.0.0.1:40000"
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") {
			name := strings.Trim(seg, "{}.")
			res := p.Resource
			if res == "" {
				res, _, _ = strings.Cut(p.Action, ":")
			}
			id := objs[res]
			if id == "" {
				id = objs["providers"]
			}
			req.SetPathValue(name, id)
		}
	}
	return req
}

// TestEveryRouteDeclaresAKnownRule fails when a route has no rule, names
// an action no role holds, or an object resource the API cannot place.
func TestEveryRouteDeclaresAKnownRule(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	for _, rt := range h.Server.API.Routes() {
		if err := api.CheckRule(rt); err != nil {
			t.Error(err)
		}
		if rt.Auth.On == api.OnPath {
			res := rt.Auth.Resource
			if res == "" {
				res, _, _ = strings.Cut(rt.Auth.Action, ":")
			}
			if !h.Server.API.CanResolve(res) {
				t.Errorf("%s %s: the API cannot place %s objects in the scope tree (add a case to store.ScopeOf or api.AddResolver)", rt.Method, rt.Path, res)
			}
		}
	}
	if err := api.CheckRule(&api.Route{Method: "GET", Path: "/v1/new"}); err == nil {
		t.Error("a route without a rule passes CheckRule")
	}
	if err := api.CheckRule(&api.Route{Method: "GET", Path: "/v1/new", Auth: api.Platform("nonsense:frobnicate")}); err == nil {
		t.Error("a route with an action no role holds passes CheckRule")
	}
}

// TestScopedListsAndHiddenObjects checks over real HTTP that lists show
// only the caller's objects and that another institution's object is 404.
func TestScopedListsAndHiddenObjects(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	w := buildWorld(t, h)
	cs := callers(t, h, w)
	var dev, insAdmin caller
	for _, c := range cs {
		switch c.name {
		case "developer":
			dev = c
		case "institution-admin":
			insAdmin = c
		}
	}
	ctx := context.Background()
	// wantOwnOnly: the list of resource that c (who) sees is exactly the
	// world's own object of that kind.
	wantOwnOnly := func(c *client.Client, who, resource string) {
		t.Helper()
		var page struct {
			Items []map[string]any `json:"items"`
		}
		if _, err := c.Do(ctx, "GET", "/v1/"+resource, nil, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || page.Items[0]["id"] != w.own[resource] {
			t.Fatalf("%s's %s: %v", who, resource, page.Items)
		}
	}
	d := h.Client(dev.token, "en")
	wantOwnOnly(d, "developer", "projects")
	wantOwnOnly(d, "developer", "workloads")
	var p *client.Problem
	_, err := d.Do(ctx, "GET", "/v1/projects/"+w.other["projects"], nil, nil)
	if !errors.As(err, &p) || p.Status != http.StatusNotFound {
		t.Fatalf("another institution's project: %v", err)
	}
	_, err = d.Do(ctx, "GET", "/v1/projects/prj_does_not_exist", nil, nil)
	var p2 *client.Problem
	if !errors.As(err, &p2) || p2.Status != http.StatusNotFound || p2.Detail != p.Detail {
		t.Fatalf("a missing project must look like a hidden one: %v vs %v", err, p)
	}
	ia := h.Client(insAdmin.token, "en")
	wantOwnOnly(ia, "institution admin", "institutions")
	wantOwnOnly(ia, "institution admin", "grants")
}
