package audit_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"path/filepath"
	"testing"

	"github.com/soberana/soberana/internal/audit"
)

// TestKeyPEMRefusals pins what the PEM key parsers refuse and how they
// say so: a block of the other kind, and a key of another algorithm.
func TestKeyPEMRefusals(t *testing.T) {
	t.Parallel()
	key, err := audit.WriteNewKey(filepath.Join(t.TempDir(), "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := audit.PublicKeyPEM(key.Public().(ed25519.PublicKey))
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPriv, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	ecPub, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	ecPrivPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecPriv})
	ecPubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecPub})

	if got, err := audit.ParsePublicKeyPEM(pubPEM); err != nil || !got.Equal(key.Public()) {
		t.Errorf("ParsePublicKeyPEM(PublicKeyPEM) = %v, %v", got, err)
	}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"public parser, private block", second(audit.ParsePublicKeyPEM(ecPrivPEM)), "not a PEM PUBLIC KEY"},
		{"public parser, ECDSA key", second(audit.ParsePublicKeyPEM(ecPubPEM)), "not an Ed25519 public key"},
		{"private parser, public block", second(audit.ParsePrivateKeyPEM(pubPEM)), "not a PEM PRIVATE KEY"},
		{"private parser, ECDSA key", second(audit.ParsePrivateKeyPEM(ecPrivPEM)), "not an Ed25519 key"},
		{"private parser, no PEM", second(audit.ParsePrivateKeyPEM([]byte("junk"))), "not a PEM PRIVATE KEY"},
	} {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("%s: error %v, want %q", c.name, c.err, c.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }
