package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/store"
)

// TokenPrefix starts every soberana token, so secret scanners can find
// leaked ones.
const TokenPrefix = auth.TokenPrefix

// Cookie names of console sessions.
const (
	SessionCookie = "soberana_session"
	CSRFCookie    = "soberana_csrf"
	CSRFHeader    = "X-CSRF-Token"
)

// Roles (kept for callers of the first API; auth.Roles is the policy).
const (
	RolePlatformAdmin = auth.RolePlatformAdmin
	RoleAuditor       = auth.RoleAuditor
)

// Principal is the authenticated caller.
type Principal = auth.Principal

// PrincipalOf returns the caller of a request context.
func PrincipalOf(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(keyPrincipal).(*auth.Principal)
	if !ok || p == nil {
		return Principal{}, false
	}
	return *p, true
}

func principalOf(ctx context.Context) *auth.Principal {
	p, _ := ctx.Value(keyPrincipal).(*auth.Principal)
	return p
}

// On says where the scope of a route's action comes from.
type On int

// Where a route's scope comes from.
const (
	onUnset On = iota
	// OnPublic: no credentials needed.
	OnPublic
	// OnPlatform: the action applies to the platform itself.
	OnPlatform
	// OnAny: allowed when the caller holds the action at some scope; the
	// handler filters what it returns (lists) with Restrict.
	OnAny
	// OnPath: the object named by a path parameter; outside the caller's
	// scopes it is answered 404.
	OnPath
	// OnBody: the scope named by a field of the JSON body (creations).
	OnBody
)

// Perm is the authorization requirement a route declares. Every route has
// one; the decision is made in exactly one place, (*API).authorize.
type Perm struct {
	// Action is "<resource>:<verb>" (see auth.Roles).
	Action string
	On     On
	// Param is the path parameter holding the object id (OnPath); an id
	// such as "wl_1:approve" is cut at the colon.
	Param string
	// Resource of the object when it is not the action's (a project's
	// grants: Action grants:read, Resource projects).
	Resource string
	// Field is the body field naming the scope (OnBody) and Kind its kind.
	Field string
	Kind  auth.ScopeKind
}

// IsZero reports a route that declares no rule.
func (p Perm) IsZero() bool { return p.On == onUnset }

// String is the rule as docs and tests show it.
func (p Perm) String() string {
	switch p.On {
	case OnPublic:
		return "public"
	case OnPlatform:
		return p.Action + " @platform"
	case OnAny:
		return p.Action + " @any (filtered)"
	case OnPath:
		return p.Action + " @" + p.resource() + "{" + p.Param + "}"
	case OnBody:
		return p.Action + " @" + string(p.Kind) + "(body." + p.Field + ")"
	}
	return "undeclared"
}

func (p Perm) resource() string {
	if p.Resource != "" {
		return p.Resource
	}
	return auth.Resource(p.Action)
}

// Public needs no credentials.
func Public() Perm { return Perm{On: OnPublic} }

// Platform needs action at the platform scope.
func Platform(action string) Perm { return Perm{Action: action, On: OnPlatform} }

// Any needs action at some scope; the handler filters with Restrict.
func Any(action string) Perm { return Perm{Action: action, On: OnAny} }

// Object needs action on the object whose id is the path parameter param.
func Object(action, param string) Perm { return Perm{Action: action, On: OnPath, Param: param} }

// ObjectOf is Object for an object of another resource than the action's.
func ObjectOf(action, resource, param string) Perm {
	return Perm{Action: action, On: OnPath, Param: param, Resource: resource}
}

// InScope needs action at the scope of kind named by the body's field.
func InScope(action, field string, kind auth.ScopeKind) Perm {
	return Perm{Action: action, On: OnBody, Field: field, Kind: kind}
}

// Rules of the first route table, kept so that route files written
// against them still build; they are platform-only (deny by default).
var (
	AuthPublic = Public()
	AuthRead   = Platform("platform:read")
	AuthAdmin  = Platform("platform:write")
)

// NewToken returns a fresh random API token and the hash to store.
func NewToken() (secret, hash string) { return auth.NewSecret(auth.TokenPrefix) }

// HashToken is the stored form of a token.
func HashToken(secret string) string { return auth.HashSecret(secret) }

// ParseBearer extracts the token from an Authorization header value.
func ParseBearer(h string) (string, bool) { return auth.ParseBearer(h) }

// tokenCache remembers when each token's last use was written so that a
// busy client does not turn every request into a database write.
type tokenCache struct {
	mu      sync.Mutex
	touched map[string]time.Time
}

func (c *tokenCache) shouldTouch(id string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.touched == nil {
		c.touched = map[string]time.Time{}
	}
	if last, ok := c.touched[id]; ok && now.Sub(last) < time.Minute {
		return false
	}
	c.touched[id] = now
	return true
}

// SourceIP is the caller's address (the TCP peer).
func SourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// tokenPrincipal resolves a bearer token presented from ip, through the
// principal cache while the store says it may be used (principalcache.go).
func (a *API) tokenPrincipal(r *http.Request, secret, ip string) (*auth.Principal, string, error) {
	gen, cacheable := a.store.AuthGeneration()
	key := auth.HashSecret(secret) + "\x00" + ip
	now := a.now()
	if cacheable {
		if p, tokID, ok := a.principals.get(key, gen, now); ok {
			return p, tokID, nil
		}
	}
	p, tok, err := a.auth.TokenPrincipal(r.Context(), secret, ip)
	if errors.Is(err, auth.ErrUnauthenticated) {
		return nil, "", Errorf(http.StatusUnauthorized, "unauthorized", "problem.unauthorized.invalid")
	}
	if err != nil {
		return nil, "", err
	}
	if cacheable {
		until := now.Add(principalTTL)
		if tok.ExpiresAt != nil && tok.ExpiresAt.Before(until) {
			until = *tok.ExpiresAt
		}
		a.principals.put(key, p, tok.ID, gen, until)
	}
	return p, tok.ID, nil
}

// authenticate resolves the caller's credentials: a bearer token, else a
// console session cookie (with its CSRF token on changes). It returns nil
// and no error when none are presented.
func (a *API) authenticate(r *http.Request) (*auth.Principal, error) {
	ctx := r.Context()
	ip := SourceIP(r)
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := auth.ParseBearer(h)
		if !ok {
			return nil, Errorf(http.StatusUnauthorized, "unauthorized", "problem.unauthorized.invalid")
		}
		p, tokID, err := a.tokenPrincipal(r, secret, ip)
		if err != nil {
			return nil, err
		}
		if now := a.now(); a.tokens.shouldTouch(tokID, now) {
			if err := a.store.Read().TouchAPIToken(ctx, tokID, now, ip); err != nil {
				a.log.WarnContext(ctx, "recording token use", "err", err)
			}
		}
		return p, nil
	}
	ck, err := r.Cookie(SessionCookie)
	if err != nil {
		return nil, nil
	}
	secret, ok := auth.ParseSecret(ck.Value, auth.SessionPrefix)
	if !ok {
		return nil, Errorf(http.StatusUnauthorized, "unauthorized", "problem.unauthorized.session")
	}
	p, ses, err := a.auth.SessionPrincipal(ctx, secret, ip)
	if errors.Is(err, auth.ErrUnauthenticated) {
		return nil, Errorf(http.StatusUnauthorized, "unauthorized", "problem.unauthorized.session")
	}
	if err != nil {
		return nil, err
	}
	if unsafeMethod(r.Method) && !auth.CheckCSRF(r.Header.Get(CSRFHeader), ses.CSRFHash) {
		return nil, Errorf(http.StatusForbidden, "csrf", "problem.csrf.detail")
	}
	return p, nil
}

// decision is what authorize found: the target's place in the scope tree
// and the binding that allowed the action.
type decision struct {
	target  auth.Target
	binding auth.Binding
	id      string
}

// authorize is the one decision point: may p do the route's action on
// its target? 401 without credentials, 404 for an object outside every
// scope of the caller, 403 for a visible object or a named scope where
// the caller's roles do not allow the action.
func (a *API) authorize(r *http.Request, rt *Route, p *auth.Principal) (decision, error) {
	var d decision
	perm := rt.Auth
	if rt.authFor != nil {
		if p2, ok := rt.authFor(r); ok {
			perm = p2
		}
	}
	if perm.On == OnPublic {
		return d, nil
	}
	if p == nil {
		return d, Errorf(http.StatusUnauthorized, "unauthorized", "problem.unauthorized.missing")
	}
	var err error
	switch perm.On {
	case OnPlatform:
		d.binding, err = p.DecideAt(perm.Action, auth.Target{})
	case OnAny:
		err = p.DecideAny(perm.Action)
	case OnPath:
		d.id, _, _ = strings.Cut(r.PathValue(perm.Param), ":")
		d.target, err = a.resolve(r.Context(), perm.resource(), d.id)
		if errors.Is(err, store.ErrNotFound) {
			return d, Errorf(http.StatusNotFound, "not-found", "problem.not-found.detail")
		}
		if err != nil {
			return d, err
		}
		d.binding, err = p.DecideObjectOf(perm.Action, perm.resource(), d.target)
	case OnBody:
		var id string
		id, err = bodyField(r, perm.Field)
		if err != nil {
			return d, err
		}
		d.target, err = a.targetOf(r.Context(), perm.Kind, id)
		if err != nil {
			return d, err
		}
		d.binding, err = p.DecideAt(perm.Action, d.target)
	default:
		return d, Errorf(http.StatusForbidden, "forbidden", "problem.forbidden.detail")
	}
	switch {
	case errors.Is(err, auth.ErrHidden):
		return d, Errorf(http.StatusNotFound, "not-found", "problem.not-found.detail")
	case errors.Is(err, auth.ErrForbidden):
		return d, Errorf(http.StatusForbidden, "forbidden", "problem.forbidden.detail")
	case errors.Is(err, auth.ErrUnauthenticated):
		return d, Errorf(http.StatusUnauthorized, "unauthorized", "problem.unauthorized.missing")
	}
	return d, err
}

// Authorize runs authentication and the route's decision for r without
// calling the handler (the authorization matrix test drives every route
// through it). Path values must be set on r.
func (a *API) Authorize(r *http.Request, rt *Route) error {
	p, err := a.authenticate(r)
	if err != nil {
		return err
	}
	_, err = a.authorize(r, rt, p)
	return err
}

// AllowAt is the decision for handlers whose scope is only known inside
// them (a statement for the institution or provider in the query): nil,
// or the 401/403 problem. It asks the same Principal.DecideAt as authorize.
func AllowAt(r *http.Request, action string, t auth.Target) error {
	_, err := principalOf(r.Context()).DecideAt(action, t)
	if err != nil {
		return decisionErr(err)
	}
	return nil
}

// targetOf places a scope named in a body in the tree. A project that does
// not exist is placed under no institution, so that only platform-wide
// roles pass (and the handler then reports the bad reference).
func (a *API) targetOf(ctx context.Context, kind auth.ScopeKind, id string) (auth.Target, error) {
	if id == "" {
		return auth.Target{}, nil
	}
	switch kind {
	case auth.Provider:
		return auth.Target{Provider: id}, nil
	case auth.Institution:
		return auth.Target{Institution: id}, nil
	case auth.Project:
		t, err := a.resolve(ctx, "projects", id)
		if errors.Is(err, store.ErrNotFound) {
			return auth.Target{Project: id}, nil
		}
		return t, err
	}
	return auth.Target{}, nil
}

// Resolver places an object of a resource in the scope tree.
type Resolver func(ctx context.Context, id string) (auth.Target, error)

// AddResolver teaches the API where objects of a resource sit (for
// resources whose table store.ScopeOf does not know).
func (a *API) AddResolver(resource string, f Resolver) {
	if a.resolvers == nil {
		a.resolvers = map[string]Resolver{}
	}
	a.resolvers[resource] = f
}

func (a *API) resolve(ctx context.Context, resource, id string) (auth.Target, error) {
	if f, ok := a.resolvers[resource]; ok {
		return f(ctx, id)
	}
	if t, ok := a.owners.get(resource, id); ok {
		return t, nil
	}
	o, err := a.store.Read().ScopeOf(ctx, resource, id)
	if err != nil {
		return auth.Target{}, err
	}
	t := auth.Target{Provider: o.Provider, Institution: o.Institution, Project: o.Project}
	a.owners.put(resource, id, t)
	return t, nil
}

// CanResolve reports whether the API knows where objects of resource sit
// (a resolver added with AddResolver, else store.ScopeOf).
func (a *API) CanResolve(resource string) bool {
	_, ok := a.resolvers[resource]
	return ok || store.KnowsScopeOf(resource)
}

// checkPlaceable refuses a route authorized on an object of its path
// whose resource the API cannot place in the scope tree: every request
// to it would fail the authorization decision.
func (a *API) checkPlaceable(rt *Route) error {
	if rt.Auth.On != OnPath {
		return nil
	}
	res := rt.Auth.Resource
	if res == "" {
		res, _, _ = strings.Cut(rt.Auth.Action, ":")
	}
	if !a.CanResolve(res) {
		return fmt.Errorf("route %s %s: the API cannot place %s objects in the scope tree (add a case to store.ScopeOf or api.AddResolver)", rt.Method, rt.Path, res)
	}
	return nil
}

// bodyField reads one string field of a JSON body and puts the body back.
func bodyField(r *http.Request, field string) (string, error) {
	body, err := readBody(r)
	if err != nil {
		return "", err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if len(bytes.TrimSpace(body)) == 0 {
		return "", nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return "", Errorf(http.StatusBadRequest, "malformed", "problem.malformed.syntax", 0)
	}
	var s string
	if raw, ok := m[field]; ok {
		_ = json.Unmarshal(raw, &s)
	}
	return s, nil
}

// ScopeColumns names the columns of a table that place its rows in the
// scope tree (empty: the table has no such column).
type ScopeColumns struct {
	Provider, Institution, Project string
}

// Restrict returns the store restriction that keeps only the rows the
// caller of r may do action on (nil: no restriction). List handlers put
// it in store.ListOptions.Restrict.
func Restrict(r *http.Request, action string, cols ScopeColumns) *store.Restriction {
	p := principalOf(r.Context())
	v := p.Visible(action)
	if v.All {
		return nil
	}
	res := &store.Restriction{}
	add := func(col string, vals []string) {
		if col != "" && len(vals) > 0 {
			res.Any = append(res.Any, store.In{Column: col, Values: vals})
		}
	}
	add(cols.Provider, v.Providers)
	add(cols.Institution, v.Institutions)
	add(cols.Project, v.Projects)
	return res
}
