package sim

import (
	"context"
	"crypto/sha256"
	"fmt"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

var (
	_ provider.PowerController = (*Driver)(nil)
	_ provider.Resizer         = (*Driver)(nil)
)

// Stop powers the replica's simulated resource off; it keeps its capacity.
func (d *Driver) Stop(ctx context.Context, ref provider.ResourceRef) error {
	if err := d.inject(ctx, ref.ProviderID, ref.SiteID, "stop"); err != nil {
		return err
	}
	return d.st.Write(ctx, func(tx *store.Tx) error {
		return tx.SimTamper(ctx, ref.ProviderID, ref.ReplicaID, StateStopped, "", 0, 0)
	})
}

// Reboot reboots the replica's simulated resource: it is active after.
func (d *Driver) Reboot(ctx context.Context, ref provider.ResourceRef) error {
	if err := d.inject(ctx, ref.ProviderID, ref.SiteID, "reboot"); err != nil {
		return err
	}
	return d.st.Write(ctx, func(tx *store.Tx) error {
		return tx.SimTamper(ctx, ref.ProviderID, ref.ReplicaID, provider.StateActive, "", 0, 0)
	})
}

// Resize brings the replica's simulated resource to spec's size.
func (d *Driver) Resize(ctx context.Context, spec provider.Spec) error {
	if err := d.inject(ctx, spec.ProviderID, spec.SiteID, "resize"); err != nil {
		return err
	}
	return d.st.Write(ctx, func(tx *store.Tx) error {
		return tx.SimTamper(ctx, spec.ProviderID, spec.ReplicaID, "", "", spec.VCPUs, spec.MemoryMiB)
	})
}

// SimNetwork is the name of the network simulated addresses are on.
const SimNetwork = "sim-private"

// Addresses returns a simulated resource's address: one fixed IPv4
// address in 10.0.0.0/8 derived from its id (stable across restarts).
func Addresses(resourceID string) []model.Address {
	h := sha256.Sum256([]byte(resourceID))
	return []model.Address{{Network: SimNetwork, Address: fmt.Sprintf("10.%d.%d.%d", h[0], h[1], 1+h[2]%254),
		Version: 4, Kind: model.AddressFixed}}
}
