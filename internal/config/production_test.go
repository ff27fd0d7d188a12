package config

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestProductionSettings(t *testing.T) {
	t.Parallel()
	c := validConfig(t, "testdata/production/oidc.yaml")
	if got := c.Lookup("SOBERANA_OIDC_ISSUER"); got != "https://sso.example.gov.br/realms/soberana" {
		t.Fatalf("Lookup(SOBERANA_OIDC_ISSUER) = %q", got)
	}
	if got := c.Lookup("SOBERANA_WEBHOOK_BRANCH"); got != "main" {
		t.Fatalf("webhook_branch = %q", got)
	}
	if got := c.Lookup("SOBERANA_SHUTDOWN_TIMEOUT"); got != "15s" {
		t.Fatalf("durations read back as text: %q", got)
	}
	if got := c.Lookup("SOBERANA_NO_SUCH"); got != "" {
		t.Fatalf("unknown setting answered %q", got)
	}
	// The environment names of the old env-only settings are kept: they
	// are the new keys' SOBERANA_* names.
	env := map[string]string{"SOBERANA_OIDC_CLIENT_SECRET": "from-env", "SOBERANA_TLS_CLIENT_AUTH": "require"}
	if err := c.LoadEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.OIDC.ClientSecret != "from-env" || c.TLS.ClientAuth != "require" {
		t.Fatalf("env not applied: %+v %+v", c.OIDC, c.TLS)
	}
}

func TestProductionBadConfigs(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"oidc-half.bad.yaml":        {"oidc", "client_id", "redirect_url"},
		"oidc-no-issuer.bad.yaml":   {"oidc.issuer", "is empty"},
		"oidc-role-map.bad.yaml":    {"oidc.role_map", "group=role@kind:id"},
		"client-auth.bad.yaml":      {"tls.client_auth", "require, verify-if-given"},
		"client-ca-no-tls.bad.yaml": {"tls.client_ca_file", "tls.cert_file"},
	}
	checkBadConfigs(t, "testdata/production/*.bad.yaml", want)
}

// TestPackagedConfig: the commented /etc/soberana/soberana.yaml the
// package installs loads, validates, and names every setting soberana
// knows (set, or commented out with its default) — a new setting without
// a line there fails here.
func TestPackagedConfig(t *testing.T) {
	t.Parallel()
	const path = "../../deploy/soberana.yaml"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := Defaults()
	if err := c.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("the packaged config does not validate: %v", err)
	}
	if c.DataDir != "/var/lib/soberana" {
		t.Fatalf("data_dir %q: the systemd unit's StateDirectory is /var/lib/soberana", c.DataDir)
	}
	text := string(b)
	for _, p := range Paths() {
		parts := strings.Split(p, ".")
		// Each level appears as "key:" (possibly commented), nested in order.
		re := `(?m)^#?\s?` + regexp.QuoteMeta(parts[0]) + `:`
		for _, part := range parts[1:] {
			re += `[\s\S]*?^\s+#?\s*` + regexp.QuoteMeta(part) + `:`
		}
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("%s does not mention %s", path, p)
		}
	}
}
