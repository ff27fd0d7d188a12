package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestBackupCommands drives backup create, verify and restore on the
// embedded database of a running server (the backup package's tests
// cover PostgreSQL and damaged backups).
func TestBackupCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	live := filepath.Join(dir, "live")
	h := servertest.Start(t, servertest.Options{DataDir: live})
	run := func(args ...string) (string, string, int) { return cliOut(nil, args...) }
	file := filepath.Join(dir, "b.db")
	out, errOut, code := run("backup", "create", "--data-dir", live, "--out", file)
	if code != 0 || !strings.Contains(out, "backup "+file+": ok (sqlite") || !strings.Contains(out, "signatures checked") {
		t.Fatalf("create: %d %s %s", code, out, errOut)
	}
	out, errOut, code = run("backup", "verify", file, "--data-dir", live, "-o", "json")
	var rep struct {
		SchemaVersion int64            `json:"schema_version"`
		Rows          map[string]int64 `json:"rows"`
		Problems      []string         `json:"problems"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.SchemaVersion == 0 || rep.Rows["sites"] == 0 || len(rep.Problems) != 0 {
		t.Fatalf("verify: %d %s %s", code, out, errOut)
	}
	if _, errOut, code = run("backup", "restore", file, "--data-dir", live, "--replace"); code == 0 || !strings.Contains(errOut, "in use") {
		t.Fatalf("restore under a running server: %d %s", code, errOut)
	}
	h.Stop()
	if _, errOut, code = run("backup", "restore", file, "--data-dir", live); code == 0 || !strings.Contains(errOut, "--replace") {
		t.Fatalf("restore over a database without --replace: %d %s", code, errOut)
	}
	out, errOut, code = run("backup", "restore", file, "--data-dir", live, "--replace")
	if code != 0 || !strings.Contains(out, "restored "+file) || !strings.Contains(out, ": ok") {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	if _, errOut, code = run("backup", "verify", filepath.Join(dir, "nope")); code == 0 || !strings.Contains(errOut, "no such file") {
		t.Fatalf("verify a missing file: %d %s", code, errOut)
	}
}

func TestVersionJSON(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := cli.RunEnv(context.Background(), []string{"version", "-o", "json"}, &out, &errOut, func(string) string { return "" })
	var v struct {
		Version, Commit, Date string
		GoVersion             string `json:"go_version"`
	}
	if code != 0 || json.Unmarshal(out.Bytes(), &v) != nil || v.Version == "" || v.Commit == "" || v.Date == "" || !strings.HasPrefix(v.GoVersion, "go") {
		t.Fatalf("version -o json: %d %q %s", code, out.String(), errOut.String())
	}
}
