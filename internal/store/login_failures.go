package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// loginKey is the key of an e-mail address in login_failures: a SHA-256
// of the address as UserByEmail matches it.
func loginKey(email string) string {
	h := sha256.Sum256([]byte("soberana-login\x00" + strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(h[:])
}

// UnknownLogin returns the failed sign-ins recorded for an e-mail address
// that belongs to no user, and until when it is locked (nil: not).
func (t *Tx) UnknownLogin(ctx context.Context, email string) (int64, *time.Time, error) {
	var (
		n    int64
		lock sql.NullInt64
	)
	err := t.QueryRow(ctx, `SELECT failed_logins, locked_until FROM login_failures WHERE email_hash = ?`, loginKey(email)).Scan(&n, &lock)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("reading sign-in failures: %w", mapErr(err))
	}
	return n, fromNullMicros(lock), nil
}

// RecordUnknownLogin counts a failed sign-in of an address that belongs
// to no user, as RecordLogin does for a user.
func (t *Tx) RecordUnknownLogin(ctx context.Context, email string, lockedUntil *time.Time) error {
	_, err := t.Exec(ctx, `INSERT INTO login_failures (email_hash, failed_logins, locked_until) VALUES (?, 1, ?)
		ON CONFLICT (email_hash) DO UPDATE SET failed_logins = login_failures.failed_logins + 1, locked_until = excluded.locked_until`,
		loginKey(email), nullMicros(lockedUntil))
	if err != nil {
		return fmt.Errorf("recording a sign-in failure: %w", mapErr(err))
	}
	return nil
}
