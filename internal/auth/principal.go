package auth

import (
	"errors"
	"slices"

	"github.com/soberana/soberana/internal/model"
)

// Scope is one node of the scope tree. A project scope also names its
// institution so that institution bindings can be narrowed to it.
type Scope struct {
	Kind ScopeKind `json:"kind"`
	ID   string    `json:"id,omitempty"`
}

// PlatformScope is the root.
var PlatformScope = Scope{Kind: Platform}

// Binding is a role at a scope held by a principal, and where it comes
// from: a role binding ("role"), a token's own scope ("token") or a vendor
// grant ("grant:<id>").
type Binding struct {
	Role  string `json:"role"`
	Scope Scope  `json:"scope"`
	// Institution is the parent of a project scope.
	Institution string `json:"-"`
	Via         string `json:"via,omitempty"`
	// Within are roles that must also allow an action for this binding to
	// allow it: a credential derived from a principal acts with the
	// intersection of its own role and that principal's live roles.
	Within []string `json:"within,omitempty"`
}

// allows reports whether the binding's role, and every role it is held
// within, allow action.
func (b Binding) allows(action string) bool {
	r, ok := Role(b.Role)
	if !ok || !r.Allows(action) {
		return false
	}
	for _, w := range b.Within {
		if r, ok := Role(w); !ok || !r.Allows(action) {
			return false
		}
	}
	return true
}

// Target is where the object an action applies to sits in the scope tree;
// the zero Target is the platform itself (offerings, new institutions).
type Target struct {
	Provider    string
	Institution string
	Project     string
}

// Covers reports whether a binding's scope contains the target.
func (b Binding) Covers(t Target) bool {
	switch b.Scope.Kind {
	case Platform:
		return true
	case Provider:
		return b.Scope.ID != "" && t.Provider == b.Scope.ID
	case Institution:
		return b.Scope.ID != "" && t.Institution == b.Scope.ID
	case Project:
		return b.Scope.ID != "" && t.Project == b.Scope.ID
	}
	return false
}

// Principal kinds, the actor kinds of the audit events they write.
const (
	KindUser  = model.ActorUser
	KindToken = model.ActorToken
)

// PrincipalKinds lists every principal kind (the OpenAPI enum).
var PrincipalKinds = []string{KindUser, KindToken}

// Principal is an authenticated caller with the bindings in force for
// this request (grants already filtered by expiry and source address).
type Principal struct {
	// Kind is "user" (session or personal token) or "token" (service and
	// deploy tokens, which act for no person).
	Kind      string `json:"kind"`
	UserID    string `json:"user_id,omitempty"`
	TokenID   string `json:"token_id,omitempty"`
	SessionID string `json:"-"`
	Name      string `json:"name"`
	// Role is the first binding's role (for logs and compatibility).
	Role     string    `json:"role,omitempty"`
	Bindings []Binding `json:"bindings"`
	SourceIP string    `json:"-"`
	// Person is the user whose authority this credential derives from: the
	// user itself, or the person who made a service or deploy token (empty
	// for tokens no person made, such as the bootstrap token).
	Person string `json:"person,omitempty"`
	// GrantID is the vendor grant a service or deploy token derives from
	// (empty: none); what it makes derives from that grant too.
	GrantID string `json:"grant_id,omitempty"`
}

// ActorID is the id audit events name: the user, else the token.
func (p *Principal) ActorID() string {
	if p.UserID != "" {
		return p.UserID
	}
	return p.TokenID
}

// Outcomes of a decision.
var (
	// ErrUnauthenticated: no valid credentials (401).
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrHidden: the object is outside every scope of the caller; it is
	// answered as not found so that existence does not leak (404).
	ErrHidden = errors.New("not visible")
	// ErrForbidden: the caller sees the object (or names the scope) but
	// its roles do not allow the action there (403).
	ErrForbidden = errors.New("forbidden")
)

// Can reports whether p may do action on target, and the binding that
// allows it (zero for catalog and self-service actions).
func (p *Principal) Can(action string, t Target) (Binding, bool) {
	if p == nil {
		return Binding{}, false
	}
	if catalog[action] || self[action] {
		return Binding{}, true
	}
	for _, b := range p.Bindings {
		if b.allows(action) && b.Covers(t) {
			return b, true
		}
	}
	return Binding{}, false
}

// Sees reports whether the object of resource at t is visible to p at all.
func (p *Principal) Sees(resource string, t Target) bool {
	if p == nil {
		return false
	}
	if CatalogResource(resource) {
		return true
	}
	for _, b := range p.Bindings {
		if b.Covers(t) {
			return true
		}
	}
	return false
}

// HoldsAnywhere reports whether p may do action at some scope (a list is
// then allowed and filtered to those scopes).
func (p *Principal) HoldsAnywhere(action string) bool {
	if p == nil {
		return false
	}
	if catalog[action] || self[action] {
		return true
	}
	for _, b := range p.Bindings {
		if b.allows(action) {
			return true
		}
	}
	return false
}

// DecideObject is the decision for an action on one existing object:
// nil, ErrHidden (404) or ErrForbidden (403).
func (p *Principal) DecideObject(action string, t Target) (Binding, error) {
	return p.DecideObjectOf(action, Resource(action), t)
}

// DecideObjectOf is DecideObject for an object of another resource than
// the action's (a provider's credentials: visibility is the provider's).
func (p *Principal) DecideObjectOf(action, resource string, t Target) (Binding, error) {
	if p == nil {
		return Binding{}, ErrUnauthenticated
	}
	if !p.Sees(resource, t) {
		return Binding{}, ErrHidden
	}
	if b, ok := p.Can(action, t); ok {
		return b, nil
	}
	return Binding{}, ErrForbidden
}

// DecideAt is the decision for an action at a scope the caller names (a
// creation under an institution or a project, a platform-wide change):
// nil or ErrForbidden. It never looks at whether the scope exists, so it
// leaks nothing.
func (p *Principal) DecideAt(action string, t Target) (Binding, error) {
	if p == nil {
		return Binding{}, ErrUnauthenticated
	}
	if b, ok := p.Can(action, t); ok {
		return b, nil
	}
	return Binding{}, ErrForbidden
}

// DecideAny is the decision for a list: allowed when p holds the action
// somewhere; the list is then filtered with Visible.
func (p *Principal) DecideAny(action string) error {
	if p == nil {
		return ErrUnauthenticated
	}
	if p.HoldsAnywhere(action) {
		return nil
	}
	return ErrForbidden
}

// Visibility is the set of scopes where a principal may do an action.
type Visibility struct {
	All          bool
	Providers    []string
	Institutions []string
	Projects     []string
}

// Visible returns where p may do action (All for catalog actions and
// platform bindings).
func (p *Principal) Visible(action string) Visibility {
	var v Visibility
	if p == nil {
		return v
	}
	if catalog[action] {
		v.All = true
		return v
	}
	for _, b := range p.Bindings {
		if !b.allows(action) {
			continue
		}
		switch b.Scope.Kind {
		case Platform:
			v.All = true
		case Provider:
			v.Providers = appendUnique(v.Providers, b.Scope.ID)
		case Institution:
			v.Institutions = appendUnique(v.Institutions, b.Scope.ID)
		case Project:
			v.Projects = appendUnique(v.Projects, b.Scope.ID)
		}
	}
	return v
}

func appendUnique(s []string, v string) []string {
	if v == "" || slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// Narrow keeps the part of bindings inside scope s (a personal token
// limited to one institution or project acts only there). A binding above
// s becomes a binding at s; one below it stays; others are dropped.
func Narrow(bs []Binding, s Scope, parentInstitution string) []Binding {
	if s.Kind == Platform || s.Kind == "" {
		return bs
	}
	var out []Binding
	for _, b := range bs {
		switch {
		case b.Scope.Kind == Platform,
			b.Scope.Kind == Institution && s.Kind == Project && b.Scope.ID == parentInstitution:
			r, _ := Role(b.Role)
			nb := Binding{Role: b.Role, Scope: s, Institution: parentInstitution, Via: b.Via, Within: b.Within}
			if s.Kind == Project && !r.BindableAt(Project) && !r.BindableAt(Institution) {
				continue
			}
			out = append(out, nb)
		case b.Scope == s:
			out = append(out, b)
		case s.Kind == Institution && b.Scope.Kind == Project && b.Institution == s.ID:
			out = append(out, b)
		}
	}
	return out
}
