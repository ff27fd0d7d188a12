package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

// TestSSHKeyCommands: soberana ssh-key add|list|delete through the SDK's
// typed methods, in table and JSON output, and a refused key's problem.
func TestSSHKeyCommands(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	dir := t.TempDir()
	pub := filepath.Join(dir, "id.pub")
	if err := os.WriteFile(pub, []byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	priv := filepath.Join(dir, "id")
	if err := os.WriteFile(priv, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run(t, h, servertest.AdminToken, "ssh-key", "add", "bad", priv); code == 0 || !strings.Contains(errs, "public_key") {
		t.Fatalf("a private key was accepted: %d %s", code, errs)
	}
	out, errs, code := run(t, h, servertest.AdminToken, "ssh-key", "add", "laptop", pub, "-o", "json")
	var k map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &k) != nil || k["name"] != "laptop" || !strings.HasPrefix(k["fingerprint"].(string), "SHA256:") {
		t.Fatalf("ssh-key add: %d %s %s", code, out, errs)
	}
	id := k["id"].(string)
	out, _, code = run(t, h, servertest.AdminToken, "ssh-key", "list")
	if code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "ssh-ed25519") {
		t.Fatalf("ssh-key list: %d %s", code, out)
	}
	if _, errs, code := run(t, h, servertest.AdminToken, "ssh-key", "delete", id); code != 0 {
		t.Fatalf("ssh-key delete: %d %s", code, errs)
	}
	out, _, code = run(t, h, servertest.AdminToken, "ssh-key", "list", "-o", "json")
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &page) != nil || page.Items == nil || len(page.Items) != 0 {
		t.Fatalf("ssh-key list after delete: %d %s", code, out)
	}
}
