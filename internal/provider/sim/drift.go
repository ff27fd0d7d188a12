package sim

import (
	"context"

	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// StateStopped is the state of a simulated resource stopped outside
// soberana (Tamper); it still exists and holds its capacity.
const StateStopped = provider.StateStopped

var _ provider.Starter = (*Driver)(nil)

// Start powers a stopped resource on again.
func (d *Driver) Start(ctx context.Context, ref provider.ResourceRef) error {
	if err := d.inject(ctx, ref.ProviderID, ref.SiteID, "start"); err != nil {
		return err
	}
	return d.st.Write(ctx, func(tx *store.Tx) error {
		return tx.SimTamper(ctx, ref.ProviderID, ref.ReplicaID, provider.StateActive, "", 0, 0)
	})
}

// Tamper is a change made to a simulated resource behind soberana's back,
// as the operator of a real cloud could make it (openstack server delete,
// server stop, server resize, a live migration to another zone).
type Tamper struct {
	Delete    bool   `json:"delete,omitempty"`
	Stop      bool   `json:"stop,omitempty"`
	SiteID    string `json:"site_id,omitempty"`
	VCPUs     int64  `json:"vcpus,omitempty"`
	MemoryMiB int64  `json:"memory_mib,omitempty"`
}

// Tamper changes or deletes a replica's simulated resource without
// soberana knowing: the drift tests and the resync benchmark use it to
// play the cloud operator. store.ErrNotFound when the replica has none.
func (d *Driver) Tamper(ctx context.Context, providerID, replicaID string, t Tamper) error {
	return d.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.SimGet(ctx, providerID, replicaID); err != nil {
			return err
		}
		if t.Delete {
			return tx.SimDelete(ctx, providerID, replicaID)
		}
		state := ""
		if t.Stop {
			state = StateStopped
		}
		return tx.SimTamper(ctx, providerID, replicaID, state, t.SiteID, t.VCPUs, t.MemoryMiB)
	})
}
