package api_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// startOP runs a real OpenID provider in-process (oauth2-proxy's mockoidc:
// discovery, JWKS, authorization code flow with PKCE and nonce, RS256 ID
// tokens).
func startOP(t *testing.T) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return m
}

func newOIDC(t *testing.T, m *mockoidc.MockOIDC, redirect string) *auth.OIDC {
	t.Helper()
	cfg := m.Config()
	o, err := auth.NewOIDC(context.Background(), auth.OIDCConfig{Issuer: cfg.Issuer, ClientID: cfg.ClientID,
		ClientSecret: cfg.ClientSecret, RedirectURL: redirect, RoleMap: map[string][]string{"soberana-auditors": {"auditor@platform"}}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestOIDCSignIn signs in through the provider's real authorization code
// flow, maps the groups claim to a role, and audits the sign-in.
func TestOIDCSignIn(t *testing.T) {
	t.Parallel()
	m := startOP(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	st := storetest.SQLite(t)
	a := api.New(api.Options{Store: st, OIDC: newOIDC(t, m, base+"/v1/auth/oidc/callback")})
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: a.Handler()}}
	srv.Start()
	t.Cleanup(srv.Close)

	m.QueueUser(&mockoidc.MockUser{Subject: "cl-12345678-9", Email: "rut12345678@gob.cl", EmailVerified: true,
		PreferredUsername: "ana", Groups: []string{"soberana-auditors"}})
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Get(base + "/v1/auth/oidc/login?return_to=/v1/auth/me")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/v1/auth/me" {
		t.Fatalf("sign-in ended at %s with %d: %s", resp.Request.URL, resp.StatusCode, b)
	}
	var me struct {
		Name     string `json:"name"`
		UserID   string `json:"user_id"`
		Bindings []struct {
			Role string `json:"role"`
		} `json:"bindings"`
	}
	if err := json.Unmarshal(b, &me); err != nil {
		t.Fatal(err)
	}
	if me.Name != "rut12345678@gob.cl" || len(me.Bindings) != 1 || me.Bindings[0].Role != "auditor" {
		t.Fatalf("signed in as %+v", me)
	}
	u, err := st.Read().UserByOIDC(context.Background(), m.Issuer(), "cl-12345678-9")
	if err != nil || u.ID != me.UserID {
		t.Fatalf("user by subject: %+v %v", u, err)
	}
	evs, _ := st.Read().AuditEvents(context.Background(), store.AuditFilter{Limit: 10, Action: "GET /v1/auth/oidc/callback"})
	if len(evs) != 1 || evs[0].Outcome != "success" || evs[0].ActorID != u.ID {
		t.Fatalf("sign-in audit: %+v", evs)
	}

	// A replayed callback (the code is spent, the flow cookie gone) fails
	// and is audited as such.
	resp, err = c.Get(base + "/v1/auth/oidc/callback?code=spent&state=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("replay: %d", resp.StatusCode)
	}
	evs, _ = st.Read().AuditEvents(context.Background(), store.AuditFilter{Limit: 10, Action: "GET /v1/auth/oidc/callback"})
	if len(evs) != 2 || evs[1].Outcome != "unauthenticated" {
		t.Fatalf("failed sign-in audit: %+v", evs)
	}

	// An open redirect is refused: return_to stays local.
	resp, err = (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).
		Get(base + "/v1/auth/oidc/login?return_to=//evil.example/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, m.Issuer()) {
		t.Fatalf("login redirect: %s", loc)
	}
}

// TestOIDCTokenChecks: signature, issuer, audience, expiry and nonce of
// ID tokens are each checked.
func TestOIDCTokenChecks(t *testing.T) {
	t.Parallel()
	m := startOP(t)
	o := newOIDC(t, m, "http://127.0.0.1/cb")
	cfg := m.Config()
	now := time.Now()
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": cfg.Issuer, "aud": cfg.ClientID, "sub": "s-1", "email": "a@gob.example",
			"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "nonce": "n-1"}
	}
	sign := func(c jwt.MapClaims) string {
		s, err := m.Keypair.SignJWT(c)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ctx := context.Background()
	if c, err := o.Verify(ctx, sign(good()), "n-1"); err != nil || c.Subject != "s-1" {
		t.Fatalf("a good token is refused: %v", err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	kp, _ := mockoidc.NewKeypair(other)
	forged, _ := kp.SignJWT(good())
	cases := map[string]string{
		"signature": forged,
		"issuer":    sign(with(good(), "iss", "https://impostor.example")),
		"audience":  sign(with(good(), "aud", "another-client")),
		"expiry":    sign(with(good(), "exp", now.Add(-time.Minute).Unix())),
		"nonce":     sign(with(good(), "nonce", "n-2")),
		"no nonce":  sign(without(good(), "nonce")),
	}
	for name, raw := range cases {
		if _, err := o.Verify(ctx, raw, "n-1"); err == nil {
			t.Errorf("%s: a bad token is accepted", name)
		}
	}
	// The flow state must match before any exchange.
	_, fs := o.Start("/", now)
	if _, err := o.Finish(ctx, fs, "another-state", "code", now); err == nil {
		t.Error("state mismatch accepted")
	}
	if _, err := o.Finish(ctx, fs, fs.State, "code", now.Add(11*time.Minute)); err == nil {
		t.Error("a stale flow accepted")
	}
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims { c[k] = v; return c }
func without(c jwt.MapClaims, k string) jwt.MapClaims     { delete(c, k); return c }
