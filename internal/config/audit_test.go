package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestAuditConfig: the audit settings load from the file and from their
// SOBERANA_AUDIT_* variables, and a serve configuration that keeps its
// signing key outside data_dir passes ValidateServe.
func TestAuditConfig(t *testing.T) {
	t.Parallel()
	c := validConfig(t, "testdata/audit/good.yaml")
	if err := c.ValidateServe(); err != nil {
		t.Fatal(err)
	}
	if c.Audit.CheckpointEvery != 5*time.Minute || c.Audit.CheckpointFile != "testdata/audit/checkpoints.jsonl" {
		t.Fatalf("audit settings: %+v", c.Audit)
	}
	env := map[string]string{"SOBERANA_AUDIT_SIGNING_KEY_FILE": "/k", "SOBERANA_AUDIT_PUBLIC_KEY_FILE": "/p",
		"SOBERANA_AUDIT_CHECKPOINT_FILE": "/c", "SOBERANA_AUDIT_CHECKPOINT_EVERY": "1m"}
	if err := c.LoadEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.Audit != (Audit{SigningKeyFile: "/k", PublicKeyFile: "/p", CheckpointFile: "/c", CheckpointEvery: time.Minute}) {
		t.Fatalf("env not applied: %+v", c.Audit)
	}
}

// TestBadAuditConfigs: every testdata/audit/*.bad.yaml fails with a
// message naming the field and the fix; serve-* ones fail ValidateServe
// (what serve adds to Validate).
func TestBadAuditConfigs(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"checkpoint-every.bad.yaml":              {"audit.checkpoint_every", "1s and 24h"},
		"signing-key-missing.bad.yaml":           {"audit.signing_key_file", "cannot read"},
		"public-key-missing.bad.yaml":            {"audit.public_key_file", "cannot read"},
		"checkpoint-dir.bad.yaml":                {"audit.checkpoint_file", "does not exist"},
		"serve-no-key.bad.yaml":                  {"audit.signing_key_file", "soberana audit keygen", "SOBERANA_AUDIT_SIGNING_KEY_FILE"},
		"serve-key-in-data-dir.bad.yaml":         {"audit.signing_key_file", "inside data_dir", "another disk"},
		"serve-checkpoints-in-data-dir.bad.yaml": {"audit.checkpoint_file", "inside data_dir"},
	}
	checkBadConfigs(t, "testdata/audit/*.bad.yaml", want)
}

// TestWithinDataDir: a path reached through a symbolic link into data_dir
// is inside it.
func TestWithinDataDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(data, filepath.Join(dir, "elsewhere")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	for path, in := range map[string]bool{
		filepath.Join(data, "audit.key"):               true,
		filepath.Join(dir, "elsewhere", "audit.key"):   true,
		filepath.Join(dir, "data-other", "audit.key"):  false,
		filepath.Join(dir, "audit.key"):                false,
		filepath.Join(data, "..", "data", "audit.key"): true,
	} {
		if within(path, data) != in {
			t.Errorf("within(%s, %s) = %v", path, data, !in)
		}
	}
}
