package provider

import "fmt"

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
