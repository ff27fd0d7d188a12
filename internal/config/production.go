package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// OIDC configures sign-in through an OpenID Connect provider. Set the
// issuer, client id and redirect URL together, or none.
type OIDC struct {
	// Issuer is the provider's issuer URL (https://…).
	Issuer string `yaml:"issuer"`
	// ClientID and ClientSecret are soberana's client at the provider.
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"`
	// RedirectURL is soberana's callback: https://HOST/v1/auth/oidc/callback.
	RedirectURL string `yaml:"redirect_url"`
	// RoleMap maps the provider's groups to roles:
	// "group=role@kind:id;group2=role@platform".
	RoleMap string `yaml:"role_map"`
}

// validateProduction checks the OIDC and mutual-TLS settings.
func (c *Config) validateProduction(add func(field, msg string, args ...any)) {
	o := c.OIDC
	if o.Issuer != "" {
		if !strings.HasPrefix(o.Issuer, "https://") && !strings.HasPrefix(o.Issuer, "http://127.0.0.1") && !strings.HasPrefix(o.Issuer, "http://localhost") {
			add("oidc.issuer", "%q must be an https:// URL", o.Issuer)
		}
		if o.ClientID == "" || o.RedirectURL == "" {
			add("oidc", "issuer is set: also set oidc.client_id and oidc.redirect_url")
		}
	} else if o.ClientID != "" || o.RedirectURL != "" || o.RoleMap != "" {
		add("oidc.issuer", "is empty but other oidc settings are set: set the issuer, or remove them")
	}
	for _, pair := range strings.Split(o.RoleMap, ";") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		if g, m, ok := strings.Cut(pair, "="); !ok || strings.TrimSpace(g) == "" || !strings.Contains(m, "@") {
			add("oidc.role_map", "%q: want group=role@kind:id or group=role@platform, pairs separated by ;", pair)
		}
	}
	switch c.TLS.ClientAuth {
	case "", "require", "verify-if-given":
	default:
		add("tls.client_auth", "%q is not one of require, verify-if-given", c.TLS.ClientAuth)
	}
	if c.TLS.ClientAuth != "" && c.TLS.ClientCAFile == "" {
		add("tls.client_auth", "needs tls.client_ca_file (the CAs whose client certificates are accepted)")
	}
	if f := c.TLS.ClientCAFile; f != "" {
		if c.TLS.CertFile == "" {
			add("tls.client_ca_file", "client certificates need TLS: set tls.cert_file and tls.key_file too")
		}
		if _, err := os.Stat(f); err != nil {
			add("tls.client_ca_file", "cannot read %s: %v", f, errors.Unwrap(err))
		}
	}
}

// Lookup returns the value of the setting whose environment variable is
// name (SOBERANA_OIDC_ISSUER → oidc.issuer) as text, or "" when it is
// unset or no setting has that name. Code that used to read the
// environment directly asks the loaded configuration through it.
func (c *Config) Lookup(name string) string {
	var out string
	_ = walk(reflect.ValueOf(c).Elem(), "", func(path string, v reflect.Value) error {
		if EnvName(path) != name {
			return nil
		}
		switch {
		case v.Type() == durationType:
			if d := time.Duration(v.Int()); d != 0 {
				out = d.String()
			}
		case v.Kind() == reflect.String:
			out = v.String()
		case v.Kind() == reflect.Bool:
			if v.Bool() {
				out = "true"
			}
		case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
			if v.Int() != 0 {
				out = strconv.FormatInt(v.Int(), 10)
			}
		default:
			out = fmt.Sprint(v.Interface())
		}
		return nil
	})
	return out
}

// Paths lists every setting by its YAML path (oidc.issuer, tls.cert_file,
// …), in declaration order: what a complete configuration file covers.
func Paths() []string {
	var out []string
	c := Defaults()
	_ = walk(reflect.ValueOf(&c).Elem(), "", func(path string, _ reflect.Value) error {
		out = append(out, path)
		return nil
	})
	return out
}
