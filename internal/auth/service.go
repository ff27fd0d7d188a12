package auth

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Token kinds.
const (
	// TokenPersonal acts as its user (the user's roles and grants at each
	// request), optionally narrowed to one scope.
	TokenPersonal = "personal"
	// TokenService acts for no person, with its own role at its scope.
	TokenService = "service"
	// TokenDeploy is a service token limited to one project with the
	// developer role (CI/CD pipelines).
	TokenDeploy = "deploy"
)

// TokenKinds lists every token kind (the OpenAPI enum).
var TokenKinds = []string{TokenPersonal, TokenService, TokenDeploy}

// Sentinel errors of sign-in and administration.
var (
	ErrBadCredentials = errors.New("bad credentials")
	ErrLocked         = errors.New("account locked")
	ErrInvalid        = errors.New("invalid request")
)

// Options tune a Service.
type Options struct {
	Now func() time.Time
	// MaxFailures failed sign-ins in a row lock the account for LockFor.
	MaxFailures int
	LockFor     time.Duration
	// SessionTTL is how long a console session lasts.
	SessionTTL time.Duration
	// MaxGrant is the longest grant (one year).
	MaxGrant time.Duration
}

// Service authenticates callers and manages identities, tokens and grants.
type Service struct {
	st  *store.Store
	opt Options
}

// New returns a Service over st.
func New(st *store.Store, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxFailures == 0 {
		o.MaxFailures = 5
	}
	if o.LockFor == 0 {
		o.LockFor = 15 * time.Minute
	}
	if o.SessionTTL == 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.MaxGrant == 0 {
		o.MaxGrant = 366 * 24 * time.Hour
	}
	return &Service{st: st, opt: o}
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.opt.Now().UTC() }

// Store returns the store.
func (s *Service) Store() *store.Store { return s.st }

// TokenPrincipal resolves an API token presented from ip. A service or
// deploy token acts with its own role at its scope intersected with the
// live bindings of the principal it derives from (derive.go).
func (s *Service) TokenPrincipal(ctx context.Context, secret, ip string) (*Principal, model.APIToken, error) {
	tx := s.st.Read()
	tok, err := bySecret(ctx, tx.APITokenByHash, secret)
	if err != nil {
		return nil, tok, err
	}
	now := s.Now()
	if tok.Revoked || (tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt)) {
		return nil, tok, ErrUnauthenticated
	}
	p, err := s.tokenBindings(ctx, tx, tok, ip, false, now, 0)
	if err != nil {
		return nil, tok, err
	}
	p.SourceIP = ip
	if len(p.Bindings) > 0 {
		p.Role = p.Bindings[0].Role
	}
	return p, tok, nil
}

// bySecret looks a presented secret up by its hash (get: the store's
// APITokenByHash or SessionByHash); an unknown secret is
// ErrUnauthenticated, like a revoked or expired one.
func bySecret[T any](ctx context.Context, get func(context.Context, string) (T, error), secret string) (T, error) {
	v, err := get(ctx, HashSecret(secret))
	if errors.Is(err, store.ErrNotFound) {
		return v, ErrUnauthenticated
	}
	return v, err
}

// SessionPrincipal resolves a console session cookie presented from ip.
func (s *Service) SessionPrincipal(ctx context.Context, secret, ip string) (*Principal, model.Session, error) {
	tx := s.st.Read()
	ses, err := bySecret(ctx, tx.SessionByHash, secret)
	if err != nil {
		return nil, ses, err
	}
	now := s.Now()
	if ses.StateAt(now) != model.LifetimeActive {
		return nil, ses, ErrUnauthenticated
	}
	u, err := tx.UserByID(ctx, ses.UserID)
	if err != nil || u.Disabled {
		return nil, ses, ErrUnauthenticated
	}
	bs, err := s.bindingsOf(ctx, tx, u.ID, ip, false, now)
	if err != nil {
		return nil, ses, err
	}
	p := &Principal{Kind: KindUser, UserID: u.ID, SessionID: ses.ID, Name: u.Email, Bindings: bs, SourceIP: ip, Person: u.ID}
	if len(bs) > 0 {
		p.Role = bs[0].Role
	}
	return p, ses, nil
}

// bindingsOf returns a user's role bindings and the grants in force at
// now from ip (anyIP: whatever the grants' source addresses). It reads the
// database at every request, so a revoked or expired grant stops working
// on the very next one.
func (s *Service) bindingsOf(ctx context.Context, tx *store.Tx, userID, ip string, anyIP bool, now time.Time) ([]Binding, error) {
	rbs, err := tx.RoleBindings(ctx, userID)
	if err != nil {
		return nil, err
	}
	var out []Binding
	for _, rb := range rbs {
		b := Binding{Role: rb.Role, Scope: Scope{Kind: ScopeKind(rb.ScopeKind), ID: rb.ScopeID}, Via: "role"}
		if b.Scope.Kind == Project {
			o, err := tx.ScopeOf(ctx, "projects", rb.ScopeID)
			if err != nil {
				continue
			}
			b.Institution = o.Institution
		}
		out = append(out, b)
	}
	gs, err := tx.ListGrants(ctx, store.GrantFilter{UserID: userID, ActiveAt: &now})
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		if !anyIP && !SourceAllowed(g.SourceCIDRs, ip) {
			continue
		}
		out = append(out, Binding{Role: g.Role, Scope: Scope{Kind: Project, ID: g.ProjectID}, Institution: g.InstitutionID, Via: "grant:" + g.ID})
	}
	return out, nil
}

// SourceAllowed reports whether ip is inside one of cidrs (an empty list
// allows every address).
func SourceAllowed(cidrs []string, ip string) bool {
	if len(cidrs) == 0 {
		return true
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, c := range cidrs {
		pfx, err := netip.ParsePrefix(c)
		if err != nil {
			continue
		}
		if pfx.Contains(addr) {
			return true
		}
	}
	return false
}

// Login checks a local password. After MaxFailures failures in a row the
// account is locked for LockFor (ErrLocked, even with the right password).
// An e-mail address of no user is counted and locked the same way, and
// every attempt verifies one argon2id hash, so that neither the answer
// nor its timing tells whether an account exists.
func (s *Service) Login(ctx context.Context, email, password string) (model.User, error) {
	tx := s.st.Read()
	u, err := tx.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return model.User{}, s.unknownLogin(ctx, tx, email, password)
	}
	if err != nil {
		return u, err
	}
	now := s.Now()
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		VerifyPassword(dummyHash, password) // cost what a check costs
		return u, ErrLocked
	}
	hash := u.PasswordHash
	if u.Disabled || hash == "" {
		hash = dummyHash
	}
	if !VerifyPassword(hash, password) || u.Disabled || u.PasswordHash == "" {
		var lock *time.Time
		if int(u.FailedLogins)+1 >= s.opt.MaxFailures {
			t := now.Add(s.opt.LockFor)
			lock = &t
		}
		if err := tx.RecordLogin(ctx, u.ID, false, lock); err != nil {
			return u, err
		}
		if lock != nil {
			return u, ErrLocked
		}
		return u, ErrBadCredentials
	}
	return u, tx.RecordLogin(ctx, u.ID, true, nil)
}

// StartSession creates a console session for a user in tx and returns its
// cookie secret and CSRF token.
func (s *Service) StartSession(ctx context.Context, tx *store.Tx, userID, ip string) (secret, csrf string, ses model.Session, err error) {
	secret, hash := NewSecret(SessionPrefix)
	csrf = CSRFToken(secret)
	ses = model.Session{Hash: hash, UserID: userID, CSRFHash: HashSecret(csrf), SourceIP: ip, ExpiresAt: s.Now().Add(s.opt.SessionTTL)}
	if err := tx.CreateSession(ctx, &ses); err != nil {
		return "", "", ses, err
	}
	return secret, csrf, ses, nil
}

// SessionTTL is the lifetime of console sessions.
func (s *Service) SessionTTL() time.Duration { return s.opt.SessionTTL }

// TokenSpec asks for a new API token.
type TokenSpec struct {
	Name string `json:"name"`
	// Kind is personal, service or deploy; left out (or empty), personal.
	Kind      string     `json:"kind,omitempty"`
	Role      string     `json:"role,omitempty"`
	ScopeKind ScopeKind  `json:"scope_kind,omitempty"`
	ScopeID   string     `json:"scope_id,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// MaxTokenLifetime bounds personal and deploy tokens.
const MaxTokenLifetime = 366 * 24 * time.Hour

// IssueToken checks that by may create the token described by spec and
// stores it; the secret is returned once and never again.
func (s *Service) IssueToken(ctx context.Context, tx *store.Tx, by *Principal, spec TokenSpec) (string, model.APIToken, error) {
	var tok model.APIToken
	now := s.Now()
	if strings.TrimSpace(spec.Name) == "" || len(spec.Name) > 100 {
		return "", tok, fmt.Errorf("%w: name", ErrInvalid)
	}
	// Left out, kind and scope_kind are their documented defaults (the
	// OpenAPI document's); any other value outside their sets is refused
	// naming the values allowed.
	if spec.Kind == "" {
		spec.Kind = TokenPersonal
	}
	if spec.ScopeKind == "" {
		spec.ScopeKind = Platform
	}
	var v model.Validator
	v.OneOf("kind", spec.Kind, TokenKinds...)
	v.OneOf("scope_kind", string(spec.ScopeKind), model.Names(ScopeKinds)...)
	if err := v.Err(); err != nil {
		return "", tok, err
	}
	if (spec.ScopeKind == Platform) != (spec.ScopeID == "") {
		return "", tok, fmt.Errorf("%w: scope", ErrInvalid)
	}
	if spec.ExpiresAt != nil && !spec.ExpiresAt.After(now) {
		return "", tok, fmt.Errorf("%w: expires_at", ErrInvalid)
	}
	target, err := s.targetOfScope(ctx, tx, Scope{Kind: spec.ScopeKind, ID: spec.ScopeID})
	if err != nil {
		return "", tok, err
	}
	switch spec.Kind {
	case TokenPersonal:
		if by.UserID == "" {
			return "", tok, fmt.Errorf("%w: kind (only a person has personal tokens)", ErrInvalid)
		}
		if spec.ExpiresAt == nil {
			e := now.Add(90 * 24 * time.Hour)
			spec.ExpiresAt = &e
		}
		spec.Role = ""
		tok.UserID = by.UserID
	case TokenService:
		r, ok := Role(spec.Role)
		if !ok || !r.BindableAt(spec.ScopeKind) {
			return "", tok, fmt.Errorf("%w: role", ErrInvalid)
		}
		if _, err := by.DecideAt("members:write", target); err != nil {
			return "", tok, err
		}
		if (spec.Role == RolePlatformAdmin || spec.Role == RoleAuditor) && !by.isPlatformAdmin() {
			return "", tok, ErrForbidden
		}
	case TokenDeploy:
		if spec.ScopeKind != Project {
			return "", tok, fmt.Errorf("%w: scope_kind (a deploy token is limited to one project)", ErrInvalid)
		}
		if _, err := by.DecideAt("workloads:write", target); err != nil {
			return "", tok, err
		}
		spec.Role = RoleDeveloper
		if spec.ExpiresAt == nil {
			e := now.Add(MaxTokenLifetime)
			spec.ExpiresAt = &e
		}
	}
	if spec.ExpiresAt != nil && spec.ExpiresAt.Sub(now) > MaxTokenLifetime && spec.Kind != TokenService {
		return "", tok, fmt.Errorf("%w: expires_at (at most one year)", ErrInvalid)
	}
	if spec.Kind != TokenPersonal {
		// Nobody puts in a token what they do not hold; the token derives
		// from its maker (and the grant it acted through) and never
		// outlives them.
		if err := by.HoldsRole(spec.Role, spec.ScopeKind, target); err != nil {
			return "", tok, err
		}
		grant, ok := by.grantFor(spec.Role, spec.ScopeKind, target)
		if !ok {
			return "", tok, &EscalationError{Role: spec.Role, Action: "one grant"}
		}
		limit, err := s.derivedExpiry(ctx, tx, by, grant)
		if err != nil {
			return "", tok, err
		}
		if limit != nil && (spec.ExpiresAt == nil || spec.ExpiresAt.After(*limit)) {
			spec.ExpiresAt = limit
		}
		tok.GrantID = grant
	}
	tok.InstitutionID = target.Institution
	secret, hash := NewSecret(TokenPrefix)
	tok.Name, tok.Role, tok.Hash, tok.ExpiresAt = spec.Name, spec.Role, hash, spec.ExpiresAt
	tok.Kind, tok.ScopeKind, tok.ScopeID, tok.CreatedBy = spec.Kind, string(spec.ScopeKind), spec.ScopeID, by.ActorID()
	if err := tx.CreateAPIToken(ctx, &tok); err != nil {
		return "", tok, err
	}
	return secret, tok, nil
}

// derivedExpiry is the latest expiry of a token made by by through grant:
// the grant's expiry, and the expiry of the token by presents (nil: none).
func (s *Service) derivedExpiry(ctx context.Context, tx *store.Tx, by *Principal, grant string) (*time.Time, error) {
	var limit *time.Time
	if grant != "" {
		g, err := tx.GrantByID(ctx, grant)
		if err != nil {
			return nil, err
		}
		e := g.ExpiresAt
		limit = &e
	}
	if by.Kind == KindToken && by.TokenID != "" {
		t, err := tx.APITokenByID(ctx, by.TokenID)
		if err != nil {
			return nil, err
		}
		if t.ExpiresAt != nil && (limit == nil || t.ExpiresAt.Before(*limit)) {
			e := *t.ExpiresAt
			limit = &e
		}
	}
	return limit, nil
}

func (p *Principal) isPlatformAdmin() bool {
	for _, b := range p.Bindings {
		if b.Role == RolePlatformAdmin && b.Scope.Kind == Platform && len(b.Within) == 0 {
			return true
		}
	}
	return false
}

// targetOfScope returns the target that a scope stands for (a project
// scope also names its institution).
func (s *Service) targetOfScope(ctx context.Context, tx *store.Tx, sc Scope) (Target, error) {
	switch sc.Kind {
	case Provider:
		return Target{Provider: sc.ID}, nil
	case Institution:
		return Target{Institution: sc.ID}, nil
	case Project:
		o, err := tx.ScopeOf(ctx, "projects", sc.ID)
		if errors.Is(err, store.ErrNotFound) {
			return Target{Project: sc.ID}, nil
		}
		if err != nil {
			return Target{}, err
		}
		return Target{Institution: o.Institution, Project: sc.ID}, nil
	}
	return Target{}, nil
}

// TargetOfScope is targetOfScope outside a transaction.
func (s *Service) TargetOfScope(ctx context.Context, sc Scope) (Target, error) {
	return s.targetOfScope(ctx, s.st.Read(), sc)
}

// BootstrapToken stores the first platform-admin service token.
func BootstrapToken(ctx context.Context, tx *store.Tx, name, secret string) (string, model.APIToken, error) {
	var hash string
	if secret == "" {
		secret, hash = NewSecret(TokenPrefix)
	} else {
		if _, ok := ParseSecret(secret, TokenPrefix); !ok {
			return "", model.APIToken{}, errors.New("token must start with " + TokenPrefix + " followed by at least 16 letters, digits, _ or -")
		}
		hash = HashSecret(secret)
	}
	tok := model.APIToken{Kind: TokenService, ScopeKind: string(Platform), CreatedBy: "bootstrap"}
	tok.Name, tok.Role, tok.Hash = name, RolePlatformAdmin, hash
	if err := tx.CreateAPIToken(ctx, &tok); err != nil {
		return "", tok, err
	}
	return secret, tok, nil
}
