package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// OIDCConfig configures single sign-on with an OpenID provider (a national
// identity provider, Keycloak, …).
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is soberana's callback: https://<host>/v1/auth/oidc/callback.
	RedirectURL string
	// Scopes beyond "openid" (default: email, profile, groups).
	Scopes []string
	// GroupsClaim names the claim listing the user's groups (default "groups").
	GroupsClaim string
	// RoleMap maps a group to role bindings, as "role@kind:id" (or
	// "role@platform"); the bindings are replaced at every sign-in.
	RoleMap map[string][]string
	// RequireVerifiedEmail refuses tokens whose email_verified is false.
	RequireVerifiedEmail bool
	// HTTPClient is used to reach the provider (nil: http.DefaultClient).
	HTTPClient *http.Client
	// Now is the clock that checks expiry (nil: time.Now).
	Now func() time.Time
}

// OIDC is a configured OpenID provider: discovery, the authorization code
// flow with PKCE, and ID token verification (signature against the
// provider's published keys, issuer, audience, expiry, nonce).
type OIDC struct {
	cfg      OIDCConfig
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
}

// Errors of OpenID sign-in.
var ErrOIDC = errors.New("OpenID sign-in failed")

// NewOIDC discovers the provider at cfg.Issuer.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.HTTPClient != nil {
		ctx = oidc.ClientContext(ctx, cfg.HTTPClient)
	}
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = "groups"
	}
	if cfg.Scopes == nil {
		cfg.Scopes = []string{"email", "profile", "groups"}
	}
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discovering the OpenID provider %s: %w", cfg.Issuer, err)
	}
	vc := &oidc.Config{ClientID: cfg.ClientID, Now: cfg.Now}
	o := &OIDC{cfg: cfg, verifier: p.VerifierContext(ctx, vc)}
	o.oauth = oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: cfg.RedirectURL, Scopes: append([]string{oidc.ScopeOpenID}, cfg.Scopes...)}
	return o, nil
}

// Issuer is the provider's issuer URL.
func (o *OIDC) Issuer() string { return o.cfg.Issuer }

// FlowState is what the browser carries between login and callback (in a
// signed, HttpOnly cookie).
type FlowState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	ReturnTo string `json:"r"`
	Expires  int64  `json:"e"`
}

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Start begins a sign-in: the provider URL to redirect to and the state
// to keep.
func (o *OIDC) Start(returnTo string, now time.Time) (string, FlowState) {
	fs := FlowState{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), ReturnTo: returnTo,
		Expires: now.Add(10 * time.Minute).Unix()}
	url := o.oauth.AuthCodeURL(fs.State, oidc.Nonce(fs.Nonce), oauth2.S256ChallengeOption(fs.Verifier))
	return url, fs
}

// Claims are what soberana takes from a verified ID token.
type Claims struct {
	Subject       string   `json:"sub"`
	Email         string   `json:"email"`
	EmailVerified *bool    `json:"email_verified"`
	Name          string   `json:"name"`
	Username      string   `json:"preferred_username"`
	Groups        []string `json:"-"`
}

// Finish completes a sign-in: the state must match, the code is exchanged
// (with the PKCE verifier) and the ID token verified — signature, issuer,
// audience, expiry — and its nonce compared with the one sent.
func (o *OIDC) Finish(ctx context.Context, fs FlowState, state, code string, now time.Time) (Claims, error) {
	var c Claims
	if fs.State == "" || subtle.ConstantTimeCompare([]byte(fs.State), []byte(state)) != 1 {
		return c, fmt.Errorf("%w: state does not match", ErrOIDC)
	}
	if now.Unix() > fs.Expires {
		return c, fmt.Errorf("%w: the sign-in took too long", ErrOIDC)
	}
	if o.cfg.HTTPClient != nil {
		ctx = oidc.ClientContext(ctx, o.cfg.HTTPClient)
	}
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(fs.Verifier))
	if err != nil {
		return c, fmt.Errorf("%w: exchanging the code: %w", ErrOIDC, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return c, fmt.Errorf("%w: no id_token in the answer", ErrOIDC)
	}
	return o.Verify(ctx, raw, fs.Nonce)
}

// Verify checks a raw ID token and its nonce and returns its claims.
func (o *OIDC) Verify(ctx context.Context, raw, nonce string) (Claims, error) {
	var c Claims
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return c, fmt.Errorf("%w: %w", ErrOIDC, err)
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return c, fmt.Errorf("%w: nonce does not match", ErrOIDC)
	}
	if err := idt.Claims(&c); err != nil {
		return c, fmt.Errorf("%w: %w", ErrOIDC, err)
	}
	var all map[string]any
	if err := idt.Claims(&all); err == nil {
		if gs, ok := all[o.cfg.GroupsClaim].([]any); ok {
			for _, g := range gs {
				if s, ok := g.(string); ok {
					c.Groups = append(c.Groups, s)
				}
			}
		}
	}
	if c.Subject == "" {
		return c, fmt.Errorf("%w: no subject", ErrOIDC)
	}
	if o.cfg.RequireVerifiedEmail && (c.EmailVerified == nil || !*c.EmailVerified) {
		return c, fmt.Errorf("%w: e-mail not verified", ErrOIDC)
	}
	return c, nil
}

// ParseRoleMapping reads "role@kind:id" or "role@platform".
func ParseRoleMapping(s string) (string, Scope, error) {
	role, sc, ok := strings.Cut(strings.TrimSpace(s), "@")
	if !ok {
		return "", Scope{}, fmt.Errorf("role mapping %q: want role@kind:id", s)
	}
	kind, id, _ := strings.Cut(sc, ":")
	scope := Scope{Kind: ScopeKind(kind), ID: id}
	r, ok := Role(role)
	if !ok || !scope.Kind.Valid() || !r.BindableAt(scope.Kind) || (scope.Kind == Platform) != (id == "") {
		return "", Scope{}, fmt.Errorf("role mapping %q: unknown role or scope", s)
	}
	return role, scope, nil
}

// SignInOIDC finds or creates the user of verified claims (by issuer and
// subject; an existing local account is linked by e-mail only when the
// provider says the e-mail is verified) and replaces the user's bindings
// mapped from the provider's groups.
func (s *Service) SignInOIDC(ctx context.Context, tx *store.Tx, o *OIDC, c Claims) (model.User, error) {
	u, err := tx.UserByOIDC(ctx, o.cfg.Issuer, c.Subject)
	switch {
	case err == nil:
	case errors.Is(err, store.ErrNotFound):
		verified := c.EmailVerified != nil && *c.EmailVerified
		email := c.Email
		if email == "" {
			email = c.Subject + "@" + strings.TrimPrefix(strings.TrimPrefix(o.cfg.Issuer, "https://"), "http://")
		}
		existing, lerr := tx.UserByEmail(ctx, email)
		switch {
		case lerr == nil && verified && existing.OIDCSubject == "":
			existing.OIDCIssuer, existing.OIDCSubject = o.cfg.Issuer, c.Subject
			if err := tx.UpdateUserProfile(ctx, &existing); err != nil {
				return u, err
			}
			u = existing
		case lerr == nil:
			return u, fmt.Errorf("%w: the e-mail %s belongs to another account", ErrOIDC, email)
		case errors.Is(lerr, store.ErrNotFound):
			// The identity provider's name is outside input like any
			// other: normalised, and replaced when it is not a usable name.
			name := c.Name
			if clean, why := model.CleanName(name); why != "" || strings.TrimSpace(clean) == "" {
				name = c.Username
			} else {
				name = clean
			}
			if clean, why := model.CleanName(name); why != "" || strings.TrimSpace(clean) == "" {
				name = email
			} else {
				name = clean
			}
			u = model.User{Email: email, Name: name, OIDCIssuer: o.cfg.Issuer, OIDCSubject: c.Subject}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return u, err
			}
		default:
			return u, lerr
		}
	default:
		return u, err
	}
	if u.Disabled {
		return u, ErrUnauthenticated
	}
	source := "oidc:" + o.cfg.Issuer
	if err := tx.DeleteRoleBindingsBySource(ctx, u.ID, source); err != nil {
		return u, err
	}
	have, err := tx.RoleBindings(ctx, u.ID)
	if err != nil {
		return u, err
	}
	seen := map[string]bool{}
	for _, b := range have {
		seen[b.Role+"@"+b.ScopeKind+":"+b.ScopeID] = true
	}
	for _, g := range c.Groups {
		for _, m := range o.cfg.RoleMap[g] {
			role, scope, err := ParseRoleMapping(m)
			key := role + "@" + string(scope.Kind) + ":" + scope.ID
			if err != nil || seen[key] {
				continue
			}
			seen[key] = true
			b := model.RoleBinding{UserID: u.ID, Role: role, ScopeKind: string(scope.Kind), ScopeID: scope.ID, Source: source}
			if err := tx.CreateRoleBinding(ctx, &b); err != nil {
				return u, err
			}
		}
	}
	return u, tx.RecordLogin(ctx, u.ID, true, nil)
}
