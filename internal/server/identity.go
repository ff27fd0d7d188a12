package server

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
)

// identity is the server's part in sign-in, grants and audit.
type identity struct {
	audit   *auditSigner
	secrets *secrets.Box
}

// Secrets is the sealed store of provider credentials and webhook secrets
// (nil when no key is configured: SOBERANA_SECRETS_KEY_FILE or
// SOBERANA_SECRETS_KEY).
func (s *Server) Secrets() *secrets.Box { return s.identity.secrets }

// CredentialsRequest sets a provider's credentials; the values are sealed
// and never returned.
type CredentialsRequest struct {
	Name   string            `json:"name"`
	Values map[string]string `json:"values"`
}

// CredentialsView says which credentials are stored, never their values.
type CredentialsView struct {
	ProviderID string   `json:"provider_id"`
	Name       string   `json:"name"`
	Keys       []string `json:"keys"`
	KeyID      string   `json:"key_id"`
}

// wireIdentity loads the audit signing key and adds the identity routes
// that need server state.
func (s *Server) wireIdentity() error {
	sg, err := s.wireAudit()
	if err != nil {
		return err
	}
	s.identity.audit = sg
	if err := s.wireOIDC(); err != nil {
		return err
	}
	kr, from, err := s.loadKeyring()
	switch {
	case err == nil:
		s.identity.secrets = secrets.NewBox(s.Store, kr)
		s.log.Debug("secrets key loaded", "from", from)
	case errors.Is(err, secrets.ErrNoKey):
		s.log.Warn("no secrets key configured: provider credentials and app webhook secrets are refused", "set", EnvSecretsKeyFile)
	default:
		return err
	}
	pub := sg.key.Public().(ed25519.PublicKey)
	s.API.AddRoutes(func(a *api.API) []*api.Route {
		return []*api.Route{
			{Method: "GET", Path: "/v1/audit/public-key", Summary: "The Ed25519 public key (PEM) that verifies audit checkpoints, and its key id",
				Tag: "audit", Auth: api.Public(), Response: map[string]string{},
				Handle: func(*http.Request) (any, error) {
					return map[string]string{"key_id": audit.KeyID(pub), "public_key_pem": string(audit.PublicKeyPEM(pub))}, nil
				}},
			{Method: "PUT", Path: "/v1/providers/{id}/credentials", Summary: "Store a provider's API credentials, sealed with AES-256-GCM; they are never returned",
				Tag: "fleet", Auth: api.ObjectOf("credentials:write", "providers", "id"), Request: CredentialsRequest{}, Response: CredentialsView{},
				Handle: func(r *http.Request) (any, error) {
					var req CredentialsRequest
					if err := api.Decode(r, &req); err != nil {
						return nil, err
					}
					if s.identity.secrets == nil {
						return nil, api.Errorf(http.StatusServiceUnavailable, "secrets-unconfigured", "problem.secrets-unconfigured.detail")
					}
					if req.Name == "" {
						req.Name = "default"
					}
					b, err := json.Marshal(req.Values)
					if err != nil {
						return nil, err
					}
					id := r.PathValue("id")
					view := CredentialsView{ProviderID: id, Name: req.Name, Keys: []string{}}
					for k := range req.Values {
						view.Keys = append(view.Keys, k)
					}
					sort.Strings(view.Keys)
					err = s.Store.InTx(r.Context(), func(tx *store.Tx) error {
						store.AuditTarget(r.Context(), "providers", id)
						return s.identity.secrets.Put(r.Context(), tx, "provider", id, req.Name, b)
					})
					if err != nil {
						return nil, err
					}
					row, err := s.Store.Read().GetSecret(r.Context(), "provider", id, req.Name)
					if err != nil {
						return nil, err
					}
					view.KeyID = row.KeyID
					return view, nil
				}},
			{Method: "POST", Path: "/v1/audit/checkpoints", Summary: "Sign the audit chain head now (a checkpoint is also made periodically)",
				Tag: "audit", Auth: api.Platform("audit:write"), Response: map[string]any{},
				Handle: func(r *http.Request) (any, error) {
					c, wrote, err := s.checkpointAudit(r.Context())
					if err != nil {
						return nil, err
					}
					return map[string]any{"checkpoint": c, "created": wrote}, nil
				}},
		}
	})
	return nil
}

// runIdentity is the background actor: it signs the audit chain head
// periodically (and once at shutdown) and notes expired grants in the
// grant change feed so provider mirrors withdraw them.
func (s *Server) runIdentity(ctx context.Context) error {
	grants := time.NewTicker(30 * time.Second)
	defer grants.Stop()
	cps := time.NewTicker(s.identity.audit.every)
	defer cps.Stop()
	checkpoint := func(ctx context.Context) {
		if _, _, err := s.checkpointAudit(ctx); err != nil {
			s.log.Warn("signing an audit checkpoint", "err", err)
		}
	}
	for {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			checkpoint(sctx)
			cancel()
			return nil
		case <-grants.C:
			if n, err := s.API.Auth().NoteExpiredGrants(ctx); err != nil {
				s.log.Warn("noting expired grants", "err", err)
			} else if n > 0 {
				s.log.Info("grants expired", "count", n)
			}
		case <-cps.C:
			checkpoint(ctx)
		}
	}
}

// Secrets keyring: a file of id:base64key lines (the first seals), or the
// lines themselves in the variable.
const (
	EnvSecretsKeyFile = "SOBERANA_SECRETS_KEY_FILE"
	EnvSecretsKey     = "SOBERANA_SECRETS_KEY"
)

// OpenID Connect settings (all four of issuer, client id, client secret
// and redirect URL, or none).
const (
	EnvOIDCIssuer       = "SOBERANA_OIDC_ISSUER"
	EnvOIDCClientID     = "SOBERANA_OIDC_CLIENT_ID"
	EnvOIDCClientSecret = "SOBERANA_OIDC_CLIENT_SECRET"
	EnvOIDCRedirectURL  = "SOBERANA_OIDC_REDIRECT_URL"
	// EnvOIDCRoleMap maps groups to roles: "group=role@kind:id;group2=role@platform".
	EnvOIDCRoleMap = "SOBERANA_OIDC_ROLE_MAP"
)

func (s *Server) wireOIDC() error {
	cfg := auth.OIDCConfig{Issuer: s.getenv(EnvOIDCIssuer), ClientID: s.getenv(EnvOIDCClientID),
		ClientSecret: s.getenv(EnvOIDCClientSecret), RedirectURL: s.getenv(EnvOIDCRedirectURL),
		RoleMap: map[string][]string{}, RequireVerifiedEmail: true}
	if cfg.Issuer == "" {
		return nil
	}
	if cfg.ClientID == "" || cfg.RedirectURL == "" {
		return fmt.Errorf("%s is set: also set %s and %s", EnvOIDCIssuer, EnvOIDCClientID, EnvOIDCRedirectURL)
	}
	for _, pair := range strings.Split(s.getenv(EnvOIDCRoleMap), ";") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		group, m, ok := strings.Cut(pair, "=")
		if _, _, err := auth.ParseRoleMapping(m); !ok || err != nil {
			return fmt.Errorf("%s: %q: want group=role@kind:id", EnvOIDCRoleMap, pair)
		}
		cfg.RoleMap[strings.TrimSpace(group)] = append(cfg.RoleMap[strings.TrimSpace(group)], strings.TrimSpace(m))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	o, err := auth.NewOIDC(ctx, cfg)
	if err != nil {
		return err
	}
	s.API.SetOIDC(o)
	return nil
}
