package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUpCreatesSecretsKey: the first `up` creates a secrets key (0600) in
// its data directory and says so; later starts keep the same key.
func TestUpCreatesSecretsKey(t *testing.T) {
	dir := t.TempDir()
	_, out, stop := startUp(t, dir, nil)
	stop()
	path := filepath.Join(dir, "secrets.key")
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secrets key: %v %v", st, err)
	}
	if !strings.Contains(out.String(), "secrets key created") {
		t.Fatalf("banner does not mention the new key: %s", out.String())
	}
	first, _ := os.ReadFile(path)
	_, out, stop = startUp(t, dir, nil)
	stop()
	again, _ := os.ReadFile(path)
	if string(first) != string(again) || strings.Contains(out.String(), "secrets key created") {
		t.Fatalf("second start replaced the key or announced a new one: %s", out.String())
	}
	// A key given in the environment is used instead: no file is made.
	other := t.TempDir()
	_, _, stop = startUp(t, other, map[string]string{"SOBERANA_SECRETS_KEY_FILE": path})
	stop()
	if _, err := os.Stat(filepath.Join(other, "secrets.key")); !os.IsNotExist(err) {
		t.Fatalf("up made a key file although one was configured: %v", err)
	}
}
