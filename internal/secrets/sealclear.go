package secrets

import (
	"context"
	"fmt"

	"github.com/soberana/soberana/internal/store"
)

// Putter seals a secret (Box.Put).
type Putter interface {
	Put(ctx context.Context, tx *store.Tx, ownerKind, ownerID, name string, v []byte) error
}

// SealClear moves the secrets that rows still keep in clear text (stored
// by a version that did so without a secrets key) into the secrets table,
// sealed, in one transaction of st, and returns how many it sealed (none
// when box is nil: no secrets key). clear lists them (row id → secret),
// box seals each under (ownerKind, row id, name), and mark leaves
// SealedMarker in its row. what names one in errors ("webhook" gives
// "sealing the secret of webhook ID").
func SealClear(ctx context.Context, st *store.Store, box Putter, ownerKind, name, what string,
	clear func(tx *store.Tx, ctx context.Context, marker string) (map[string]string, error),
	mark func(tx *store.Tx, ctx context.Context, id, clear, marker string) error) (int, error) {
	if box == nil {
		return 0, nil
	}
	n := 0
	err := st.InTx(ctx, func(tx *store.Tx) error {
		n = 0
		rows, err := clear(tx, ctx, SealedMarker)
		if err != nil {
			return err
		}
		for id, secret := range rows {
			if err := box.Put(ctx, tx, ownerKind, id, name, []byte(secret)); err != nil {
				return fmt.Errorf("sealing the secret of %s %s: %w", what, id, err)
			}
			if err := mark(tx, ctx, id, secret, SealedMarker); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
