package api

import (
	"time"

	"github.com/soberana/soberana/internal/model"
)

// The API's views of identity nouns whose stored form holds what is never
// sent: a user's password hash and failed sign-in count, a token's hash.
// Role bindings, grants and grant changes are answered as the model nouns
// themselves: their wire form is the noun.

// UserView is a user as the API shows it (model.UserView).
type UserView = model.UserView

func userView(u model.User) UserView {
	return UserView{Meta: u.Meta, Email: u.Email, Name: u.Name, OIDCIssuer: u.OIDCIssuer, OIDCSubject: u.OIDCSubject,
		Disabled: u.Disabled, LockedUntil: u.LockedUntil, LastLoginAt: u.LastLoginAt}
}

func userViews(us []model.User) []UserView {
	out := make([]UserView, len(us))
	for i, u := range us {
		out[i] = userView(u)
	}
	return out
}

// APITokenView is a stored API token as the API shows it: its kind, owner
// and scope, never its hash (the secret is shown once, at creation).
type APITokenView struct {
	model.Meta
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	LastUsed  *time.Time `json:"last_used_at,omitempty"`
	Revoked   bool       `json:"revoked"`
	Kind      string     `json:"kind"`
	UserID    string     `json:"user_id,omitempty"`
	ScopeKind string     `json:"scope_kind"`
	ScopeID   string     `json:"scope_id,omitempty"`
	CreatedBy string     `json:"created_by,omitempty"`
	// LastUsedIP is the source address of its last use.
	LastUsedIP string `json:"last_used_ip,omitempty"`
	// GrantID is the vendor grant CreatedBy acted through when it made
	// this token (empty: a role binding); the token dies with that grant.
	GrantID string `json:"grant_id,omitempty"`
	// InstitutionID is the institution the token acts in (empty: the
	// platform or a provider); its admins list and revoke the token.
	InstitutionID string `json:"institution_id,omitempty"`
}

func apiTokenView(t model.APIToken) APITokenView {
	return APITokenView{Meta: t.Meta, Name: t.Name, Role: t.Role, ExpiresAt: t.ExpiresAt, LastUsed: t.LastUsed, Revoked: t.Revoked,
		Kind: t.Kind, UserID: t.UserID, ScopeKind: t.ScopeKind, ScopeID: t.ScopeID, CreatedBy: t.CreatedBy, LastUsedIP: t.LastUsedIP,
		GrantID: t.GrantID, InstitutionID: t.InstitutionID}
}

func apiTokenViews(ts []model.APIToken) []APITokenView {
	out := make([]APITokenView, len(ts))
	for i, t := range ts {
		out[i] = apiTokenView(t)
	}
	return out
}
