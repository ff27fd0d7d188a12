package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LoadOrCreateKey reads the Ed25519 checkpoint signing key (PKCS #8 PEM)
// at path, creating it (0600) when absent. Only `soberana up` does this,
// in its data directory, for the demo; serve reads a key file the
// operator made (LoadKey).
func LoadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	key, err := LoadKey(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		return WriteNewKey(path)
	}
	return key, err
}

// WriteNewKey makes a new Ed25519 signing key and writes it to path
// (PKCS #8 PEM, 0600); it never overwrites a file.
func WriteNewKey(path string) (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("writing the audit signing key: %w", err)
	}
	if _, err := f.Write(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("writing the audit signing key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("writing the audit signing key: %w", err)
	}
	return key, nil
}

// LoadKey reads the Ed25519 checkpoint signing key (PKCS #8 PEM) at path;
// a missing file is an error wrapping os.ErrNotExist.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the audit signing key: %w", err)
	}
	key, err := ParsePrivateKeyPEM(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return key, nil
}

// ParsePrivateKeyPEM decodes an Ed25519 signing key in the PKCS #8 PEM
// that WriteNewKey writes.
func ParsePrivateKeyPEM(b []byte) (ed25519.PrivateKey, error) {
	return parseKeyPEM[ed25519.PrivateKey](b, "PRIVATE KEY", x509.ParsePKCS8PrivateKey, "key")
}

// ReadPublicKeyFile reads the PEM public keys (PublicKeyPEM's format) in
// the file at path: one, or several after a rotation of the signing key
// (the new key's block appended), since checkpoints signed with a key
// rotated out still vouch for what they signed.
func ReadPublicKeyFile(path string) ([]ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the audit public key: %w", err)
	}
	var keys []ed25519.PublicKey
	for len(bytes.TrimSpace(b)) > 0 {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return nil, fmt.Errorf("%s: not a PEM PUBLIC KEY", path)
		}
		pub, err := ParsePublicKeyPEM(pem.EncodeToMemory(blk))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		keys = append(keys, pub)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no PEM PUBLIC KEY in it", path)
	}
	return keys, nil
}

// KeyIDs lists the keys' ids, comma-separated.
func KeyIDs(keys []ed25519.PublicKey) string {
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = KeyID(k)
	}
	return strings.Join(ids, ",")
}

// PublicKeyPEM encodes a public key for outside verifiers.
func PublicKeyPEM(pub ed25519.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// ParsePublicKeyPEM decodes what PublicKeyPEM wrote.
func ParsePublicKeyPEM(b []byte) (ed25519.PublicKey, error) {
	return parseKeyPEM[ed25519.PublicKey](b, "PUBLIC KEY", x509.ParsePKIXPublicKey, "public key")
}

// PublicKeyOfBlock answers the Ed25519 public key in a decoded PEM block:
// a PUBLIC KEY's (PublicKeyPEM's format), or the public half of a PRIVATE
// KEY (the signing key, in WriteNewKey's format). The caller decodes the
// PEM once and hands the block over.
func PublicKeyOfBlock(blk *pem.Block) (ed25519.PublicKey, error) {
	if blk != nil && blk.Type == "PRIVATE KEY" {
		key, err := parseKeyBlock[ed25519.PrivateKey](blk, "PRIVATE KEY", x509.ParsePKCS8PrivateKey, "key")
		if err != nil {
			return nil, err
		}
		return key.Public().(ed25519.PublicKey), nil
	}
	return parseKeyBlock[ed25519.PublicKey](blk, "PUBLIC KEY", x509.ParsePKIXPublicKey, "public key")
}

// parseKeyPEM decodes the first PEM block of b and parses it with
// parseKeyBlock.
func parseKeyPEM[K ed25519.PrivateKey | ed25519.PublicKey](b []byte, typ string, parse func([]byte) (any, error), what string) (K, error) {
	blk, _ := pem.Decode(b)
	return parseKeyBlock[K](blk, typ, parse, what)
}

// parseKeyBlock parses blk, which must be of type typ, with parse (an
// x509 parser) into an Ed25519 key K; what names K in the error when the
// key is of another algorithm.
func parseKeyBlock[K ed25519.PrivateKey | ed25519.PublicKey](blk *pem.Block, typ string, parse func([]byte) (any, error), what string) (K, error) {
	if blk == nil || blk.Type != typ {
		return nil, errors.New("not a PEM " + typ)
	}
	k, err := parse(blk.Bytes)
	if err != nil {
		return nil, err
	}
	key, ok := k.(K)
	if !ok {
		return nil, errors.New("not an Ed25519 " + what)
	}
	return key, nil
}
