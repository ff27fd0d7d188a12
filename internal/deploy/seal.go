package deploy

import (
	"context"

	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
)

// SealClearSecrets moves every webhook secret still kept in clear text in
// an app's row (stored by a version that did so without a secrets key)
// into the secrets table, sealed, and leaves the marker in the row. It
// returns how many it sealed; with no secrets key it does nothing.
func (s *Service) SealClearSecrets(ctx context.Context) (int, error) {
	return secrets.SealClear(ctx, s.st, s.box(), secretOwner, secretName, "app",
		(*store.Tx).AppsWithClearSecret, (*store.Tx).MarkAppSecretSealed)
}
