package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/auth"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// LoginRequest signs in with a local password.
type LoginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// IssueToken asks for a personal API token (soberana login) instead
	// of a console session.
	IssueToken bool   `json:"issue_token,omitempty"`
	TokenName  string `json:"token_name,omitempty"`
}

// LoginResponse answers a sign-in. Token is shown once.
type LoginResponse struct {
	User      UserView  `json:"user"`
	CSRFToken string    `json:"csrf_token,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
	Token     string    `json:"token,omitempty"`
}

// MeResponse describes the caller.
type MeResponse struct {
	Principal
}

// TokenCreated is a new token with its secret (shown once).
type TokenCreated struct {
	APITokenView
	Secret string `json:"token"`
}

// UserRequest creates a local user (model.UserRequest).
type UserRequest = model.UserRequest

// BindingRequest binds a role to a user at a scope.
type BindingRequest struct {
	UserID    string         `json:"user_id"`
	Role      string         `json:"role"`
	ScopeKind auth.ScopeKind `json:"scope_kind"`
	ScopeID   string         `json:"scope_id,omitempty"`
}

type tokenPage struct {
	Items []APITokenView `json:"items"`
}

type grantPage struct {
	Items      []model.Grant `json:"items"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

type bindingPage struct {
	Items []model.RoleBinding `json:"items"`
}

type userPage struct {
	Items      []UserView `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

// cookie builds a console cookie: Secure when served over TLS, HttpOnly
// unless the console script must read it (the CSRF token), SameSite=Strict.
func cookie(r *http.Request, name, value string, httpOnly bool, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: httpOnly, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode, MaxAge: maxAge}
}

func (a *API) identityRoutes() []*Route {
	return []*Route{
		{Method: "POST", Path: "/v1/auth/login", Summary: "Sign in with e-mail and password: a console session (HttpOnly cookie + CSRF token) or, with issue_token, a personal API token; repeated failures lock the account",
			Tag: "auth", Auth: Public(), Request: LoginRequest{}, Response: LoginResponse{}, Errors: []int{http.StatusUnauthorized},
			Handle: withBody(a.login)},
		{Method: "POST", Path: "/v1/auth/logout", Summary: "End the console session", Tag: "auth", Auth: Any("self:write"),
			Handle: func(r *http.Request) (any, error) {
				p := principalOf(r.Context())
				if p.SessionID == "" {
					return nil, nil
				}
				return nil, a.store.InTx(r.Context(), func(tx *store.Tx) error { return tx.RevokeSession(r.Context(), p.SessionID) })
			}},
		{Method: "GET", Path: "/v1/auth/me", Summary: "Who the caller is and the roles in force for this request", Tag: "auth", Auth: Any("self:read"),
			Response: MeResponse{}, Handle: func(r *http.Request) (any, error) {
				return MeResponse{*principalOf(r.Context())}, nil
			}},
		{Method: "GET", Path: "/v1/tokens", Summary: "The caller's API tokens, those it made, and every token acting in the institutions it administers (platform admins: every token); secrets are never shown again",
			Tag: "auth", Auth: Any("self:read"), Response: tokenPage{}, Handle: a.listTokens},
		{Method: "POST", Path: "/v1/tokens", Summary: "Create a personal, service or deploy token with a scope and an expiry; the secret is in the answer only",
			Tag: "auth", Auth: Any("self:write"), Request: auth.TokenSpec{}, Response: TokenCreated{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, spec auth.TokenSpec) (any, error) {
				var v model.Validator
				if v.Name("name", &spec.Name); v.Err() != nil {
					return nil, v.Err()
				}
				a.auditTokenScope(r, auth.Scope{Kind: spec.ScopeKind, ID: spec.ScopeID})
				return a.created(r, "tokens", func(tx *store.Tx) (any, string, error) {
					secret, tok, err := a.auth.IssueToken(r.Context(), tx, principalOf(r.Context()), spec)
					return TokenCreated{APITokenView: tok, Secret: secret}, tok.ID, err
				})
			})},
		{Method: "DELETE", Path: "/v1/tokens/{id}", Summary: "Revoke a token (one's own, one it made, or any acting in an institution one administers, whoever made it)",
			Tag: "auth", Auth: Any("self:write"), Handle: func(r *http.Request) (any, error) {
				p := principalOf(r.Context())
				id := r.PathValue("id")
				store.AuditTarget(r.Context(), "tokens", id)
				return nil, a.store.InTx(r.Context(), func(tx *store.Tx) error {
					tok, err := tx.APITokenByID(r.Context(), id)
					if err != nil {
						return err
					}
					if !a.mayManageToken(r, p, tok) {
						return store.ErrNotFound
					}
					a.auditTokenScope(r, auth.Scope{Kind: auth.ScopeKind(tok.ScopeKind), ID: tok.ScopeID})
					return tx.RevokeToken(r.Context(), id)
				})
			}},
		{Method: "GET", Path: "/v1/users", Summary: "List users", Tag: "auth", Auth: Platform("users:read"), Response: userPage{},
			Query: []string{"limit", "cursor"}, Handle: func(r *http.Request) (any, error) {
				o, err := ListQuery(r, nil)
				if err != nil {
					return nil, err
				}
				limit := o.Limit
				if limit == 0 {
					limit = 100
				}
				us, err := a.store.Read().ListUsers(r.Context(), o.After, limit+1)
				if err != nil {
					return nil, err
				}
				us, next := trimPage(us, limit, func(u model.User) string { return u.ID })
				return userPage{Items: userViews(us), NextCursor: next}, nil
			}},
		{Method: "POST", Path: "/v1/users", Summary: "Create a local user (a password of at least 12 characters, or none for single sign-on only)",
			Tag: "auth", Auth: Platform("users:write"), Request: UserRequest{}, Response: UserView{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, req UserRequest) (any, error) {
				var v model.Validator
				if !strings.Contains(req.Email, "@") || len(req.Email) > 254 {
					v.Add("email", "field.email")
				}
				v.Name("name", &req.Name)
				u := model.User{Email: req.Email, Name: req.Name}
				if req.Password != "" {
					h, err := auth.HashPassword(req.Password)
					if err != nil {
						v.Add("password", "field.password", auth.MinPasswordLen)
					}
					u.PasswordHash = h
				}
				if err := v.Err(); err != nil {
					return nil, err
				}
				return a.created(r, "users", func(tx *store.Tx) (any, string, error) {
					err := tx.CreateUser(r.Context(), &u)
					return userView(u), u.ID, err
				})
			})},
		{Method: "GET", Path: "/v1/role-bindings", Summary: "Role bindings in the scopes the caller administers", Tag: "auth",
			Auth: Any("members:read"), Response: bindingPage{}, Handle: func(r *http.Request) (any, error) {
				p := principalOf(r.Context())
				all, err := a.store.Read().RoleBindings(r.Context(), "")
				if err != nil {
					return nil, err
				}
				out := bindingPage{Items: []model.RoleBinding{}}
				for _, b := range all {
					t, err := a.auth.TargetOfScope(r.Context(), auth.Scope{Kind: auth.ScopeKind(b.ScopeKind), ID: b.ScopeID})
					if err != nil {
						return nil, err
					}
					if _, ok := p.Can("members:read", t); ok {
						out.Items = append(out.Items, b)
					}
				}
				return out, nil
			}},
		{Method: "POST", Path: "/v1/role-bindings", Summary: "Bind a role to a user at a scope (members:write there; platform roles only by platform admins)",
			Tag: "auth", Auth: Any("members:write"), Request: BindingRequest{}, Response: model.RoleBinding{}, Status: http.StatusCreated,
			Handle: withBody(a.createBinding)},
		{Method: "DELETE", Path: "/v1/role-bindings/{id}", Summary: "Remove a role binding", Tag: "auth", Auth: Any("members:write"),
			Handle: func(r *http.Request) (any, error) {
				p := principalOf(r.Context())
				id := r.PathValue("id")
				store.AuditTarget(r.Context(), "role-bindings", id)
				return nil, a.store.InTx(r.Context(), func(tx *store.Tx) error {
					b, err := tx.RoleBindingByID(r.Context(), id)
					if err != nil {
						return err
					}
					t, err := a.auth.TargetOfScope(r.Context(), auth.Scope{Kind: auth.ScopeKind(b.ScopeKind), ID: b.ScopeID})
					if err != nil {
						return err
					}
					if _, err := p.DecideObject("members:write", t); err != nil {
						return decisionErr(err)
					}
					return tx.DeleteRoleBinding(r.Context(), id)
				})
			}},
	}
}

// decisionErr maps an auth decision to its problem (mapError's auth cases,
// without its escalation and segregation ones).
func decisionErr(err error) error {
	if p := authDecision(err); p != nil {
		return p
	}
	return err
}

// authDecision is the problem of a hidden, forbidden or unauthenticated
// decision, or nil.
func authDecision(err error) *Error {
	switch {
	case errors.Is(err, auth.ErrHidden):
		return Errorf(http.StatusNotFound, "not-found", "problem.not-found.detail")
	case errors.Is(err, auth.ErrForbidden):
		return Errorf(http.StatusForbidden, "forbidden", "problem.forbidden.detail")
	case errors.Is(err, auth.ErrUnauthenticated):
		return Errorf(http.StatusUnauthorized, "unauthorized", "problem.unauthorized.missing")
	}
	return nil
}

func (a *API) login(r *http.Request, req LoginRequest) (any, error) {
	ctx := r.Context()
	store.PendingAuditOf(ctx).Update(func(e *model.AuditEvent) {
		e.ActorKind, e.ActorName, e.TargetKind = auth.KindUser, strings.ToLower(strings.TrimSpace(req.Email)), "sessions"
	})
	u, err := a.auth.Login(ctx, req.Email, req.Password)
	if u.ID != "" {
		store.PendingAuditOf(ctx).Update(func(e *model.AuditEvent) { e.ActorID, e.TargetID = u.ID, u.ID })
	}
	switch {
	case errors.Is(err, auth.ErrLocked):
		return nil, Errorf(http.StatusTooManyRequests, "locked", "problem.locked.detail")
	case errors.Is(err, auth.ErrBadCredentials):
		return nil, Errorf(http.StatusUnauthorized, "unauthorized", "problem.unauthorized.credentials")
	case err != nil:
		return nil, err
	}
	w := responseWriterOf(ctx)
	var out LoginResponse
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		if req.IssueToken {
			name := req.TokenName
			if name == "" {
				name = "soberana login"
			}
			exp := a.auth.Now().Add(30 * 24 * time.Hour)
			p := &auth.Principal{Kind: auth.KindUser, UserID: u.ID, Name: u.Email}
			secret, tok, err := a.auth.IssueToken(ctx, tx, p, auth.TokenSpec{Name: name, Kind: auth.TokenPersonal, ExpiresAt: &exp})
			if err != nil {
				return err
			}
			out = LoginResponse{User: userView(u), Token: secret, ExpiresAt: *tok.ExpiresAt}
			return nil
		}
		secret, csrf, ses, err := a.auth.StartSession(ctx, tx, u.ID, SourceIP(r))
		if err != nil {
			return err
		}
		store.PendingAuditOf(ctx).Update(func(e *model.AuditEvent) { e.Via = "session:" + ses.ID })
		out = LoginResponse{User: userView(u), CSRFToken: csrf, ExpiresAt: ses.ExpiresAt}
		if w != nil {
			age := int(a.auth.SessionTTL().Seconds())
			http.SetCookie(w, cookie(r, SessionCookie, secret, true, age))
			http.SetCookie(w, cookie(r, CSRFCookie, csrf, false, age))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (a *API) createBinding(r *http.Request, req BindingRequest) (any, error) {
	p := principalOf(r.Context())
	if req.ScopeKind == "" {
		req.ScopeKind = auth.Platform
	}
	var v model.Validator
	role, ok := auth.Role(req.Role)
	if !ok {
		v.Add("role", "field.role")
	} else if !req.ScopeKind.Valid() || !role.BindableAt(req.ScopeKind) {
		v.Add("scope_kind", "field.role_scope", req.Role)
	}
	if (req.ScopeKind == auth.Platform) != (req.ScopeID == "") {
		v.Add("scope_id", "field.scope_id")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	t, err := a.auth.TargetOfScope(r.Context(), auth.Scope{Kind: req.ScopeKind, ID: req.ScopeID})
	if err != nil {
		return nil, err
	}
	if _, err := p.DecideAt("members:write", t); err != nil {
		return nil, decisionErr(err)
	}
	if err := p.HoldsRole(req.Role, req.ScopeKind, t); err != nil {
		return nil, err // nobody binds a role they do not hold there
	}
	b := model.RoleBinding{UserID: req.UserID, Role: req.Role, ScopeKind: string(req.ScopeKind), ScopeID: req.ScopeID, Source: "api"}
	return a.created(r, "role-bindings", func(tx *store.Tx) (any, string, error) {
		if _, err := getRef(r.Context(), tx.UserByID, "user_id", "user", req.UserID); err != nil {
			return nil, "", err
		}
		if req.ScopeKind != auth.Platform {
			res := map[auth.ScopeKind]string{auth.Provider: "providers", auth.Institution: "institutions", auth.Project: "projects"}[req.ScopeKind]
			if _, err := tx.ScopeOf(r.Context(), res, req.ScopeID); errors.Is(err, store.ErrNotFound) {
				return nil, "", refErr("scope_id", string(req.ScopeKind), req.ScopeID)
			} else if err != nil {
				return nil, "", err
			}
		}
		err := tx.CreateRoleBinding(r.Context(), &b)
		return b, b.ID, err
	})
}

// created runs create in a transaction and, when it made an object,
// audits it as the target path/id and answers 201 with its view v at
// /v1/path/id.
func (a *API) created(r *http.Request, path string, create func(tx *store.Tx) (v any, id string, err error)) (any, error) {
	var v any
	var id string
	err := a.store.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if v, id, err = create(tx); err != nil {
			return err
		}
		store.AuditTarget(r.Context(), path, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return Created{Value: v, Location: "/v1/" + path + "/" + id}, nil
}

func (a *API) grantRoutes() []*Route {
	return []*Route{
		{Method: "POST", Path: "/v1/grants", Summary: "Grant an outside user (a vendor) a role in one project, with a mandatory expiry (at most one year) and an optional source-address allowlist",
			Tag: "grants", Auth: InScope("grants:write", "project_id", auth.Project), Request: auth.GrantSpec{}, Response: model.Grant{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, spec auth.GrantSpec) (any, error) {
				res, err := a.created(r, "grants", func(tx *store.Tx) (any, string, error) {
					g, err := a.auth.CreateGrant(r.Context(), tx, principalOf(r.Context()), spec)
					return g, g.ID, err
				})
				if err != nil {
					return nil, grantErr(err)
				}
				return res, nil
			})},
		{Method: "GET", Path: "/v1/grants", Summary: "Vendor grants in the caller's scopes (active=true: only those in force)", Tag: "grants",
			Auth: Any("grants:read"), Response: grantPage{}, Query: []string{"limit", "cursor", "project_id", "user_id", "active"},
			Handle: func(r *http.Request) (any, error) {
				o, err := ListQuery(r, []string{"project_id", "user_id", "active"})
				if err != nil {
					return nil, err
				}
				f := store.GrantFilter{ProjectID: o.Filters["project_id"], UserID: o.Filters["user_id"], After: o.After, Limit: o.Limit,
					Restrict: Restrict(r, "grants:read", ScopeColumns{Institution: "institution_id", Project: "project_id"})}
				if o.Filters["active"] == "true" {
					now := a.auth.Now()
					f.ActiveAt = &now
				}
				if f.Limit == 0 {
					f.Limit = 100
				}
				want := f.Limit
				f.Limit++
				gs, err := a.store.Read().ListGrants(r.Context(), f)
				if err != nil {
					return nil, err
				}
				var page grantPage
				page.Items, page.NextCursor = trimPage(gs, want, func(g model.Grant) string { return g.ID })
				return page, nil
			}},
		{Method: "GET", Path: "/v1/grants/{id}", Summary: "Get a grant", Tag: "grants", Auth: Object("grants:read", "id"), Response: model.Grant{},
			Handle: func(r *http.Request) (any, error) {
				return a.store.Read().GrantByID(r.Context(), r.PathValue("id"))
			}},
		{Method: "DELETE", Path: "/v1/grants/{id}", Summary: "Revoke a grant: access ends on the vendor's very next request", Tag: "grants",
			Auth: Object("grants:write", "id"), Handle: func(r *http.Request) (any, error) {
				by := principalOf(r.Context()).ActorID()
				return nil, a.store.InTx(r.Context(), func(tx *store.Tx) error {
					return tx.RevokeGrant(r.Context(), r.PathValue("id"), by)
				})
			}},
		{Method: "GET", Path: "/v1/grant-changes", Summary: "The grant change feed (created, revoked, expired) after seq, for provider mirrors",
			Tag: "grants", Auth: Platform("grants:read"), Response: []model.GrantChange{}, Query: []string{"after"},
			Handle: func(r *http.Request) (any, error) {
				var after int64
				if v := r.URL.Query().Get("after"); v != "" {
					n, err := strconv.ParseInt(v, 10, 64)
					if err != nil {
						return nil, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.cursor")
					}
					after = n
				}
				return a.auth.GrantChanges(r.Context(), after, 1000)
			}},
	}
}

func grantErr(err error) error {
	var ge *auth.GrantError
	if errors.As(err, &ge) {
		var v model.Validator
		v.Add(ge.Field, "field.grant_"+strings.ReplaceAll(ge.Reason, "-", "_"))
		return v.Err()
	}
	return err
}
