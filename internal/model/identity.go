package model

import "time"

// User is a person who signs in: with a local password (argon2id hash) or
// through an OpenID provider (issuer + subject).
type User struct {
	Meta
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	PasswordHash string     `json:"-"`
	OIDCIssuer   string     `json:"oidc_issuer,omitempty"`
	OIDCSubject  string     `json:"oidc_subject,omitempty"`
	Disabled     bool       `json:"disabled"`
	FailedLogins int64      `json:"-"`
	LockedUntil  *time.Time `json:"locked_until,omitempty"`
	LastLoginAt  *time.Time `json:"last_login_at,omitempty"`
}

// UserView is a user as the API shows it (never the password hash or the
// failed sign-in count).
type UserView struct {
	Meta
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	OIDCIssuer  string     `json:"oidc_issuer,omitempty"`
	OIDCSubject string     `json:"oidc_subject,omitempty"`
	Disabled    bool       `json:"disabled"`
	LockedUntil *time.Time `json:"locked_until,omitempty"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
}

// UserRequest creates a user.
type UserRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password,omitempty"`
}

// RoleBinding binds a role to a user at a scope.
type RoleBinding struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	Role      string    `json:"role"`
	ScopeKind string    `json:"scope_kind"`
	ScopeID   string    `json:"scope_id"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
}

// APIToken is a stored bearer token (its hash only) with its kind, owner
// and scope. It is also the API's answer: the hash is never encoded, and
// the secret is shown once, at creation.
type APIToken struct {
	Token
	Kind      string `json:"kind"`
	UserID    string `json:"user_id,omitempty"`
	ScopeKind string `json:"scope_kind"`
	ScopeID   string `json:"scope_id,omitempty"`
	CreatedBy string `json:"created_by,omitempty"`
	// LastUsedIP is the source address of its last use.
	LastUsedIP string `json:"last_used_ip,omitempty"`
	// GrantID is the vendor grant CreatedBy acted through when it made
	// this token (empty: a role binding); the token dies with that grant.
	GrantID string `json:"grant_id,omitempty"`
	// InstitutionID is the institution the token acts in (empty: the
	// platform or a provider); its admins list and revoke the token.
	InstitutionID string `json:"institution_id,omitempty"`
}

// Session is a console sign-in (the hashes of its secrets only).
type Session struct {
	ID         string
	Hash       string
	UserID     string
	CSRFHash   string
	SourceIP   string
	ExpiresAt  time.Time
	Revoked    bool
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// Grant is a vendor's time-limited role in one project.
type Grant struct {
	Meta
	ProjectID     string     `json:"project_id"`
	InstitutionID string     `json:"institution_id"`
	UserID        string     `json:"user_id"`
	Role          string     `json:"role"`
	SourceCIDRs   []string   `json:"source_cidrs,omitempty"`
	Reason        string     `json:"reason,omitempty"`
	ExpiresAt     time.Time  `json:"expires_at"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokedBy     string     `json:"revoked_by,omitempty"`
	CreatedBy     string     `json:"created_by"`
}

// GrantSpec asks for a vendor grant.
type GrantSpec struct {
	ProjectID string `json:"project_id"`
	// UserID or Email names the vendor's user (an e-mail unknown so far
	// creates a user without password who signs in with single sign-on).
	UserID      string     `json:"user_id,omitempty"`
	Email       string     `json:"email,omitempty"`
	Role        string     `json:"role"`
	ExpiresAt   *time.Time `json:"expires_at"`
	SourceCIDRs []string   `json:"source_cidrs,omitempty"`
	Reason      string     `json:"reason,omitempty"`
}

// GrantChange is one entry of the grant change feed.
type GrantChange struct {
	Seq       int64           `json:"seq"`
	GrantID   string          `json:"grant_id"`
	ProjectID string          `json:"project_id"`
	Kind      GrantChangeKind `json:"kind"`
	At        time.Time       `json:"at"`
}

// GrantChangeKind is what happened to a grant in the change feed.
type GrantChangeKind string

// Grant change kinds.
const (
	GrantChangeCreated GrantChangeKind = "created"
	GrantChangeRevoked GrantChangeKind = "revoked"
	GrantChangeExpired GrantChangeKind = "expired"
)

// GrantChangeKinds lists every grant change kind.
var GrantChangeKinds = []GrantChangeKind{GrantChangeCreated, GrantChangeRevoked, GrantChangeExpired}

// EnumValues is the closed set (the OpenAPI enum).
func (GrantChangeKind) EnumValues() []string { return Names(GrantChangeKinds) }

// Lifetime is where a credential with an expiry is in its life: a
// vendor grant or a console session. It is derived, not stored: from the
// revocation and the expiry (Grant.StateAt, Session.StateAt). Every move
// of a grant is recorded in the grant change feed (GrantChangeKind).
type Lifetime string

// Lifetime states.
const (
	LifetimeActive  Lifetime = "active"
	LifetimeExpired Lifetime = "expired"
	LifetimeRevoked Lifetime = "revoked"
)

// Lifetimes lists every lifetime state.
var Lifetimes = []Lifetime{LifetimeActive, LifetimeExpired, LifetimeRevoked}

// LifetimeTransitions is the table of lifetime states: each state and the
// states it may move to. A credential ends by expiring or by being
// revoked and is never active again; an expired one may still be revoked
// (the revocation is recorded; access had ended already); a revoked one
// is final.
var LifetimeTransitions = StateTable[Lifetime]{
	LifetimeActive:  {LifetimeExpired, LifetimeRevoked},
	LifetimeExpired: {LifetimeRevoked},
	LifetimeRevoked: {},
}

// GrantState is a vendor grant's lifetime.
type GrantState = Lifetime

// SessionState is a console session's lifetime.
type SessionState = Lifetime

// lifetimeAt is the state at now of a credential that expires at
// expiresAt: revoked once revoked, expired from the expiry instant on,
// active before.
func lifetimeAt(revoked bool, expiresAt, now time.Time) Lifetime {
	switch {
	case revoked:
		return LifetimeRevoked
	case !now.Before(expiresAt):
		return LifetimeExpired
	}
	return LifetimeActive
}

// StateAt is the grant's state at now: revoked once RevokedAt is set,
// expired from ExpiresAt on, active before.
func (g Grant) StateAt(now time.Time) GrantState {
	return lifetimeAt(g.RevokedAt != nil, g.ExpiresAt, now)
}

// State is the grant state a change of this kind moves the grant to.
func (k GrantChangeKind) State() GrantState {
	switch k {
	case GrantChangeRevoked:
		return LifetimeRevoked
	case GrantChangeExpired:
		return LifetimeExpired
	}
	return LifetimeActive
}

// StateAt is the session's state at now.
func (s Session) StateAt(now time.Time) SessionState {
	return lifetimeAt(s.Revoked, s.ExpiresAt, now)
}
