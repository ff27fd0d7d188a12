package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLayers(t *testing.T) {
	t.Parallel()
	c := Defaults()
	if err := c.LoadFile("testdata/good.yaml"); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SOBERANA_LOG_LEVEL": "warn", "SOBERANA_TLS_CERT_FILE": ""}
	if err := c.LoadEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if err := c.Set("addr", "127.0.0.1:7000"); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7000" || c.LogLevel != "warn" || c.LogFormat != "json" || c.ShutdownTimeout != 5*time.Second {
		t.Fatalf("layers applied wrongly: %+v", c)
	}
	if got := c.DatabaseTarget(); got != filepath.Join("/tmp/soberana-test", "soberana.db") {
		t.Fatalf("database target %q", got)
	}
	if err := c.Set("no_such", "x"); err == nil {
		t.Fatal("unknown setting accepted")
	}
	if err := c.LoadEnv(func(k string) string {
		if k == "SOBERANA_SHUTDOWN_TIMEOUT" {
			return "soon"
		}
		return ""
	}); err == nil || !strings.Contains(err.Error(), "SOBERANA_SHUTDOWN_TIMEOUT") {
		t.Fatalf("bad env not named: %v", err)
	}
}

// Every *.bad.yaml must fail with a message naming the field and the fix.
func TestBadConfigs(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"unknown-key.bad.yaml":       {"listen", "not found"},
		"bad-addr.bad.yaml":          {"addr", "host:port"},
		"bad-port.bad.yaml":          {"addr", "0 to 65535"},
		"mysql-url.bad.yaml":         {"database_url", "postgres://"},
		"log-level.bad.yaml":         {"log_level", "debug, info, warn, error"},
		"public-plain-http.bad.yaml": {"addr", "tls.cert_file", "allow_insecure_http"},
		"half-tls.bad.yaml":          {"tls", "both"},
		"bad-duration.bad.yaml":      {"forever"},
		"bootstrap-token.bad.yaml":   {"bootstrap_token", "sbr_"},
		"reconcile.bad.yaml":         {"reconcile.lease_ttl"},
		"rate-every.bad.yaml":        {"ledger.rate_every"},
		"rate-limit.bad.yaml":        {"rate_limit.per_caller_burst"},
		"demo-simulated.bad.yaml":    {"demo", "allow_simulated_providers"},
	}
	checkBadConfigs(t, "testdata/*.bad.yaml", want)
}

// checkBadConfigs loads every fixture that glob matches and wants each
// refused, at load or validation, with a message naming every word in
// want for its file name; a fixture without an expectation (or the
// reverse) fails. A serve-* fixture must pass Validate and be refused by
// ValidateServe (what serve adds to Validate).
func checkBadConfigs(t *testing.T, glob string, want map[string][]string) {
	t.Helper()
	files, _ := filepath.Glob(glob)
	if len(files) != len(want) {
		t.Fatalf("%d bad fixtures but %d expectations: keep them in step", len(files), len(want))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			c, err := loadAndValidate(f)
			if strings.HasPrefix(name, "serve-") {
				if err != nil {
					t.Fatalf("Validate refused what only serve must: %v", err)
				}
				err = c.ValidateServe()
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range want[name] {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestMissingFile(t *testing.T) {
	t.Parallel()
	c := Defaults()
	err := c.LoadFile(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Fatalf("got %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok || u.Unwrap() == nil {
			return err
		}
		err = u.Unwrap()
	}
}

// loadAndValidate is Defaults with the file at path loaded on top, then
// validated: the first error of the two.
func loadAndValidate(path string) (Config, error) {
	c := Defaults()
	err := c.LoadFile(path)
	if err == nil {
		err = c.Validate()
	}
	return c, err
}

// validConfig is loadAndValidate for a fixture that must load and
// validate.
func validConfig(t *testing.T, path string) Config {
	t.Helper()
	c, err := loadAndValidate(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
