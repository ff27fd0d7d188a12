package server

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sync"
	"time"
)

// TLS settings beyond the certificate and key files of the config.
const (
	// EnvTLSClientCAFile names a PEM bundle of CAs whose client
	// certificates identify machine callers.
	EnvTLSClientCAFile = "SOBERANA_TLS_CLIENT_CA_FILE"
	// EnvTLSClientAuth is "require" (every caller presents a certificate
	// from those CAs) or "verify-if-given" (default when a CA file is set).
	EnvTLSClientAuth = "SOBERANA_TLS_CLIENT_AUTH"
)

// certReloader serves the certificate in certFile/keyFile and reloads it
// when either file changes (checked at most every interval), so renewed
// certificates are picked up without a restart. A broken pair on disk
// keeps the last good one in use.
type certReloader struct {
	certFile, keyFile string
	interval          time.Duration
	now               func() time.Time

	mu      sync.Mutex
	cert    *tls.Certificate
	modCert time.Time
	modKey  time.Time
	checked time.Time
}

func newCertReloader(certFile, keyFile string) (*certReloader, error) {
	r := &certReloader{certFile: certFile, keyFile: keyFile, interval: 5 * time.Second, now: time.Now}
	if err := r.reload(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *certReloader) reload() error {
	ci, err := os.Stat(r.certFile)
	if err != nil {
		return err
	}
	ki, err := os.Stat(r.keyFile)
	if err != nil {
		return err
	}
	if r.cert != nil && ci.ModTime().Equal(r.modCert) && ki.ModTime().Equal(r.modKey) {
		return nil
	}
	c, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		return fmt.Errorf("loading TLS certificate: %w", err)
	}
	r.cert, r.modCert, r.modKey = &c, ci.ModTime(), ki.ModTime()
	return nil
}

// GetCertificate is tls.Config.GetCertificate.
func (r *certReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := r.now(); now.Sub(r.checked) >= r.interval {
		r.checked = now
		_ = r.reload() // keep serving the last good pair
	}
	return r.cert, nil
}

// tlsConfig is the server's TLS: 1.2 at least, the reloading certificate,
// and client certificates for machine callers when a CA file is set.
func tlsConfig(certFile, keyFile string, getenv func(string) string) (*tls.Config, error) {
	rl, err := newCertReloader(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: rl.GetCertificate}
	if ca := getenv(EnvTLSClientCAFile); ca != "" {
		b, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvTLSClientCAFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("%s: no PEM certificate in %s", EnvTLSClientCAFile, ca)
		}
		cfg.ClientCAs = pool
		switch getenv(EnvTLSClientAuth) {
		case "", "verify-if-given":
			cfg.ClientAuth = tls.VerifyClientCertIfGiven
		case "require":
			cfg.ClientAuth = tls.RequireAndVerifyClientCert
		default:
			return nil, fmt.Errorf("%s: want require or verify-if-given", EnvTLSClientAuth)
		}
	}
	return cfg, nil
}
