package provider

import (
	"context"

	"github.com/soberana/soberana/internal/store"
)

// SealClearSetting seals a driver's config that an earlier start kept in
// clear text in the settings row key (no secrets key then): seal stores the
// bytes as they are in the secrets box, and the row is left holding marker.
// It reports whether it sealed anything; a missing, empty or already sealed
// row is left alone. The OpenStack and Kubernetes drivers keep their configs
// the same way, so they share it.
func SealClearSetting(ctx context.Context, tx *store.Tx, key, marker string, seal func(clear []byte) error) (bool, error) {
	v, ok, err := tx.Setting(ctx, key)
	if err != nil || !ok || v == "" || v == marker {
		return false, err
	}
	if err := seal([]byte(v)); err != nil {
		return false, err
	}
	return true, tx.PutSetting(ctx, key, marker)
}
