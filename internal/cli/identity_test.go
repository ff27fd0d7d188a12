package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/server/servertest"
)

func run(t *testing.T, h *servertest.Harness, token string, args ...string) (string, string, int) {
	t.Helper()
	return cliOut(map[string]string{"SOBERANA_SERVER": h.URL, "SOBERANA_TOKEN": token, "LANG": "en"}, args...)
}

// TestGrantAndAuditCommands: soberana grant create|list|revoke, token
// create, audit export and audit verify (online and offline).
func TestGrantAndAuditCommands(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	prj := h.FirstID(t, "/v1/projects")
	out, errs, code := run(t, h, servertest.AdminToken, "grant", "create", "--project", prj, "--email", "v@vendor.example",
		"--role", "developer", "--expires", "720h", "--source-cidr", "203.0.113.0/24", "-o", "json")
	if code != 0 || !strings.Contains(out, `"grt_`) {
		t.Fatalf("grant create: %d %s %s", code, out, errs)
	}
	if _, errs, code := run(t, h, servertest.AdminToken, "grant", "create", "--project", prj, "--email", "v@vendor.example"); code == 0 {
		t.Fatalf("a grant without expiry was accepted: %s", errs)
	}
	out, _, code = run(t, h, servertest.AdminToken, "grant", "list", "--active")
	if code != 0 || !strings.Contains(out, prj) {
		t.Fatalf("grant list: %d %s", code, out)
	}
	id := strings.Fields(strings.Split(out, "\n")[1])[0]
	if out, errs, code := run(t, h, servertest.AdminToken, "grant", "revoke", id); code != 0 {
		t.Fatalf("grant revoke: %s %s", out, errs)
	}
	out, errs, code = run(t, h, servertest.AdminToken, "token", "create", "auditor-ci", "--kind", "service", "--role", "auditor", "--scope-kind", "platform")
	if code != 0 || !strings.HasPrefix(out, "sbr_") {
		t.Fatalf("token create: %s %s", out, errs)
	}
	auditor := strings.TrimSpace(out)

	dir := t.TempDir()
	// The auditor pins the public key once; verify never takes it from
	// the server it checks.
	var pk struct {
		PEM string `json:"public_key_pem"`
	}
	if _, err := h.Admin.Do(context.Background(), "GET", "/v1/audit/public-key", nil, &pk); err != nil {
		t.Fatal(err)
	}
	pub := filepath.Join(dir, "audit-public.pem")
	if err := os.WriteFile(pub, []byte(pk.PEM), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run(t, h, auditor, "audit", "verify"); code == 0 || !strings.Contains(errs, "no public key") {
		t.Fatalf("audit verify without a public key: %d %s", code, errs)
	}
	out, errs, code = run(t, h, auditor, "audit", "verify", "--public-key", pub)
	if code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("audit verify: %d %s %s", code, out, errs)
	}
	exp := filepath.Join(dir, "audit.jsonl")
	if _, errs, code := run(t, h, auditor, "audit", "export", "-f", exp); code != 0 {
		t.Fatalf("audit export: %s", errs)
	}
	if out, errs, code := run(t, h, "", "audit", "verify", "--file", exp, "--public-key", pub); code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("offline verify: %s %s", out, errs)
	}
	// Tamper with the export: the CLI names the event.
	b, _ := os.ReadFile(exp)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	lines[1] = strings.Replace(lines[1], `"outcome":"success"`, `"outcome":"denied"`, 1)
	_ = os.WriteFile(exp, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	_, errs, code = run(t, h, "", "audit", "verify", "--file", exp, "--public-key", pub)
	if code == 0 || !strings.Contains(errs, "broken from event 2 on") {
		t.Fatalf("tampered export: %d %s", code, errs)
	}
}

// TestLoginSave: soberana login reads the password from standard input;
// with --save later commands find the token without SOBERANA_TOKEN.
func TestLoginSave(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	if _, err := h.Admin.Do(context.Background(), "POST", "/v1/users", map[string]any{"email": "ana@gob.example", "name": "Ana",
		"password": "correct horse battery"}, nil); err != nil {
		t.Fatal(err)
	}
	cfg := t.TempDir()
	env := map[string]string{"SOBERANA_SERVER": h.URL, "XDG_CONFIG_HOME": cfg, "LANG": "en"}
	getenv := func(k string) string { return env[k] }
	var out, errb bytes.Buffer
	code := cli.RunEnvIn(context.Background(), []string{"login", "--email", "ana@gob.example", "--save"},
		strings.NewReader("correct horse battery\n"), &out, &errb, getenv)
	if code != 0 || !strings.Contains(out.String(), "export SOBERANA_TOKEN=sbr_") {
		t.Fatalf("login: %d %s %s", code, out.String(), errb.String())
	}
	if fi, err := os.Stat(filepath.Join(cfg, "soberana", "token")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved token: %v %v", fi, err)
	}
	out.Reset()
	if code := cli.RunEnv(context.Background(), []string{"token", "list", "-o", "json"}, &out, &errb, getenv); code != 0 || !strings.Contains(out.String(), "soberana login") {
		t.Fatalf("token list with the saved token: %d %s %s", code, out.String(), errb.String())
	}
}
