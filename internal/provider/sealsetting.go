package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/soberana/soberana/internal/store"
)

// SealedMarker is what a driver's settings row holds while its config is
// sealed in the secrets table.
const SealedMarker = "sealed:secrets"

// DriverConfigs is how the OpenStack and Kubernetes drivers keep each
// provider's config, which holds credentials: in the settings row
// provider/<Driver>/<provider id>, as JSON in clear text when no secrets
// key is configured (development and tests), or as SealedMarker while the
// JSON is sealed in the secrets table (owner "provider", name
// "<Driver>-config").
type DriverConfigs struct {
	Driver string
	// NoKey is the error of a sealed config when no secrets key is
	// configured; Invalid is wrapped by the error of a stored config that
	// does not decode.
	NoKey, Invalid error
}

const secretOwner = "provider"

// Key is the settings row of providerID's config.
func (d DriverConfigs) Key(providerID string) string {
	return "provider/" + d.Driver + "/" + providerID
}

func (d DriverConfigs) secretName() string { return d.Driver + "-config" }

// Read decodes providerID's stored config into c; it answers false when
// none is stored. box gives the secrets box, nil when no key is
// configured; it is only asked for when the config is sealed.
func (d DriverConfigs) Read(ctx context.Context, tx *store.Tx, providerID string, box func() (SecretBox, error), c any) (bool, error) {
	v, ok, err := tx.Setting(ctx, d.Key(providerID))
	if err != nil || !ok {
		return false, err
	}
	b := []byte(v)
	if v == SealedMarker {
		bx, err := box()
		if err != nil {
			return false, err
		}
		if bx == nil {
			return false, d.NoKey
		}
		sv, err := bx.Get(ctx, secretOwner, providerID, d.secretName())
		if err != nil {
			return false, fmt.Errorf("opening the config of %s: %w", providerID, Unsealable(err))
		}
		b = sv.Reveal()
	}
	if err := json.Unmarshal(b, c); err != nil {
		return false, fmt.Errorf("%w: stored config of %s: %w", d.Invalid, providerID, err)
	}
	return true, nil
}

// Write stores c as providerID's config in tx, sealed when box is not
// nil; it reports whether it sealed it.
func (d DriverConfigs) Write(ctx context.Context, tx *store.Tx, providerID string, box SecretBox, c any) (bool, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return false, err
	}
	if box == nil {
		return false, tx.PutSetting(ctx, d.Key(providerID), string(b))
	}
	return true, d.seal(ctx, tx, providerID, box, b)
}

// seal puts b in box and leaves the settings row holding SealedMarker.
func (d DriverConfigs) seal(ctx context.Context, tx *store.Tx, providerID string, box SecretBox, b []byte) error {
	if err := box.Put(ctx, tx, secretOwner, providerID, d.secretName(), b); err != nil {
		return err
	}
	return tx.PutSetting(ctx, d.Key(providerID), SealedMarker)
}

// SealClear seals providerID's config that an earlier start kept in clear
// text (no secrets key then) into box, nil when there still is none; it
// reports whether it sealed anything. The bytes are sealed as they are; a
// missing, empty or already sealed row is left alone.
func (d DriverConfigs) SealClear(ctx context.Context, tx *store.Tx, providerID string, box SecretBox) (bool, error) {
	if box == nil {
		return false, nil
	}
	v, ok, err := tx.Setting(ctx, d.Key(providerID))
	if err != nil || !ok || v == "" || v == SealedMarker {
		return false, err
	}
	return true, d.seal(ctx, tx, providerID, box, []byte(v))
}
