package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func writePair(t *testing.T, dir, cn string, mod time.Time) (string, string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{cn}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	cert, keyf := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	_ = os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyf, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
	_ = os.Chtimes(cert, mod, mod)
	_ = os.Chtimes(keyf, mod, mod)
	return cert, keyf
}

func cnOf(t *testing.T, c *tls.Certificate) string {
	t.Helper()
	x, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return x.Subject.CommonName
}

// TestCertReload: a renewed certificate is served without a restart; a
// broken pair on disk keeps the last good one; TLS 1.2 is the floor.
func TestCertReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	t0 := time.Now().Add(-time.Hour)
	cert, key := writePair(t, dir, "one.gob.example", t0)
	r, err := newCertReloader(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	r.now = func() time.Time { return now }
	c, _ := r.GetCertificate(nil)
	if cnOf(t, c) != "one.gob.example" {
		t.Fatal("first certificate")
	}
	writePair(t, dir, "two.gob.example", t0.Add(time.Minute))
	c, _ = r.GetCertificate(nil)
	if cnOf(t, c) != "one.gob.example" {
		t.Fatal("reloaded before the check interval")
	}
	now = now.Add(6 * time.Second)
	c, _ = r.GetCertificate(nil)
	if cnOf(t, c) != "two.gob.example" {
		t.Fatal("renewed certificate not picked up")
	}
	_ = os.WriteFile(key, []byte("garbage"), 0o600)
	_ = os.Chtimes(key, t0.Add(2*time.Minute), t0.Add(2*time.Minute))
	now = now.Add(6 * time.Second)
	c, _ = r.GetCertificate(nil)
	if c == nil || cnOf(t, c) != "two.gob.example" {
		t.Fatal("a broken pair replaced the good certificate")
	}

	cert, key = writePair(t, t.TempDir(), "three.gob.example", t0)
	cfg, err := tlsConfig(cert, key, func(string) string { return "" })
	if err != nil || cfg.MinVersion != tls.VersionTLS12 || cfg.ClientAuth != tls.NoClientCert {
		t.Fatalf("tls config: %+v %v", cfg, err)
	}
	env := map[string]string{EnvTLSClientCAFile: cert, EnvTLSClientAuth: "require"}
	cfg, err = tlsConfig(cert, key, func(k string) string { return env[k] })
	if err != nil || cfg.ClientAuth != tls.RequireAndVerifyClientCert || cfg.ClientCAs == nil {
		t.Fatalf("client certificates: %+v %v", cfg, err)
	}
	env[EnvTLSClientAuth] = "sometimes"
	if _, err := tlsConfig(cert, key, func(k string) string { return env[k] }); err == nil {
		t.Fatal("a bad client-auth mode was accepted")
	}
}
