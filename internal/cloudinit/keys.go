package cloudinit

import (
	"errors"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// ErrNotPublicKey: the text is not one SSH public key in authorized_keys
// form (a private key, two keys, options or garbage).
var ErrNotPublicKey = errors.New("cloudinit: not an SSH public key")

// MaxPublicKey bounds a public key's text (an RSA 16384-bit key fits).
const MaxPublicKey = 8 << 10

// KeyTypes lists the key types ParsePublicKey accepts (the OpenAPI enum
// of a key's key_type): those golang.org/x/crypto/ssh parses, DSA and
// ML-DSA included, so that no key accepted before is refused now. A type
// a newer library learns is refused until it is listed here.
var KeyTypes = []string{
	ssh.KeyAlgoED25519, ssh.KeyAlgoSKED25519,
	ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521, ssh.KeyAlgoSKECDSA256,
	ssh.KeyAlgoRSA,
	//lint:ignore SA1019 listed, not recommended: a DSA key was accepted before, and stored ones are still shown
	ssh.InsecureKeyAlgoDSA,
	ssh.KeyAlgoMLDSA44, ssh.KeyAlgoMLDSA65, ssh.KeyAlgoMLDSA87,
}

// PublicKey is a parsed SSH public key.
type PublicKey struct {
	// Authorized is the key in authorized_keys form with its comment.
	Authorized  string
	Fingerprint string // SHA256:…
	Type        string // ssh-ed25519, ssh-rsa, …
}

// ParsePublicKey parses one SSH public key as ssh-keygen writes it
// ("ssh-ed25519 AAAA… comment"). Options (from="…", command="…") are
// refused: soberana writes keys, not policies.
func ParsePublicKey(s string) (PublicKey, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxPublicKey || strings.ContainsAny(s, "\r\n") || strings.Contains(s, "PRIVATE KEY") {
		return PublicKey{}, ErrNotPublicKey
	}
	pk, comment, options, rest, err := ssh.ParseAuthorizedKey([]byte(s))
	if err != nil || len(options) > 0 || len(strings.TrimSpace(string(rest))) > 0 {
		return PublicKey{}, ErrNotPublicKey
	}
	if _, ok := pk.(*ssh.Certificate); ok || !slices.Contains(KeyTypes, pk.Type()) {
		return PublicKey{}, ErrNotPublicKey
	}
	out := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
	if comment = strings.TrimSpace(comment); comment != "" {
		out += " " + comment
	}
	return PublicKey{Authorized: out, Fingerprint: ssh.FingerprintSHA256(pk), Type: pk.Type()}, nil
}
