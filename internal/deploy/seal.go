package deploy

import (
	"context"
	"fmt"

	"github.com/soberana/soberana/internal/store"
)

// SealClearSecrets moves every webhook secret still kept in clear text in
// an app's row (stored by a version that did so without a secrets key)
// into the secrets table, sealed, and leaves the marker in the row. It
// returns how many it sealed; with no secrets key it does nothing.
func (s *Service) SealClearSecrets(ctx context.Context) (int, error) {
	box := s.box()
	if box == nil {
		return 0, nil
	}
	n := 0
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		n = 0
		clear, err := tx.AppsWithClearSecret(ctx, sealedMarker)
		if err != nil {
			return err
		}
		for id, secret := range clear {
			if err := box.Put(ctx, tx, secretOwner, id, secretName, []byte(secret)); err != nil {
				return fmt.Errorf("sealing the webhook secret of %s: %w", id, err)
			}
			if err := tx.MarkAppSecretSealed(ctx, id, secret, sealedMarker); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
