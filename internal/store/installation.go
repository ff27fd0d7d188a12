package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/soberana/soberana/internal/model"
)

// InstallationPrefix starts every installation id.
const InstallationPrefix = "inst"

// Installation returns this installation's id, making it on the first call
// against a new database. Several servers starting at once on one
// database agree: the first insert wins and every caller reads it back.
func (s *Store) Installation(ctx context.Context) (model.Installation, error) {
	if in, ok, err := s.Read().installation(ctx); err != nil || ok {
		return in, err
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO installation (singleton, id, created_at) VALUES (1, ?, ?)
			ON CONFLICT (singleton) DO NOTHING`, model.NewID(InstallationPrefix), micros(tx.Now()))
		return err
	})
	if err != nil {
		return model.Installation{}, err
	}
	in, ok, err := s.Read().installation(ctx)
	if err == nil && !ok {
		err = errors.New("store: the installation row vanished after it was written")
	}
	return in, err
}

func (t *Tx) installation(ctx context.Context) (model.Installation, bool, error) {
	var (
		in model.Installation
		at int64
	)
	err := t.QueryRow(ctx, `SELECT id, created_at FROM installation WHERE singleton = 1`).Scan(&in.ID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return in, false, nil
	}
	if err != nil {
		return in, false, mapErr(err)
	}
	in.CreatedAt = fromMicros(at)
	return in, true, nil
}
