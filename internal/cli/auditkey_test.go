package cli

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"

	"github.com/soberana/soberana/internal/audit"
)

// TestReadAuditKey pins what --audit-key accepts: the server's private
// signing key (its public half is used) or a public key PEM; anything
// else is refused.
func TestReadAuditKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	priv := filepath.Join(dir, "audit.key")
	key, err := audit.WriteNewKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	pub := filepath.Join(dir, "audit.pub")
	if err := os.WriteFile(pub, audit.PublicKeyPEM(key.Public().(ed25519.PublicKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{priv, pub} {
		got, err := readAuditKey(path)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		if !got.Equal(key.Public()) {
			t.Errorf("%s: read a key other than the signing key's public half", filepath.Base(path))
		}
	}
	junk := filepath.Join(dir, "junk")
	if err := os.WriteFile(junk, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readAuditKey(junk); err == nil {
		t.Error("a PRIVATE KEY block that is not PKCS #8 was accepted")
	}
}
