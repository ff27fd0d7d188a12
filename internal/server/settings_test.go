package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/server"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestOIDCFromConfigFile: OIDC sign-in is configured by the config file's
// oidc section alone (it used to be environment variables only).
func TestOIDCFromConfigFile(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	t.Setenv("SOBERANA_OIDC_ISSUER", "") // the environment plays no part
	h := servertest.Start(t, servertest.Options{Configure: func(c *config.Config) {
		mc := m.Config()
		c.OIDC = config.OIDC{Issuer: mc.Issuer, ClientID: mc.ClientID, ClientSecret: mc.ClientSecret,
			RedirectURL: "http://127.0.0.1/v1/auth/oidc/callback", RoleMap: "soberana-auditors=auditor@platform"}
	}})
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(h.URL + "/v1/auth/oidc/login?return_to=/v1/auth/me")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, m.Issuer()) {
		t.Fatalf("sign-in does not go to the configured issuer: %d %q", resp.StatusCode, loc)
	}
}

// TestEnvSettingsAreConfigKeys: every setting the server reads by its
// SOBERANA_* name is a config-file key of that name, so the packaged
// config file can set it (a mismatched name would be env-only again).
func TestEnvSettingsAreConfigKeys(t *testing.T) {
	t.Parallel()
	names := map[string]bool{}
	for _, p := range config.Paths() {
		names[config.EnvName(p)] = true
	}
	for _, env := range []string{server.EnvOIDCIssuer, server.EnvOIDCClientID, server.EnvOIDCClientSecret,
		server.EnvOIDCRedirectURL, server.EnvOIDCRoleMap, server.EnvTLSClientCAFile, server.EnvTLSClientAuth, server.EnvWebhookBranch} {
		if !names[env] {
			t.Errorf("%s is read by the server but no config key has that name", env)
		}
	}
}
