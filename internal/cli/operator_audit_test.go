package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
)

// operatorEvents runs the CLI with env and returns the audit events of
// action in the SQLite database of dir.
func operatorEvents(t *testing.T, dir, action string, env map[string]string, args ...string) []model.AuditEvent {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := cli.RunEnv(context.Background(), args, &out, &errOut, func(k string) string { return env[k] }); code != 0 {
		t.Fatalf("%v: exit %d: %s %s", args, code, out.String(), errOut.String())
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "soberana.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	evs, err := st.Read().AuditEvents(context.Background(), store.AuditFilter{Action: action, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

const testKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: u
  user: {token: t}
contexts:
- name: c
  context: {cluster: a, user: u}
current-context: c
`

// TestOperatorWritesAreAudited: the operator commands that write to the
// database directly — provider add-kubernetes and keys rotate — record an
// audit event of the operator who ran them, in the same transaction.
func TestOperatorWritesAreAudited(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	kc := filepath.Join(t.TempDir(), "a.yaml")
	if err := os.WriteFile(kc, []byte(testKubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	k1, k2 := secrets.NewKeyLine("k1"), secrets.NewKeyLine("k2")
	env := map[string]string{"USER": "ana", "SOBERANA_SECRETS_KEY": k1}
	evs := operatorEvents(t, dir, "providers.create", env, "provider", "add-kubernetes", "--data-dir", dir, "--discover=false",
		"--name", "Nube QRO", "--jurisdiction", "MX", "--currency", "MXN",
		"--cluster", "a="+kc, "--site", "a=country:MX,tier:core,failure-domain:fd-a")
	if len(evs) != 1 || evs[0].ActorKind != audit.ActorOperator || evs[0].ActorID != "ana" || evs[0].TargetKind != "providers" || evs[0].TargetID == "" {
		t.Fatalf("provider add-kubernetes recorded %+v; want one providers.create by operator ana naming the provider", evs)
	}

	env["SOBERANA_SECRETS_KEY"] = k2 + "\n" + k1
	env["SOBERANA_OPERATOR"] = "beto"
	evs = operatorEvents(t, dir, "secrets.rotate", env, "keys", "rotate", "--database-url", filepath.Join(dir, "soberana.db"))
	if len(evs) != 1 || evs[0].ActorID != "beto" || evs[0].TargetID != "k2" || evs[0].Via != "cli" {
		t.Fatalf("keys rotate recorded %+v; want one secrets.rotate by operator beto on key k2", evs)
	}
}
