package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// PutConsoleSession stores (or replaces) a console session's sealed body.
func (s *Store) PutConsoleSession(ctx context.Context, idHash, sealed string, expires time.Time) error {
	_, err := s.Read().Exec(ctx, `INSERT INTO console_sessions (id_hash, sealed, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (id_hash) DO UPDATE SET sealed = excluded.sealed, expires_at = excluded.expires_at`, idHash, sealed, micros(expires))
	return mapErr(err)
}

// ConsoleSession finds a console session that has not expired at now.
func (s *Store) ConsoleSession(ctx context.Context, idHash string, now time.Time) (sealed string, expires time.Time, ok bool, err error) {
	var exp int64
	err = s.Read().QueryRow(ctx, `SELECT sealed, expires_at FROM console_sessions WHERE id_hash = ? AND expires_at >= ?`,
		idHash, micros(now)).Scan(&sealed, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, false, nil
	}
	if err != nil {
		return "", time.Time{}, false, mapErr(err)
	}
	return sealed, time.UnixMicro(exp).UTC(), true, nil
}

// DropConsoleSession removes a session (sign-out).
func (s *Store) DropConsoleSession(ctx context.Context, idHash string) error {
	_, err := s.Read().Exec(ctx, `DELETE FROM console_sessions WHERE id_hash = ?`, idHash)
	return mapErr(err)
}

// SweepConsoleSessions removes the sessions expired at now.
func (s *Store) SweepConsoleSessions(ctx context.Context, now time.Time) error {
	_, err := s.Read().Exec(ctx, `DELETE FROM console_sessions WHERE expires_at < ?`, micros(now))
	return mapErr(err)
}

// AddRateCounts adds each key's count to its window and returns the
// windows' totals (every replica's counts together).
func (s *Store) AddRateCounts(ctx context.Context, win int64, counts map[string]int64) (map[string]int64, error) {
	out := make(map[string]int64, len(counts))
	err := func() error {
		tx := s.Read()
		for k, n := range counts {
			var total int64
			if err := tx.QueryRow(ctx, `INSERT INTO rate_counters (key, win, n) VALUES (?, ?, ?)
				ON CONFLICT (key, win) DO UPDATE SET n = rate_counters.n + excluded.n RETURNING n`, k, win, n).Scan(&total); err != nil {
				return mapErr(err)
			}
			out[k] = total
		}
		return nil
	}()
	return out, err
}

// SweepRateCounts removes the windows before win.
func (s *Store) SweepRateCounts(ctx context.Context, before int64) error {
	_, err := s.Read().Exec(ctx, `DELETE FROM rate_counters WHERE win < ?`, before)
	return mapErr(err)
}
