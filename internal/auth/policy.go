// Package auth is who may do what in soberana: users (local passwords with
// argon2id and lockout, or OpenID Connect single sign-on), console
// sessions, API tokens (personal, service, deploy), roles bound to scopes,
// vendor grants, and the one authorization decision every API route
// passes through (Principal.Decide).
//
// The scope tree is platform ⊃ provider and platform ⊃ institution ⊃
// project. A role bound at a scope applies to that scope and to what is
// below it. Actions are "<resource>:<verb>" with verbs read, write and
// approve.
package auth

import (
	"slices"
	"strings"

	"github.com/soberana/soberana/internal/model"
)

// ScopeKind is a level of the scope tree.
type ScopeKind string

// Scope kinds.
const (
	Platform    ScopeKind = "platform"
	Provider    ScopeKind = "provider"
	Institution ScopeKind = "institution"
	Project     ScopeKind = "project"
)

// ScopeKinds lists every scope kind, root first.
var ScopeKinds = []ScopeKind{Platform, Provider, Institution, Project}

// EnumValues is the closed set (the OpenAPI enum).
func (ScopeKind) EnumValues() []string { return model.Names(ScopeKinds) }

// Valid reports whether k is a known scope kind.
func (k ScopeKind) Valid() bool {
	switch k {
	case Platform, Provider, Institution, Project:
		return true
	}
	return false
}

// Roles.
const (
	RolePlatformAdmin    = "platform-admin"
	RoleAuditor          = "auditor"
	RoleProviderOperator = "provider-operator"
	RoleInstitutionAdmin = "institution-admin"
	RoleFinanceOfficer   = "finance-officer"
	RoleDeveloper        = "developer"
	RoleViewer           = "viewer"
)

// RoleDef is what a role may do and at which scope kinds it may be bound.
type RoleDef struct {
	Name    string
	Scopes  []ScopeKind
	Actions []string
	// Summary is the English one-liner of docs/security.md.
	Summary string
}

// Roles is the policy: the only table that says what each role may do.
// Patterns: "*" everything, "*:read" every read, "projects:*" every verb
// on projects.
var Roles = []RoleDef{
	{Name: RolePlatformAdmin, Scopes: []ScopeKind{Platform}, Actions: []string{"*"},
		Summary: "everything"},
	{Name: RoleAuditor, Scopes: []ScopeKind{Platform}, Actions: []string{"*:read"},
		Summary: "read everything (the audit log included), change nothing"},
	{Name: RoleProviderOperator, Scopes: []ScopeKind{Provider},
		Actions: []string{"providers:read", "sites:*", "prices:*", "orders:read", "workloads:read", "statements:read", "credentials:write"},
		Summary: "its provider's sites, prices, orders, statements and API credentials"},
	{Name: RoleInstitutionAdmin, Scopes: []ScopeKind{Institution},
		Actions: []string{"institutions:read", "budget-lines:read", "projects:*", "workloads:read", "workloads:write", "apps:*",
			"grants:*", "members:*", "audit:read", "statements:read", "ledger:read", "tokens:*"},
		Summary: "its institution's projects, members, workloads, vendor grants and audit trail"},
	{Name: RoleFinanceOfficer, Scopes: []ScopeKind{Institution},
		Actions: []string{"institutions:read", "budget-lines:*", "projects:read", "workloads:read", "workloads:approve",
			"statements:*", "ledger:*"},
		Summary: "its institution's budget lines, approvals and statements"},
	{Name: RoleDeveloper, Scopes: []ScopeKind{Institution, Project},
		Actions: []string{"projects:read", "workloads:read", "workloads:write", "apps:*"},
		Summary: "its projects' workloads and apps"},
	{Name: RoleViewer, Scopes: []ScopeKind{Platform, Provider, Institution, Project},
		Actions: []string{"providers:read", "sites:read", "prices:read", "institutions:read", "budget-lines:read",
			"projects:read", "workloads:read", "apps:read", "statements:read", "ledger:read", "grants:read", "orders:read"},
		Summary: "read what is in its scope (not the audit log)"},
}

// Role returns the definition of a role.
func Role(name string) (RoleDef, bool) {
	for _, r := range Roles {
		if r.Name == name {
			return r, true
		}
	}
	return RoleDef{}, false
}

// Allows reports whether the role's actions match action.
func (r RoleDef) Allows(action string) bool {
	for _, p := range r.Actions {
		if matchAction(p, action) {
			return true
		}
	}
	return false
}

// BindableAt reports whether the role may be bound at scope kind k.
func (r RoleDef) BindableAt(k ScopeKind) bool { return slices.Contains(r.Scopes, k) }

func matchAction(pattern, action string) bool {
	if pattern == "*" || pattern == action {
		return true
	}
	pr, pv, _ := strings.Cut(pattern, ":")
	ar, av, _ := strings.Cut(action, ":")
	return (pr == "*" || pr == ar) && (pv == "*" || pv == av)
}

// Catalog actions are allowed to every authenticated caller: the market
// (providers, sites, offerings, prices, exchange rates) is public to the
// platform's users.
var catalog = map[string]bool{
	"providers:read": true, "sites:read": true, "offerings:read": true, "prices:read": true,
	"fx-rates:read": true, "version:read": true,
}

// CatalogResource reports whether objects of resource are visible to every
// authenticated caller.
func CatalogResource(resource string) bool { return catalog[resource+":read"] }

// Self actions are what every authenticated user may do about itself
// (its tokens, its session); the handlers restrict them to its own objects.
var self = map[string]bool{"self:read": true, "self:write": true}

// Resource returns the resource part of an action.
func Resource(action string) string {
	r, _, _ := strings.Cut(action, ":")
	return r
}

// KnownAction reports whether some role, the catalog or self-service can
// ever be allowed action: a route declaring an action nobody holds (a typo)
// is a bug that TestEveryRouteDeclaresAKnownRule catches.
func KnownAction(action string) bool {
	if catalog[action] || self[action] {
		return true
	}
	for _, r := range Roles {
		if r.Name == RolePlatformAdmin || r.Name == RoleAuditor {
			continue
		}
		if r.Allows(action) {
			return true
		}
	}
	return knownPlatformActions[action]
}

// knownPlatformActions are held by the platform admin (and, for reads, the
// auditor) only.
var knownPlatformActions = map[string]bool{
	"platform:read": true, "platform:write": true,
	"offerings:write": true, "fx-rates:write": true, "providers:write": true, "institutions:write": true,
	"users:read": true, "users:write": true, "audit:write": true, "secrets:write": true,
	"monitoring:read": true, "monitoring:write": true,
}
