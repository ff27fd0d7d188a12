package reconcile

import (
	"context"
	"time"

	"github.com/soberana/soberana/internal/provider"
)

// OrphanNoExactDelete marks a duplicate the sweep reports but cannot
// delete: its driver has no way to delete one resource by its id alone.
const OrphanNoExactDelete = "no_exact_delete"

// duplicates finds, in one provider's list, the resources of live replicas
// that are not the resource their placement owns: a second resource made
// for one replica (a create whose outcome the driver could not know, then
// a retry). Such a duplicate is reported like an orphan and deleted after
// the same grace period — by its id alone (provider.ExactDeleter), never
// through "the replica's resource", which could be the placement's own.
// Only resources carrying this installation's id are judged, and only
// when the placement's own resource is in the same list: otherwise
// nothing proves which of them the replica runs on.
func (r *Reconciler) duplicates(ctx context.Context, drv provider.Driver, providerID string, list []provider.Resource,
	live map[string]bool, own string, now time.Time, seen map[string]bool) []Orphan {
	if own == "" {
		return nil
	}
	byReplica := map[string][]provider.Resource{}
	for _, res := range list {
		if live[res.ReplicaID] {
			byReplica[res.ReplicaID] = append(byReplica[res.ReplicaID], res)
		}
	}
	exact, _ := drv.(provider.ExactDeleter)
	var out []Orphan
	for replicaID, group := range byReplica {
		if len(group) < 2 {
			continue
		}
		pl, err := r.st.Read().PlacementByID(ctx, replicaID)
		if err != nil || pl.ResourceID == "" || pl.ProviderID != providerID {
			continue // not recorded yet, or elsewhere: nothing proves which one is the replica's
		}
		ownListed := false
		for _, res := range group {
			ownListed = ownListed || res.ResourceID == pl.ResourceID
		}
		if !ownListed {
			continue
		}
		for _, res := range group {
			if res.ResourceID == pl.ResourceID || res.Installation != own {
				continue
			}
			key := providerID + "/" + res.ResourceID
			seen[key] = true
			kept := ""
			if exact == nil {
				kept = OrphanNoExactDelete
			}
			r.mu.Lock()
			if r.dupSeen == nil {
				r.dupSeen, r.dupGone = map[string]time.Time{}, map[string]bool{}
			}
			first, ok := r.dupSeen[key]
			if !ok {
				first = now
				r.dupSeen[key] = now
				r.log.Warn("duplicate resource: it carries the id of a live replica whose placement owns another resource",
					"provider", providerID, "site", res.SiteID, "resource", res.ResourceID, "replica", replicaID,
					"placement_resource", pl.ResourceID, "kept", kept)
			}
			gone := r.dupGone[key]
			r.mu.Unlock()
			out = append(out, Orphan{ProviderID: providerID, SiteID: res.SiteID, ResourceID: res.ResourceID,
				ReplicaID: replicaID, FirstSeen: first, Simulated: res.Simulated, Kept: kept, Duplicate: true})
			if kept == "" && !gone && !res.Deleting && now.Sub(first) >= r.o.OrphanGrace &&
				r.deleteDuplicate(ctx, exact, providerID, res, pl.ResourceID, first) {
				r.mu.Lock()
				r.dupGone[key] = true
				r.mu.Unlock()
			}
		}
	}
	return out
}

// deleteDuplicate deletes one duplicate by its id and records why; it
// reports whether the provider accepted the deletion.
func (r *Reconciler) deleteDuplicate(ctx context.Context, drv provider.ExactDeleter, providerID string, res provider.Resource, kept string, first time.Time) bool {
	return r.deleteFound(ctx, "duplicate", "a duplicate", providerID, res, func(c context.Context) error { return drv.DeleteResource(c, providerID, res) },
		"duplicate resource deleted: it carries this installation's id and a live replica's id, and the replica's placement has owned another resource for the grace period",
		"placement_resource", kept, "duplicate_since", first)
}
