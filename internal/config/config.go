// Package config loads the server configuration in layers — defaults, then
// a YAML file, then SOBERANA_* environment variables, then flags — and
// validates the result with errors that name the field and the fix. There
// is no global config: the loaded value is passed down explicitly.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole server configuration.
type Config struct {
	// Addr is the listen address, host:port.
	Addr string `yaml:"addr"`
	// DataDir holds the embedded database and local state.
	DataDir string `yaml:"data_dir"`
	// DatabaseURL selects PostgreSQL (postgres://…); empty means embedded
	// SQLite in DataDir.
	DatabaseURL string `yaml:"database_url"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level"`
	// LogFormat is text or json.
	LogFormat string `yaml:"log_format"`
	// ShutdownTimeout bounds the graceful stop.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// BootstrapToken, when set on a new database, becomes the
	// platform-admin token.
	BootstrapToken string `yaml:"bootstrap_token"`
	// Demo seeds the demo fleet of simulated providers on a new database.
	Demo bool `yaml:"demo"`
	TLS  TLS  `yaml:"tls"`
	// Reconcile tunes the reconcilers; zero values take their defaults.
	Reconcile Reconcile `yaml:"reconcile"`
	// Ledger tunes the money side.
	Ledger Ledger `yaml:"ledger"`
	// RateLimit bounds requests per source address and per caller.
	RateLimit RateLimit `yaml:"rate_limit"`
	// Monitoring tunes health probes, failover and alerts (see
	// docs/operations.md); zero values take their defaults.
	Monitoring Monitoring `yaml:"monitoring"`
	// Utilization tunes how long replica usage samples are kept as taken
	// and how the older ones are rolled up; zero values take the defaults.
	Utilization Utilization `yaml:"utilization"`
	// AllowInsecureHTTP permits plain HTTP on a non-loopback address.
	AllowInsecureHTTP bool `yaml:"allow_insecure_http"`
	// TrustedProxies is a comma-separated list of CIDRs (or addresses) of
	// the load balancers in front; only a request arriving from one of
	// them has its X-Forwarded-For believed (empty: never).
	TrustedProxies string `yaml:"trusted_proxies"`
	// Audit signs and publishes the audit log's checkpoints (audit.go).
	Audit Audit `yaml:"audit"`

	// OIDC signs people in through an identity provider (production.go).
	OIDC OIDC `yaml:"oidc"`
	// WebhookBranch is the only branch whose pushes deploy through Git
	// webhooks (empty: every branch).
	WebhookBranch string `yaml:"webhook_branch"`
	// AllowSimulatedProviders lets serve run with simulated providers (a
	// demonstration); up always allows them.
	AllowSimulatedProviders bool `yaml:"allow_simulated_providers"`
}

// TLS configures HTTPS.
type TLS struct {
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ClientCAFile is a PEM bundle of CAs whose client certificates
	// identify machine callers (mutual TLS); empty turns it off.
	ClientCAFile string `yaml:"client_ca_file"`
	// ClientAuth is "require" (every caller presents a certificate from
	// those CAs) or "verify-if-given" (the default with a CA file).
	ClientAuth string `yaml:"client_auth"`
}

// Reconcile tunes the background reconcilers.
type Reconcile struct {
	// LeaseTTL is how long the reconciler lease lasts before another
	// replica may take over (default 10s).
	LeaseTTL time.Duration `yaml:"lease_ttl"`
	// OrphanEvery is how often provider resources without a workload are
	// looked for (default 30s).
	OrphanEvery time.Duration `yaml:"orphan_every"`
	// OrphanGrace is how long an orphan is reported before it is deleted
	// (default 10m).
	OrphanGrace time.Duration `yaml:"orphan_grace"`
	// Idle is the longest the reconciler sleeps when nothing kicks it
	// (default 1s).
	Idle time.Duration `yaml:"idle"`
	// Resync is how often every running replica is re-observed at its
	// provider, one list per provider spread over the interval, to find
	// resources deleted or changed outside soberana (default 1m).
	Resync time.Duration `yaml:"resync"`
}

// Utilization tunes the keeping of replica usage samples (24 h in all).
type Utilization struct {
	// FineWindow is how long every sample is kept as taken (default 2h);
	// older ones are rolled up into one row per replica and Rollup
	// bucket (count, sums, largest values).
	FineWindow time.Duration `yaml:"fine_window"`
	// Rollup is the length of a rolled up bucket (default 1h); it must
	// divide a day.
	Rollup time.Duration `yaml:"rollup"`
}

// Monitoring tunes health probes, failover and alerts.
type Monitoring struct {
	// ProbeEvery is the time between health probes (default 5s).
	ProbeEvery time.Duration `yaml:"probe_every"`
	// DownAfter is how long a site or provider must fail continuously to
	// be down (default 15s); UpAfter how long it must answer to be back
	// (default 1m).
	DownAfter time.Duration `yaml:"down_after"`
	UpAfter   time.Duration `yaml:"up_after"`
	// FailoverAfter is how long a site stays down before its replicas are
	// placed elsewhere (default 2m).
	FailoverAfter time.Duration `yaml:"failover_after"`
	// AlertEvery is the time between alert rule evaluations (default 15s).
	AlertEvery time.Duration `yaml:"alert_every"`
	// CapacityAlertPercent fires an alert above this use of a site
	// (default 85).
	CapacityAlertPercent int `yaml:"capacity_alert_percent"`
	// GrantExpiryWarning is how long before a grant expires the alert
	// fires (default 72h).
	GrantExpiryWarning time.Duration `yaml:"grant_expiry_warning"`
	// AlertTimeZone is the IANA time zone (America/Sao_Paulo) in which
	// the texts of alerts delivered to webhooks write times (default UTC).
	// The machine fields (fired_at, resolved_at) are RFC 3339 UTC
	// whatever it says; the API, CLI and console write times in each
	// reader's own zone.
	AlertTimeZone string `yaml:"alert_time_zone"`
}

// RateLimit bounds the API's request rates (token buckets). Zero takes
// the default (100/s and burst 400 per address, 50/s and burst 200 per
// caller); a negative rate turns that limit off (benchmarks, trusted
// machine callers behind their own limits).
type RateLimit struct {
	PerIP          int `yaml:"per_ip"`
	PerIPBurst     int `yaml:"per_ip_burst"`
	PerCaller      int `yaml:"per_caller"`
	PerCallerBurst int `yaml:"per_caller_burst"`
}

// Ledger tunes rating.
type Ledger struct {
	// RateEvery is how often metered usage is rated into charges, so that
	// budget lines' accrued and available follow usage (default 5m; the
	// lease holder rates; closing a month always rates first).
	RateEvery time.Duration `yaml:"rate_every"`
}

// Defaults returns the configuration before any layer is applied.
func Defaults() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "./.soberana",
		LogLevel:        "info",
		LogFormat:       "text",
		ShutdownTimeout: 15 * time.Second,
		Ledger:          Ledger{RateEvery: 5 * time.Minute},
	}
}

// FieldError names a bad field and how to fix it.
type FieldError struct {
	Field string
	Msg   string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Msg }

// Errors is every problem found by Validate.
type Errors []FieldError

func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Error()
	}
	return "invalid configuration: " + strings.Join(parts, "; ")
}

// LoadFile applies a YAML file on top of c. Unknown keys are errors.
func (c *Config) LoadFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading config file: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return fmt.Errorf("config file %s: %s", path, strings.Join(te.Errors, "; "))
		}
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

// EnvName returns the environment variable for a YAML field path.
func EnvName(path string) string {
	return "SOBERANA_" + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
}

// LoadEnv applies SOBERANA_* variables, looked up through getenv.
func (c *Config) LoadEnv(getenv func(string) string) error {
	return walk(reflect.ValueOf(c).Elem(), "", func(path string, v reflect.Value) error {
		s := getenv(EnvName(path))
		if s == "" {
			return nil
		}
		if err := setString(v, s); err != nil {
			return fmt.Errorf("%s: %w", EnvName(path), err)
		}
		return nil
	})
}

// Set applies one value by YAML path (used for flags).
func (c *Config) Set(path, value string) error {
	found := false
	err := walk(reflect.ValueOf(c).Elem(), "", func(p string, v reflect.Value) error {
		if p != path {
			return nil
		}
		found = true
		return setString(v, value)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !found {
		return fmt.Errorf("unknown setting %q", path)
	}
	return nil
}

func walk(v reflect.Value, prefix string, fn func(path string, v reflect.Value) error) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		f := v.Field(i)
		if f.Kind() == reflect.Struct {
			if err := walk(f, path, fn); err != nil {
				return err
			}
			continue
		}
		if err := fn(path, f); err != nil {
			return err
		}
	}
	return nil
}

var durationType = reflect.TypeOf(time.Duration(0))

func setString(v reflect.Value, s string) error {
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 15s or 2m", s)
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an integer", s)
		}
		v.SetInt(n)
	default:
		return fmt.Errorf("cannot set %s from text", v.Kind())
	}
	return nil
}

// Validate checks every field and reports all problems at once.
func (c *Config) Validate() error {
	var errs Errors
	add := func(field, msg string, args ...any) {
		errs = append(errs, FieldError{Field: field, Msg: fmt.Sprintf(msg, args...)})
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		add("addr", "%q is not host:port; use for example 127.0.0.1:8080", c.Addr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		add("addr", "port %q must be a number from 0 to 65535", port)
	}
	if tz := c.Monitoring.AlertTimeZone; tz != "" {
		if _, err := time.LoadLocation(tz); err != nil {
			add("monitoring.alert_time_zone", "%q is not a time zone; use an IANA name such as America/Sao_Paulo", tz)
		}
	}
	if c.DatabaseURL == "" && strings.TrimSpace(c.DataDir) == "" {
		add("data_dir", "is empty; set a directory for the embedded database, or set database_url to a postgres:// URL")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		add("database_url", "must start with postgres:// (leave it empty to use the embedded SQLite database)")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("log_level", "%q is not one of debug, info, warn, error", c.LogLevel)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		add("log_format", "%q is not one of text, json", c.LogFormat)
	}
	if c.ShutdownTimeout <= 0 || c.ShutdownTimeout > 10*time.Minute {
		add("shutdown_timeout", "%s must be above 0 and at most 10m", c.ShutdownTimeout)
	}
	for field, d := range map[string]time.Duration{"reconcile.lease_ttl": c.Reconcile.LeaseTTL,
		"reconcile.orphan_every": c.Reconcile.OrphanEvery, "reconcile.orphan_grace": c.Reconcile.OrphanGrace,
		"reconcile.idle": c.Reconcile.Idle, "reconcile.resync": c.Reconcile.Resync, "monitoring.probe_every": c.Monitoring.ProbeEvery,
		"monitoring.down_after": c.Monitoring.DownAfter, "monitoring.up_after": c.Monitoring.UpAfter,
		"monitoring.failover_after": c.Monitoring.FailoverAfter, "monitoring.alert_every": c.Monitoring.AlertEvery} {
		if d < 0 || d > 24*time.Hour {
			add(field, "%s must be between 0 (default) and 24h", d)
		}
	}
	if d := c.Utilization.FineWindow; d < 0 || d > 24*time.Hour {
		add("utilization.fine_window", "%s must be between 0 (default) and 24h", d)
	}
	if d := c.Utilization.Rollup; d < 0 || d > 24*time.Hour || (d > 0 && (d < time.Minute || (24*time.Hour)%d != 0)) {
		add("utilization.rollup", "%s must be 0 (default) or at least 1m and divide 24h, for example 5m or 1h", d)
	}
	for field, n := range map[string]int{"rate_limit.per_ip_burst": c.RateLimit.PerIPBurst, "rate_limit.per_caller_burst": c.RateLimit.PerCallerBurst} {
		if n < 0 {
			add(field, "%d must not be negative (0 takes the default)", n)
		}
	}
	if c.Ledger.RateEvery < time.Second || c.Ledger.RateEvery > 24*time.Hour {
		add("ledger.rate_every", "%s must be between 1s and 24h", c.Ledger.RateEvery)
	}
	if _, err := ParseCIDRs(c.TrustedProxies); err != nil {
		add("trusted_proxies", "%v; write CIDRs separated by commas, for example 10.0.0.0/24,127.0.0.1", err)
	}
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		add("tls", "set both tls.cert_file and tls.key_file, or neither")
	}
	for field, f := range map[string]string{"tls.cert_file": c.TLS.CertFile, "tls.key_file": c.TLS.KeyFile} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			add(field, "cannot read %s: %v", f, errors.Unwrap(err))
		}
	}
	if c.Demo && !c.AllowSimulatedProviders {
		add("demo", "the demo fleet is simulated; set allow_simulated_providers: true as well, or use `soberana up`")
	}
	if err == nil && c.TLS.CertFile == "" && !c.AllowInsecureHTTP && !isLoopback(host) {
		add("addr", "%s is not a loopback address and no TLS is configured; set tls.cert_file and tls.key_file, or allow_insecure_http: true behind a TLS-terminating proxy", c.Addr)
	}
	if c.BootstrapToken != "" && (!strings.HasPrefix(c.BootstrapToken, "sbr_") || len(c.BootstrapToken) < 20) {
		add("bootstrap_token", "must start with sbr_ and have at least 16 more characters (generate one with: soberana token generate)")
	}
	c.validateAudit(add)

	c.validateProduction(add)
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DatabaseTarget returns the URL or SQLite path to open.
func (c *Config) DatabaseTarget() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return filepath.Join(c.DataDir, "soberana.db")
}

// ParseCIDRs parses a comma-separated list of CIDRs or single addresses
// (trusted_proxies).
func ParseCIDRs(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			ip := net.ParseIP(f)
			if ip == nil {
				return nil, fmt.Errorf("%q is neither an address nor a CIDR", f)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR", f)
		}
		out = append(out, n)
	}
	return out, nil
}
