package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// TokenPrefix starts every soberana token, so secret scanners can find
// leaked ones.
const TokenPrefix = "sbr_"

// Authorization rules a route declares. The decision is made in exactly
// one place, authorize.
const (
	// AuthPublic needs no token.
	AuthPublic = "public"
	// AuthRead needs any valid token.
	AuthRead = "read"
	// AuthAdmin needs the platform-admin role.
	AuthAdmin = "admin"
)

// Roles.
const (
	RolePlatformAdmin = "platform-admin"
	RoleAuditor       = "auditor"
)

// Principal is the authenticated caller.
type Principal struct {
	TokenID string
	Name    string
	Role    string
}

// PrincipalOf returns the caller of a request context.
func PrincipalOf(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(keyPrincipal).(Principal)
	return p, ok
}

// NewToken returns a fresh random token and the hash to store.
func NewToken() (secret, hash string) {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	var b strings.Builder
	b.WriteString(TokenPrefix)
	max := big.NewInt(int64(len(alphabet)))
	for range 40 { // 40 base62 characters ≈ 238 bits
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err)
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	secret = b.String()
	return secret, HashToken(secret)
}

// HashToken is the stored form of a token. Tokens carry 238 random bits,
// so one SHA-256 pass is enough (a slow hash is for guessable passwords).
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ParseBearer extracts the token from an Authorization header value.
func ParseBearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	if !strings.HasPrefix(tok, TokenPrefix) || len(tok) < len(TokenPrefix)+16 || len(tok) > 200 {
		return "", false
	}
	for _, c := range tok[len(TokenPrefix):] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return "", false
		}
	}
	return tok, true
}

// tokenCache remembers when each token's last use was written so that a
// busy client does not turn every request into a database write.
type tokenCache struct {
	mu      sync.Mutex
	touched map[string]time.Time
}

func (c *tokenCache) shouldTouch(id string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.touched == nil {
		c.touched = map[string]time.Time{}
	}
	if last, ok := c.touched[id]; ok && now.Sub(last) < time.Minute {
		return false
	}
	c.touched[id] = now
	return true
}

// authenticate resolves the bearer token and applies the route's rule.
func (a *API) authenticate(r *http.Request, rt *Route) (context.Context, error) {
	ctx := r.Context()
	if rt.Auth == AuthPublic {
		return ctx, nil
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, Errorf(http.StatusUnauthorized, "unauthorized", "problem.unauthorized.missing")
	}
	secret, ok := ParseBearer(h)
	if !ok {
		return nil, Errorf(http.StatusUnauthorized, "unauthorized", "problem.unauthorized.invalid")
	}
	tok, err := a.store.Read().TokenByHash(ctx, HashToken(secret))
	if errors.Is(err, store.ErrNotFound) {
		return nil, Errorf(http.StatusUnauthorized, "unauthorized", "problem.unauthorized.invalid")
	}
	if err != nil {
		return nil, err
	}
	now := a.now()
	if tok.Revoked || (tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt)) {
		return nil, Errorf(http.StatusUnauthorized, "unauthorized", "problem.unauthorized.invalid")
	}
	if a.tokens.shouldTouch(tok.ID, now) {
		if err := a.store.Read().TouchToken(ctx, tok.ID, now); err != nil {
			a.log.WarnContext(ctx, "recording token use", "err", err)
		}
	}
	p := Principal{TokenID: tok.ID, Name: tok.Name, Role: tok.Role}
	if err := authorize(p, rt); err != nil {
		return nil, err
	}
	return context.WithValue(ctx, keyPrincipal, p), nil
}

// authorize is the one decision point: does p satisfy the route's rule?
func authorize(p Principal, rt *Route) error {
	switch rt.Auth {
	case AuthRead:
		return nil
	case AuthAdmin:
		if p.Role == RolePlatformAdmin {
			return nil
		}
	}
	return Errorf(http.StatusForbidden, "forbidden", "problem.forbidden.detail")
}

// IssueToken creates and stores a token with the given role. A non-empty
// secret is used as given (the bootstrap token); otherwise one is made.
func IssueToken(ctx context.Context, tx *store.Tx, name, role, secret string, expires *time.Time) (string, model.Token, error) {
	var hash string
	if secret == "" {
		secret, hash = NewToken()
	} else {
		if _, ok := ParseBearer("Bearer " + secret); !ok {
			return "", model.Token{}, errors.New("token must start with " + TokenPrefix + " followed by at least 16 letters, digits, _ or -")
		}
		hash = HashToken(secret)
	}
	tok := model.Token{Name: name, Role: role, Hash: hash, ExpiresAt: expires}
	if err := tx.CreateToken(ctx, &tok); err != nil {
		return "", tok, err
	}
	return secret, tok, nil
}
