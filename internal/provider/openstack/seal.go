package openstack

import (
	"context"

	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// SealClear seals a provider's config that an earlier start kept in clear
// text in its settings row (no secrets key then), when a key is now
// configured; it reports whether it did. The bytes are sealed as they are.
func (s StoreConfigs) SealClear(ctx context.Context, tx *store.Tx, providerID string) (bool, error) {
	box, err := s.box()
	if err != nil || box == nil {
		return false, err
	}
	return provider.SealClearSetting(ctx, tx, settingKey(providerID), sealedMarker, func(clear []byte) error {
		return box.Put(ctx, tx, secretOwner, providerID, secretName, clear)
	})
}
