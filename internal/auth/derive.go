package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Derived credentials and escalation (docs/security.md, "Derived
// credentials and escalation").
//
// A service or deploy token, or an app's webhook secret, is derived from
// the principal that made it (tokens.created_by, apps.created_by) and,
// when that principal acted through a vendor grant, from that grant
// (grant_id). At every request it acts with the intersection of its own
// role at its scope and the live bindings of that principal, so that
// revoking a grant, removing a role binding or disabling a user ends every
// credential derived from them on the next request.
//
// Nobody grants what they do not hold: binding a role, granting it or
// putting it in a token at a scope requires holding every action of that
// role there (HoldsRole), as Kubernetes RBAC's escalation check does.

// maxDerivation bounds a chain token → token → … → person; a longer one
// holds nothing.
const maxDerivation = 8

// ErrEscalation is wrapped by an EscalationError.
var ErrEscalation = fmt.Errorf("%w: escalation", ErrForbidden)

// EscalationError says which action of a role the caller does not hold at
// the scope where it asked to give that role.
type EscalationError struct {
	Role   string
	Action string
}

func (e *EscalationError) Error() string {
	return "escalation: giving role " + e.Role + " needs " + e.Action + " there"
}

// Unwrap makes an EscalationError an ErrEscalation (and ErrForbidden).
func (e *EscalationError) Unwrap() error { return ErrEscalation }

// Intersect returns what both sets of bindings allow: for each pair whose
// scopes nest, a binding at the narrower scope with own's role held within
// the other's role (Binding.Within).
func Intersect(own, of []Binding) []Binding {
	var out []Binding
	for _, b := range own {
		for _, c := range of {
			s, inst, ok := meet(b, c)
			if !ok {
				continue
			}
			nb := Binding{Role: b.Role, Scope: s, Institution: inst, Via: b.Via, Within: slices.Clone(b.Within)}
			if len(c.Within) > 0 || !Subsumes(c.Role, b.Role) {
				for _, w := range append([]string{c.Role}, c.Within...) {
					if !slices.Contains(nb.Within, w) && !Subsumes(w, b.Role) {
						nb.Within = append(nb.Within, w)
					}
				}
			}
			if !slices.ContainsFunc(out, func(x Binding) bool { return sameBinding(x, nb) }) {
				out = append(out, nb)
			}
		}
	}
	return out
}

func sameBinding(a, b Binding) bool {
	return a.Role == b.Role && a.Scope == b.Scope && a.Via == b.Via && slices.Equal(a.Within, b.Within)
}

// meet is the narrower of two scopes when one contains the other.
func meet(b, c Binding) (Scope, string, bool) {
	switch {
	case b.Scope.Kind == Platform:
		return c.Scope, c.Institution, true
	case c.Scope.Kind == Platform:
		return b.Scope, b.Institution, true
	case b.Scope == c.Scope:
		return b.Scope, b.Institution, true
	case b.Scope.Kind == Institution && c.Scope.Kind == Project && c.Institution == b.Scope.ID:
		return c.Scope, c.Institution, true
	case b.Scope.Kind == Project && c.Scope.Kind == Institution && b.Institution == c.Scope.ID:
		return b.Scope, b.Institution, true
	}
	return Scope{}, "", false
}

// Actions returns every concrete action of the policy's vocabulary: the
// actions roles, the catalog, self-service and the platform name, and
// read and write of every resource a role pattern names ("approve" only
// where named). Role patterns expand over it.
var Actions = sync.OnceValue(func() []string {
	set := map[string]bool{}
	add := func(a string) {
		r, v, _ := strings.Cut(a, ":")
		switch {
		case r == "*":
		case v == "*":
			set[r+":read"], set[r+":write"] = true, true
		default:
			set[a] = true
		}
	}
	for _, r := range Roles {
		for _, a := range r.Actions {
			add(a)
		}
	}
	for _, m := range []map[string]bool{catalog, self, knownPlatformActions} {
		for a := range m {
			add(a)
		}
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
})

// RoleActions returns the concrete actions a role allows.
func RoleActions(role string) []string {
	r, ok := Role(role)
	if !ok {
		return nil
	}
	var out []string
	for _, a := range Actions() {
		if r.Allows(a) {
			out = append(out, a)
		}
	}
	return out
}

// Subsumes reports whether role q allows every action of role r.
func Subsumes(q, r string) bool {
	qd, ok := Role(q)
	if !ok {
		return false
	}
	for _, a := range RoleActions(r) {
		if !qd.Allows(a) {
			return false
		}
	}
	return true
}

// providerResources are objects that sit under a provider only: a role
// bound at an institution or a project can never reach them, so their
// actions do not count there.
var providerResources = map[string]bool{"providers": true, "sites": true, "prices": true, "orders": true, "credentials": true}

// applicable reports whether action can reach any object through a
// binding at a scope of kind k.
func applicable(action string, k ScopeKind) bool {
	if catalog[action] || self[action] {
		return false // everyone holds them
	}
	if providerResources[Resource(action)] {
		return k == Platform || k == Provider
	}
	return true
}

// HoldsRole checks that p holds every action of role that applies at the
// scope (of kind k, placed at t): the condition for p to bind, grant or
// put that role in a token there. It returns nil or an *EscalationError.
func (p *Principal) HoldsRole(role string, k ScopeKind, t Target) error {
	if p == nil {
		return ErrUnauthenticated
	}
	acts := RoleActions(role)
	if len(acts) == 0 {
		return &EscalationError{Role: role, Action: "?"}
	}
	for _, a := range acts {
		if !applicable(a, k) {
			continue
		}
		if _, ok := p.Can(a, t); !ok {
			return &EscalationError{Role: role, Action: a}
		}
	}
	return nil
}

// grantFor returns the vendor grant through which p holds role at t: ""
// when p holds it without any grant (or p is a token, whose own grant is
// p.GrantID), else the grant that alone (with p's other bindings) holds
// it. ok is false when no single grant does.
func (p *Principal) grantFor(role string, k ScopeKind, t Target) (grant string, ok bool) {
	if p.GrantID != "" || p.Kind == KindToken {
		return p.GrantID, true
	}
	var base []Binding
	var grants []string
	for _, b := range p.Bindings {
		if id, isGrant := strings.CutPrefix(b.Via, "grant:"); isGrant {
			grants = append(grants, id)
			continue
		}
		base = append(base, b)
	}
	if (&Principal{Bindings: base}).HoldsRole(role, k, t) == nil {
		return "", true
	}
	for _, g := range grants {
		bs := slices.Clone(base)
		for _, b := range p.Bindings {
			if b.Via == "grant:"+g {
				bs = append(bs, b)
			}
		}
		if (&Principal{Bindings: bs}).HoldsRole(role, k, t) == nil {
			return g, true
		}
	}
	return "", false
}

// GrantForAction returns the vendor grant through which p may do action
// at t ("" when a role binding allows it, or p's own grant for a token):
// what an object p makes (an app and its webhook secret) derives from.
func (p *Principal) GrantForAction(action string, t Target) string {
	if p.GrantID != "" || p.Kind == KindToken {
		return p.GrantID
	}
	grant := ""
	for _, b := range p.Bindings {
		if !b.allows(action) || !b.Covers(t) {
			continue
		}
		id, isGrant := strings.CutPrefix(b.Via, "grant:")
		if !isGrant {
			return ""
		}
		if grant == "" {
			grant = id
		}
	}
	return grant
}

// derivedFrom reports whether created_by names a principal (a user or a
// token) rather than a root such as "bootstrap".
func derivedFrom(createdBy string) bool {
	return strings.HasPrefix(createdBy, "usr_") || strings.HasPrefix(createdBy, "tok_")
}

// liveOf returns the bindings that principal id (a user or a token) holds
// now from ip (anyIP: the grant's source addresses are not checked), only
// those of grant when grant is set, and the person behind it.
func (s *Service) liveOf(ctx context.Context, tx *store.Tx, id, grant, ip string, anyIP bool, now time.Time, depth int) ([]Binding, string, error) {
	if depth > maxDerivation {
		return nil, "", nil
	}
	if strings.HasPrefix(id, "tok_") {
		tok, err := tx.APITokenByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil, "", nil
		}
		if err != nil {
			return nil, "", err
		}
		if tok.Revoked || (tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt)) {
			return nil, "", nil
		}
		p, err := s.tokenBindings(ctx, tx, tok, ip, anyIP, now, depth+1)
		if err != nil {
			return nil, "", err
		}
		return p.Bindings, p.Person, nil
	}
	u, err := tx.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	if u.Disabled {
		return nil, u.ID, nil
	}
	bs, err := s.bindingsOf(ctx, tx, u.ID, ip, anyIP, now)
	if err != nil {
		return nil, "", err
	}
	if grant != "" {
		bs = slices.DeleteFunc(bs, func(b Binding) bool { return b.Via != "grant:"+grant })
	}
	return bs, u.ID, nil
}

// tokenBindings returns the principal of a live token: a personal token's
// user's bindings narrowed to its scope; a service or deploy token's own
// role at its scope intersected with the live bindings of the principal
// (and grant) it derives from.
func (s *Service) tokenBindings(ctx context.Context, tx *store.Tx, tok model.APIToken, ip string, anyIP bool, now time.Time, depth int) (*Principal, error) {
	p := &Principal{Kind: KindToken, TokenID: tok.ID, Name: tok.Name, SourceIP: ip, GrantID: tok.GrantID}
	scope := Scope{Kind: ScopeKind(tok.ScopeKind), ID: tok.ScopeID}
	parent := ""
	if scope.Kind == Project {
		o, err := tx.ScopeOf(ctx, "projects", scope.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		parent = o.Institution
	}
	if tok.Kind == TokenPersonal {
		u, err := tx.UserByID(ctx, tok.UserID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, ErrUnauthenticated
		}
		if err != nil {
			return nil, err
		}
		if u.Disabled {
			return nil, ErrUnauthenticated
		}
		bs, err := s.bindingsOf(ctx, tx, u.ID, ip, anyIP, now)
		if err != nil {
			return nil, err
		}
		p.Kind, p.UserID, p.Name, p.Person = KindUser, u.ID, u.Email, u.ID
		p.Bindings = Narrow(bs, scope, parent)
		return p, nil
	}
	own := []Binding{{Role: tok.Role, Scope: scope, Institution: parent, Via: "token:" + tok.ID}}
	if !derivedFrom(tok.CreatedBy) {
		p.Bindings = own
		return p, nil
	}
	live, person, err := s.liveOf(ctx, tx, tok.CreatedBy, tok.GrantID, ip, anyIP, now, depth)
	if err != nil {
		return nil, err
	}
	p.Person = person
	p.Bindings = Intersect(own, live)
	return p, nil
}

// LivePrincipal is the principal id (a user or a token) as it stands now,
// limited to grant when grant is set, whatever address it acts from: what
// an app's webhook secret acts as (apps.created_by, apps.grant_id).
func (s *Service) LivePrincipal(ctx context.Context, id, grant string) (*Principal, error) {
	tx := s.st.Read()
	p := &Principal{Kind: KindUser, UserID: id, Name: id, GrantID: grant}
	if strings.HasPrefix(id, "tok_") {
		p = &Principal{Kind: KindToken, TokenID: id, Name: id, GrantID: grant}
	}
	if !derivedFrom(id) {
		return p, nil
	}
	bs, person, err := s.liveOf(ctx, tx, id, grant, "", true, s.Now(), 0)
	if err != nil {
		return nil, err
	}
	p.Bindings, p.Person = bs, person
	return p, nil
}

// ActsAs reports whether p holds role itself at t, undiminished: a binding
// of that role covering t that no other role narrows (a finance officer
// approving spending).
func (p *Principal) ActsAs(role string, t Target) bool {
	if p == nil {
		return false
	}
	for _, b := range p.Bindings {
		if b.Role != role || !b.Covers(t) {
			continue
		}
		whole := true
		for _, w := range b.Within {
			whole = whole && Subsumes(w, role)
		}
		if whole {
			return true
		}
	}
	return false
}
