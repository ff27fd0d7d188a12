package provider

import (
	"context"
	"fmt"

	"github.com/soberana/soberana/internal/store"
)

// Lookup returns the first of xs that match accepts: a driver config's
// site map by site id, its cloud or cluster by name.
func Lookup[T any](xs []T, match func(T) bool) (T, bool) {
	for _, x := range xs {
		if match(x) {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// SiteMapped is a driver config with site maps: WithSiteIDs gives a copy
// whose maps, in order, carry the new sites' ids.
type SiteMapped[C any] interface {
	WithSiteIDs(siteIDs []string) (C, error)
}

// NewConfig is the config of a provider being registered (catalog's
// DriverConfig): Save gives its site maps, in order, the new sites' ids
// and stores it in tx with Store, which reports whether it sealed it.
type NewConfig[C SiteMapped[C]] struct {
	Config C
	Store  func(ctx context.Context, tx *store.Tx, providerID string, c C) (sealed bool, err error)
}

// Save stores the config of the new provider in tx.
func (n NewConfig[C]) Save(ctx context.Context, tx *store.Tx, providerID string, siteIDs []string) (bool, error) {
	c, err := n.Config.WithSiteIDs(siteIDs)
	if err != nil {
		return false, err
	}
	return n.Store(ctx, tx, providerID, c)
}

// WithSiteIDs is how a new provider's driver config learns its sites:
// the catalog creates one site per site map, in order, and this gives a
// copy of the maps (the caller's are left alone) each its site's id.
// what names the maps in the error ("availability zones").
func WithSiteIDs[T any](driver, what string, maps []T, siteIDs []string, set func(*T, string)) ([]T, error) {
	if len(siteIDs) != len(maps) {
		return nil, fmt.Errorf("%s: %d sites for %d %s", driver, len(siteIDs), len(maps), what)
	}
	out := append([]T(nil), maps...)
	for i := range out {
		set(&out[i], siteIDs[i])
	}
	return out, nil
}
