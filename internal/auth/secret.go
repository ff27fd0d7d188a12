package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"math/big"
	"strings"
)

// Secret prefixes: secret scanners can find leaked ones by them.
const (
	// TokenPrefix starts every API token.
	TokenPrefix = "sbr_"
	// SessionPrefix starts every console session cookie value.
	SessionPrefix = "sbs_"
)

// NewSecret returns prefix + 40 random base62 characters (≈238 bits) and
// the hash to store.
func NewSecret(prefix string) (secret, hash string) {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	var b strings.Builder
	b.WriteString(prefix)
	max := big.NewInt(int64(len(alphabet)))
	for range 40 {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err)
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	secret = b.String()
	return secret, HashSecret(secret)
}

// HashSecret is the stored form of a token or session secret. Secrets
// carry 238 random bits, so one SHA-256 pass is enough (a slow hash is for
// guessable passwords).
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ParseSecret checks the shape of a token or session secret: the prefix,
// then 16 to 196 characters of [0-9A-Za-z_-].
func ParseSecret(s, prefix string) (string, bool) {
	if !strings.HasPrefix(s, prefix) || len(s) < len(prefix)+16 || len(s) > 200 {
		return "", false
	}
	for _, c := range s[len(prefix):] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return "", false
		}
	}
	return s, true
}

// ParseBearer extracts an API token from an Authorization header value.
func ParseBearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return ParseSecret(strings.TrimSpace(tok), TokenPrefix)
}

// CSRFToken derives the anti-CSRF token of a session from its secret; the
// console sends it back in the X-CSRF-Token header on every change.
func CSRFToken(sessionSecret string) string {
	sum := sha256.Sum256([]byte("soberana-csrf\x00" + sessionSecret))
	return hex.EncodeToString(sum[:])
}

// CheckCSRF compares a presented CSRF token with the session's stored
// hash in constant time.
func CheckCSRF(presented, storedHash string) bool {
	if presented == "" || storedHash == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(HashSecret(presented)), []byte(storedHash)) == 1
}
