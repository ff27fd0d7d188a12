package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/soberana/soberana/internal/store"
)

// Argon2Params are the argon2id cost parameters (RFC 9106's second
// recommended option: 64 MiB, 3 passes, 4 lanes).
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
}

// DefaultArgon2 is used for new hashes.
var DefaultArgon2 = Argon2Params{Memory: 64 * 1024, Time: 3, Threads: 4, KeyLen: 32}

// MinPasswordLen is the shortest accepted password.
const MinPasswordLen = 12

// ErrWeakPassword is returned for passwords shorter than MinPasswordLen.
var ErrWeakPassword = errors.New("password too short")

// HashPassword returns the PHC string of an argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	if len([]rune(pw)) < MinPasswordLen {
		return "", ErrWeakPassword
	}
	return hashWith(pw, DefaultArgon2), nil
}

func hashWith(pw string, p Argon2Params) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// verifications counts VerifyPassword calls, for the tests that check
// every sign-in path costs one argon2id verification.
var verifications atomic.Int64

// VerifyPassword checks pw against a PHC argon2id hash in constant time.
func VerifyPassword(hash, pw string) bool {
	verifications.Add(1)
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	if p.Memory > 1<<21 || p.Time > 20 || p.Time == 0 || p.Threads == 0 {
		return false // refuse absurd costs from a tampered row
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when the user does not exist, so that
// sign-in takes the same time either way.
var dummyHash = hashWith("soberana-dummy-password", DefaultArgon2)

// unknownLogin answers a sign-in with an e-mail address of no user as a
// wrong password of a user is answered: one argon2id verification, one
// failure counted, ErrLocked after MaxFailures in a row.
func (s *Service) unknownLogin(ctx context.Context, tx *store.Tx, email, password string) error {
	VerifyPassword(dummyHash, password)
	failures, lockedUntil, err := tx.UnknownLogin(ctx, email)
	if err != nil {
		return err
	}
	now := s.Now()
	if lockedUntil != nil && now.Before(*lockedUntil) {
		return ErrLocked
	}
	var lock *time.Time
	if int(failures)+1 >= s.opt.MaxFailures {
		t := now.Add(s.opt.LockFor)
		lock = &t
	}
	if err := tx.RecordUnknownLogin(ctx, email, lock); err != nil {
		return err
	}
	if lock != nil {
		return ErrLocked
	}
	return ErrBadCredentials
}
