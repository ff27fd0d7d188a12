package reconcile

import (
	"context"
	"time"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/provider"
)

// installation is this installation's id: Options.Installation, else the
// store's (made on first use); "" when the store cannot say, and then the
// sweep deletes nothing.
func (r *Reconciler) installation(ctx context.Context) string {
	r.mu.Lock()
	id := r.o.Installation
	r.mu.Unlock()
	if id != "" {
		return id
	}
	in, err := r.st.Installation(ctx)
	if err != nil {
		r.log.Warn("reading the installation id; the orphan sweep deletes nothing until it can", "err", err)
		return ""
	}
	r.mu.Lock()
	r.o.Installation = in.ID
	r.mu.Unlock()
	return in.ID
}

// orphanScan starts, in the background of the term, an orphan sweep when
// one is due and none runs: a paced sweep over 100,000 resources takes
// seconds, which the reconcile pass must not wait for.
func (r *Reconciler) orphanScan(t *term) {
	r.mu.Lock()
	due := !r.orphanBusy && time.Since(r.lastOrphan) >= r.o.OrphanEvery
	if due {
		r.lastOrphan = time.Now()
		r.orphanBusy = true
	}
	r.mu.Unlock()
	if !due {
		return
	}
	t.workers.Go(func() {
		r.sweepOrphans(t.ctx)
		r.mu.Lock()
		r.orphanBusy = false
		r.mu.Unlock()
	})
}

// liveChunk is how many listed resources the sweep checks against the
// database between two rests of its pass.
const liveChunk = 2000

// sweepOrphans reports provider resources that no live placement owns and
// deletes those orphaned for longer than the grace period — only those
// that carry this installation's id. A resource carrying another
// installation's id is that installation's (two installations may share a
// cloud) and is left alone; one carrying none (made before installations
// had ids, or in a scope the driver cannot tie to this installation) is
// reported but never deleted: the sweep deletes only what it can prove is
// its own, and says in the log and the audit what it deleted and why.
// It is a bulk pass of the process's governor (Options.Pace).
func (r *Reconciler) sweepOrphans(ctx context.Context) {
	pass, err := r.o.Pace.Begin(ctx, "orphan sweep")
	if err != nil {
		return
	}
	defer pass.End()
	own := r.installation(ctx)
	now := time.Now()
	var found []Orphan
	seen := map[string]bool{}
	dupSeen := map[string]bool{}
	foreign, stamps := 0, 0
	for _, p := range r.fleet.Providers() {
		drv, err := r.drivers.Get(p.Driver)
		if err != nil {
			continue
		}
		var list []provider.Resource
		if err := r.call(ctx, func(ctx context.Context) error { var err error; list, err = drv.ListResources(ctx, p.ID); return err }); err != nil {
			r.log.Debug("listing provider resources", "provider", p.ID, "err", err)
			return // a partial view must not age anything
		}
		if pass.Yield(ctx) != nil {
			return
		}
		live, err := r.liveOf(ctx, pass, list)
		if err != nil {
			return
		}
		found = append(found, r.duplicates(ctx, drv, p.ID, list, live, own, now, dupSeen)...)
		stamper, _ := drv.(provider.Stamper)
		for _, res := range list {
			if live[res.ReplicaID] {
				if res.Installation == "" && own != "" && stamper != nil && stamps < maxStampsPerSweep {
					stamps++
					r.stamp(ctx, stamper, p.ID, res)
				}
				continue
			}
			if res.Installation != "" && res.Installation != own {
				foreign++ // another installation's: not ours to judge
				continue
			}
			kept := ""
			if res.Installation == "" || own == "" {
				kept = OrphanUnstamped
			}
			seen[res.ReplicaID] = true
			r.mu.Lock()
			first, ok := r.orphanSeen[res.ReplicaID]
			if !ok {
				first = now
				r.orphanSeen[res.ReplicaID] = now
				r.log.Warn("orphan resource: no live placement owns it", "provider", p.ID, "site", res.SiteID,
					"resource", res.ResourceID, "replica", res.ReplicaID, "simulated", res.Simulated,
					"installation", res.Installation, "kept", kept)
			}
			r.mu.Unlock()
			found = append(found, Orphan{ProviderID: p.ID, SiteID: res.SiteID, ResourceID: res.ResourceID,
				ReplicaID: res.ReplicaID, FirstSeen: first, Simulated: res.Simulated, Kept: kept})
			r.mu.Lock()
			gone := r.orphanGone[res.ReplicaID]
			r.mu.Unlock()
			// Deleted already and still going away (a terminating
			// namespace, a server being deleted): once is enough.
			if kept == "" && !gone && now.Sub(first) >= r.o.OrphanGrace && r.deleteOrphan(ctx, drv, p.ID, res, first) {
				r.mu.Lock()
				r.orphanGone[res.ReplicaID] = true
				r.mu.Unlock()
			}
		}
	}
	if foreign > 0 {
		r.log.Debug("resources of other installations left alone", "count", foreign, "installation", own)
	}
	r.mu.Lock()
	for id := range r.orphanSeen {
		if !seen[id] {
			delete(r.orphanSeen, id)
			delete(r.orphanGone, id)
		}
	}
	for key := range r.dupSeen {
		if !dupSeen[key] {
			delete(r.dupSeen, key)
			delete(r.dupGone, key)
		}
	}
	r.orphans = found
	r.mu.Unlock()
	r.mOrphans.Set(float64(len(found)))
}

// liveOf reads which of the listed resources' replicas are live, a chunk
// at a time with a rest of the pass between chunks.
func (r *Reconciler) liveOf(ctx context.Context, pass *pace.Pass, list []provider.Resource) (map[string]bool, error) {
	live := make(map[string]bool, len(list))
	ids := make([]string, 0, min(len(list), liveChunk))
	for start := 0; start < len(list); start += liveChunk {
		ids = ids[:0]
		for _, res := range list[start:min(start+liveChunk, len(list))] {
			ids = append(ids, res.ReplicaID)
		}
		if err := r.st.Read().LiveReplicaIDsInto(ctx, ids, live); err != nil {
			return nil, err
		}
		if err := pass.Yield(ctx); err != nil {
			return nil, err
		}
	}
	return live, nil
}

// maxStampsPerSweep bounds the provider calls one sweep spends stamping
// resources from before installation ids.
const maxStampsPerSweep = 50

// stamp writes this installation's id onto a live replica's resource that
// carries none (made before installations had ids).
func (r *Reconciler) stamp(ctx context.Context, s provider.Stamper, providerID string, res provider.Resource) {
	if err := r.call(ctx, func(ctx context.Context) error { return s.Stamp(ctx, providerID, res) }); err != nil {
		r.log.Warn("stamping a resource with this installation's id failed; the next sweep tries again",
			"provider", providerID, "resource", res.ResourceID, "replica", res.ReplicaID, "err", err)
		return
	}
	r.log.Info("stamped a resource of a live replica with this installation's id", "provider", providerID,
		"resource", res.ResourceID, "replica", res.ReplicaID)
}

// deleteOrphan deletes one of this installation's orphans and records why;
// it reports whether the provider accepted the deletion.
func (r *Reconciler) deleteOrphan(ctx context.Context, drv provider.Driver, providerID string, res provider.Resource, first time.Time) bool {
	ref := provider.ResourceRef{ProviderID: providerID, SiteID: res.SiteID, WorkloadID: res.WorkloadID, ReplicaID: res.ReplicaID, ResourceID: res.ResourceID}
	return r.deleteFound(ctx, "orphan", "an orphan", providerID, res, func(c context.Context) error { return drv.Delete(c, ref) },
		"orphan resource deleted: it carries this installation's id and no live placement has owned its replica id for the grace period",
		"installation", res.Installation, "orphaned_since", first)
}

// deleteFound deletes res, an orphan or a duplicate (kind; a names it in
// the logs, "an orphan"), with del bounded by the call timeout, and
// records why: the outcome counted, a failure logged for the next sweep to
// retry, a deletion logged with why and attrs and audited as
// "<kind>.deleted". It reports whether the provider accepted the deletion.
func (r *Reconciler) deleteFound(ctx context.Context, kind, a, providerID string, res provider.Resource, del func(context.Context) error, why string, attrs ...any) bool {
	if err := r.call(ctx, del); err != nil {
		r.mActions.WithLabelValues(kind+"_delete", "error").Inc()
		r.log.Warn("deleting "+a+" resource failed; the next sweep tries again", "provider", providerID,
			"resource", res.ResourceID, "replica", res.ReplicaID, "err", err)
		return false
	}
	r.mActions.WithLabelValues(kind+"_delete", "ok").Inc()
	r.log.Info(why, append([]any{"provider", providerID, "site", res.SiteID, "resource", res.ResourceID, "replica", res.ReplicaID,
		"workload", res.WorkloadID}, append(attrs, "grace", r.o.OrphanGrace)...)...)
	e := audit.System("reconcile", kind+".deleted", "provider_resources", providerID+"/"+res.ResourceID)
	if err := audit.Record(ctx, r.st, e); err != nil {
		r.log.Warn("auditing "+a+"'s deletion", "resource", res.ResourceID, "err", err)
	}
	return true
}
