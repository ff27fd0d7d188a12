package reconcile

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// The resync re-observes every running replica. A running replica is not
// in the work queue (nothing is to be done for it), so without the resync
// a server deleted, stopped, resized or moved by someone else would stay
// "running" in soberana — and metered — for ever.
//
// Cost is bounded per provider, not per replica: every Resync interval
// each provider is listed once (ListResources: one list of the cloud's
// soberana servers per OpenStack cloud/project, paged by 1,000; one list
// of labelled namespaces per Kubernetes cluster), and the list is
// compared with the provider's running placements read from the database
// in pages. Only a replica missing from the list costs one more call (an
// Observe, to confirm it is gone rather than missing from a list that was
// eventually consistent). The providers' lists are spread over the
// interval: each provider's first list is at a random point of it and
// each next one starts 80-100 % of the interval after the last one
// started (at once if that one took longer), so a fleet of
// providers never lists at once and a deletion is seen within one
// interval of happening.

// touchChunk is how many replicas' last-seen times one transaction of the
// resync writes.
const touchChunk = 2000

// goneParallel bounds the replicas found gone that one provider's resync
// confirms and records at once.
const goneParallel = 8

// resyncState is the resync's bookkeeping, kept by the loop.
type resyncState struct {
	mu   sync.Mutex
	next map[string]time.Time // provider → when its next list is due
	busy map[string]bool      // provider → a list is being compared
	made map[string]int64     // provider → lists made (ok or not)
	// again: a change was reported while the provider's list was being
	// compared; list again at once when it is done.
	again map[string]bool
	// watched: provider → the term whose context its driver's watch runs
	// under (a new term starts a new watch).
	watched map[string]*term

	mLists *prometheus.CounterVec
	mDrift *prometheus.CounterVec
	mGap   prometheus.Histogram
}

func newResyncState(reg prometheus.Registerer) *resyncState {
	s := &resyncState{next: map[string]time.Time{}, busy: map[string]bool{}, made: map[string]int64{}, again: map[string]bool{}, watched: map[string]*term{}}
	s.mLists = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "soberana_resync_lists_total",
		Help: "Provider lists made by the resync of running replicas, by provider and result."}, []string{"provider", "result"})
	s.mDrift = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "soberana_drift_total",
		Help: "Replicas found drifted from what soberana placed, by kind (deleted, stopped, resized, moved) and action."}, []string{"kind", "action"})
	s.mGap = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "soberana_drift_deleted_detection_seconds",
		Help:    "For replicas deleted outside soberana: time from the last list that showed the resource to the detection.",
		Buckets: []float64{5, 15, 30, 45, 60, 75, 90, 120, 180, 300, 600}})
	if reg != nil {
		reg.MustRegister(s.mLists, s.mDrift, s.mGap)
	}
	return s
}

// resyncEvery is the interval between two lists of one provider, jittered
// to 80-100 % of Resync so that lists spread and detection stays within
// one interval.
func (r *Reconciler) resyncEvery() time.Duration {
	d := r.o.Resync
	return d - time.Duration(mrand.Int64N(int64(d/5)+1))
}

// resync starts, in the term, the list-and-compare of every provider
// whose list is due (one at a time per provider). It does not wait.
func (r *Reconciler) resync(t *term) {
	if r.o.Resync < 0 {
		return
	}
	now := time.Now()
	for _, p := range r.fleet.Providers() {
		rs := r.rs
		r.watch(t, p)
		rs.mu.Lock()
		next, ok := rs.next[p.ID]
		if !ok {
			// First sight of the provider: a random point of the interval.
			next = now.Add(time.Duration(mrand.Int64N(int64(r.o.Resync) + 1)))
			rs.next[p.ID] = next
		}
		start := !rs.busy[p.ID] && !now.Before(next)
		if start {
			rs.busy[p.ID] = true
		}
		rs.mu.Unlock()
		if !start {
			continue
		}
		t.workers.Go(func() {
			began := time.Now()
			err := r.ResyncProvider(t.ctx, p)
			if err != nil && t.ctx.Err() == nil {
				r.log.Warn("resync of running replicas", "provider", p.ID, "err", err)
			}
			rs.mu.Lock()
			rs.busy[p.ID] = false
			// From the start of this list, so that a slow list does not
			// stretch the time between two.
			rs.next[p.ID] = began.Add(r.resyncEvery())
			if rs.again[p.ID] {
				delete(rs.again, p.ID)
				rs.next[p.ID] = time.Now()
			}
			rs.mu.Unlock()
		})
	}
}

// watch starts, once per term, the watch of a provider whose driver can
// watch its resources: a change it reports makes the provider's next list
// due at once (and answered from the watch's cache).
func (r *Reconciler) watch(t *term, p model.Provider) {
	w, ok := provider.As[provider.Watcher](r.drivers, p.Driver)
	if !ok {
		return
	}
	rs := r.rs
	rs.mu.Lock()
	started := rs.watched[p.ID] == t
	rs.watched[p.ID] = t
	rs.mu.Unlock()
	if started {
		return
	}
	if err := w.Watch(t.ctx, p.ID, func() { r.resyncSoon(p.ID) }); err != nil {
		r.log.Warn("watching provider resources; the resync lists instead", "provider", p.ID, "err", err)
	}
}

// resyncSoon makes a provider's next list due now.
func (r *Reconciler) resyncSoon(providerID string) {
	r.rs.mu.Lock()
	r.rs.next[providerID] = time.Now()
	if r.rs.busy[providerID] {
		r.rs.again[providerID] = true
	}
	r.rs.mu.Unlock()
	r.Kick()
}

// ResyncLists reports how many lists of a provider the resync made.
func (r *Reconciler) ResyncLists(providerID string) int64 {
	r.rs.mu.Lock()
	defer r.rs.mu.Unlock()
	return r.rs.made[providerID]
}

// ResyncProvider lists one provider's resources once and compares the list
// with the provider's running placements: the ones seen get their last-seen
// time, the ones missing (and confirmed gone by a direct look) are recorded
// as deleted outside soberana and recreated as their workload's policy
// says, the ones that differ (stopped, resized, moved) are restored,
// adopted or reported, and the open drifts found gone are recorded
// cleared. It runs under the lease (every write is fenced).
func (r *Reconciler) ResyncProvider(ctx context.Context, p model.Provider) error {
	return r.resyncProvider(ctx, p, r.o.Pace)
}

// resyncProvider is ResyncProvider as a pass of governor g. One provider's
// resync, in order:
//
//  1. listResources: the driver lists, once, every resource it holds;
//  2. compareRunning: the provider's running placements, read from the
//     database in pages, are matched to the list and sorted into seen,
//     missing, deleting, drifted, cleared and stranded;
//  3. touchSeen: the ones seen get their last-seen time;
//  4. recordGone: the ones deleting, and the missing ones a direct look
//     confirms gone, are recorded deleted outside soberana;
//  5. handleChanged: the drifted ones are restored, adopted or reported,
//     the cleared ones recorded and the stranded ones settled.
//
// Steps 1-3 are the bulk pass of g; 4 and 5 (driver calls, few) run after
// it has ended.
func (r *Reconciler) resyncProvider(ctx context.Context, p model.Provider, g *pace.Governor) error {
	drv, err := r.drivers.Get(p.Driver)
	if err != nil {
		return err
	}
	// A bulk pass of the process's governor (Options.Pace): the list,
	// the pages of the comparison and the last-seen writes, with rests
	// between them. The replicas found gone or drifted are handled after
	// the pass has ended (driver calls, few).
	pass, err := g.Begin(ctx, "resync "+p.ID)
	if err != nil {
		return err
	}
	defer pass.End()
	t0 := r.st.Now()
	list, err := r.listResources(ctx, drv, p)
	if err != nil {
		return err
	}
	if err := pass.Yield(ctx); err != nil {
		return err
	}
	cmp, err := r.compareRunning(ctx, pass, p, indexResources(list), t0)
	if err != nil {
		return err
	}
	if err := r.touchSeen(ctx, pass, cmp.seen, t0); err != nil {
		return err
	}
	pass.End()
	if err := r.recordGone(ctx, drv, cmp.deleting, cmp.missing); err != nil {
		return err
	}
	return r.handleChanged(ctx, drv, cmp)
}

// listResources asks the provider's driver, once, for every soberana
// resource it holds, and counts the list (ResyncLists, and the lists
// metric by result). The call may take half the resync interval (at least
// CallTimeout): a cloud's list is paged. A failed list fails the resync
// and nothing else: from a partial view no replica may be judged gone.
func (r *Reconciler) listResources(ctx context.Context, drv provider.Driver, p model.Provider) ([]provider.Resource, error) {
	r.rs.mu.Lock()
	r.rs.made[p.ID]++
	r.rs.mu.Unlock()
	lctx, cancel := context.WithTimeout(ctx, max(r.o.CallTimeout, r.o.Resync/2))
	list, err := drv.ListResources(lctx, p.ID)
	cancel()
	if err != nil {
		r.rs.mLists.WithLabelValues(p.ID, "error").Inc()
		return nil, fmt.Errorf("listing resources: %w", err) // a partial view must not fail anything
	}
	r.rs.mLists.WithLabelValues(p.ID, "ok").Inc()
	return list, nil
}

// heldResources is a provider's list indexed by replica, so that each
// running placement finds its resource without a scan of the list.
type heldResources struct {
	list []provider.Resource
	// byReplica: each replica's first resource, as its index in list (a
	// map of whole resources was 2.5 times the size).
	byReplica map[string]int
	// extra: further resources of one replica (duplicates; see
	// duplicates.go).
	extra []provider.Resource
}

// indexResources indexes a provider's list by replica.
func indexResources(list []provider.Resource) heldResources {
	h := heldResources{list: list, byReplica: make(map[string]int, len(list))}
	for i, res := range list {
		if _, dup := h.byReplica[res.ReplicaID]; !dup {
			h.byReplica[res.ReplicaID] = i
		} else {
			h.extra = append(h.extra, res)
		}
	}
	return h
}

// of returns the resource the list holds for a running placement, and
// whether it holds one. Of several resources of one replica, the
// placement's own is the one judged: a duplicate (going away, or of
// another size) must not make the replica look deleted or drifted.
func (h heldResources) of(pl store.RunningPlacement) (provider.Resource, bool) {
	i, ok := h.byReplica[pl.ID]
	if !ok {
		return provider.Resource{}, false
	}
	res := h.list[i]
	if res.ResourceID != pl.ResourceID && pl.ResourceID != "" {
		for _, e := range h.extra {
			if e.ReplicaID == pl.ID && e.ResourceID == pl.ResourceID {
				return e, true
			}
		}
	}
	return res, ok
}

// changed is a running placement its provider holds otherwise than
// soberana placed it, with the resource the list showed.
type changed struct {
	p    store.RunningPlacement
	res  provider.Resource
	kind model.DriftKind
	diff []model.Differs
}

// cleared is a running placement whose open drift (reported, adopted,
// restore_failed) the list shows gone: the resource is as placed again.
type cleared struct {
	p    store.RunningPlacement
	open model.Drift
}

// comparison is what compareRunning found of a provider's running
// placements, sorted by what the rest of the resync does with them.
type comparison struct {
	seen     []string                 // in the list: their last-seen time is written
	missing  []store.RunningPlacement // not in the list: gone if a direct look confirms
	deleting []store.RunningPlacement // on its way out: gone, no need to confirm
	drifted  []changed                // one entry per kind of drift (differences)
	cleared  []cleared                // open drifts no longer found (backInSpec)
	stranded []changed                // left mid power action by a crash (power.go)
}

// compareRunning reads the provider's running placements from the
// database, 1,000 a page with a rest of the pass between two, and sorts
// each against the list held and the placement's open drifts (classify).
// t0 is when the list began.
func (r *Reconciler) compareRunning(ctx context.Context, pass *pace.Pass, p model.Provider, held heldResources, t0 time.Time) (comparison, error) {
	const page = 1000
	c := comparison{seen: make([]string, 0, len(held.list))}
	ods, err := r.st.Read().OpenDriftsOf(ctx, p.ID)
	if err != nil {
		return comparison{}, err
	}
	open := map[string][]model.Drift{}
	for _, d := range ods {
		open[d.PlacementID] = append(open[d.PlacementID], d)
	}
	var after string
	for {
		ps, err := r.st.Read().RunningPlacementsOf(ctx, p.ID, after, page)
		if err != nil {
			return comparison{}, err
		}
		for _, pl := range ps {
			r.classify(&c, pl, held, open[pl.ID], t0)
		}
		if len(ps) < page {
			return c, nil
		}
		after = ps[len(ps)-1].ID
		if err := pass.Yield(ctx); err != nil {
			return comparison{}, err
		}
	}
}

// classify files one running placement into c: missing when the list
// does not hold it (and should), deleting when its resource is on its way
// out, else seen — and also stranded and drifted when it is so, and
// cleared for each of its open drifts (open) that no longer holds.
func (r *Reconciler) classify(c *comparison, pl store.RunningPlacement, held heldResources, open []model.Drift, t0 time.Time) {
	res, ok := held.of(pl)
	if !ok {
		// Running since after the list began: the list may predate
		// its resource; the next one tells.
		// On a site that is down (the failover's business) a
		// list may not show it either.
		if pl.ResourceID != "" && pl.UpdatedAt.Before(t0) && !r.fleet.Down(pl.SiteID) {
			c.missing = append(c.missing, pl)
		}
		return
	}
	if res.Deleting {
		c.deleting = append(c.deleting, pl)
		return
	}
	c.seen = append(c.seen, pl.ID)
	if r.stranded(pl.PlacementRow, func() int64 { return t0.UnixMicro() }) {
		c.stranded = append(c.stranded, changed{p: pl, res: res})
	}
	diffs := differences(pl.PlacementRow, res)
	for _, d := range diffs {
		c.drifted = append(c.drifted, changed{p: pl, res: res, kind: d.kind, diff: d.diff})
	}
	for _, o := range open {
		// A drift recorded after the list began is judged by the next.
		if !o.DetectedAt.After(t0) && backInSpec(pl.PlacementRow, res, o, diffs) {
			c.cleared = append(c.cleared, cleared{p: pl, open: o})
		}
	}
}

// touchSeen writes t0 as the last-seen time of the replicas the list
// showed, touchChunk a fenced transaction, with a rest of the pass between
// two: one transaction of 100,000 updates held SQLite's write lock for
// seconds, and the pass must not rest holding it.
func (r *Reconciler) touchSeen(ctx context.Context, pass *pace.Pass, seen []string, t0 time.Time) error {
	for rest := seen; len(rest) > 0; {
		n := min(len(rest), touchChunk)
		if err := r.st.Write(ctx, func(tx *store.Tx) error {
			if err := r.fence(ctx, tx); err != nil {
				return err
			}
			return tx.TouchSeen(ctx, rest[:n], t0)
		}); err != nil {
			return err
		}
		if rest = rest[n:]; len(rest) > 0 {
			if err := pass.Yield(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// recordGone records the replicas found gone: the deleting ones at once,
// the missing ones when a direct look confirms them gone (confirmGone).
// They are handled goneParallel at a time: a wave of deletions (a project
// wiped at the cloud) must not wait one after the other for the next
// interval. A failure is logged and left to the next resync; a lost lease
// is returned (errLostLease) once all are done.
func (r *Reconciler) recordGone(ctx context.Context, drv provider.Driver, deleting, missing []store.RunningPlacement) error {
	var (
		wg   sync.WaitGroup
		sem  = make(chan struct{}, goneParallel)
		lost atomic.Bool
	)
	handle := func(pl store.RunningPlacement, confirm bool) {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			var err error
			if confirm {
				err = r.confirmGone(ctx, drv, pl)
			} else {
				err = r.gone(ctx, pl)
			}
			if errors.Is(err, errLostLease) {
				lost.Store(true)
			} else if err != nil {
				r.log.Warn("recording a replica deleted outside soberana", "placement", pl.ID, "err", err)
			}
		}()
	}
	for _, pl := range deleting {
		handle(pl, false)
	}
	for _, pl := range missing {
		handle(pl, true)
	}
	wg.Wait()
	if lost.Load() {
		return errLostLease
	}
	return nil
}

// handleChanged deals with the replicas the list showed otherwise than
// soberana placed them, or placed again, one at a time: each drift is
// restored, adopted or reported as its workload's policy says (repair),
// each open drift found gone is recorded cleared (clear) — a failure of
// either is logged and left to the next resync, a lost lease ends the
// resync —, then each replica stranded mid power action is settled
// (settle; the first error ends the resync).
func (r *Reconciler) handleChanged(ctx context.Context, drv provider.Driver, cmp comparison) error {
	for _, c := range cmp.drifted {
		if err := r.repair(ctx, drv, c.p.PlacementRow, c.kind, c.diff); err != nil {
			if errors.Is(err, errLostLease) {
				return err
			}
			r.log.Warn("handling a drifted replica", "placement", c.p.ID, "kind", c.kind, "err", err)
		}
	}
	for _, c := range cmp.cleared {
		if err := r.clear(ctx, c); err != nil {
			if errors.Is(err, errLostLease) {
				return err
			}
			r.log.Warn("recording a drift cleared", "placement", c.p.ID, "kind", c.open.Kind, "err", err)
		}
	}
	for _, c := range cmp.stranded {
		if err := r.settle(ctx, drv, c.p.PlacementRow, c.res); err != nil {
			return err
		}
	}
	return nil
}

// confirmGone looks at one replica missing from the provider's list and,
// when the provider confirms there is no resource, records it deleted
// outside soberana.
func (r *Reconciler) confirmGone(ctx context.Context, drv provider.Driver, pl store.RunningPlacement) error {
	ref := provider.ResourceRef{ProviderID: pl.ProviderID, SiteID: pl.SiteID, WorkloadID: pl.WorkloadID, ReplicaID: pl.ID, ResourceID: pl.ResourceID}
	cctx, cancel := context.WithTimeout(ctx, r.o.CallTimeout)
	obs, err := drv.Observe(cctx, ref)
	cancel()
	if err != nil {
		return fmt.Errorf("confirming: %w", err)
	}
	if obs.Exists {
		return nil // the list lagged; the next one shows it
	}
	return r.gone(ctx, pl)
}

// gone records a running replica whose resource is gone (or going).
func (r *Reconciler) gone(ctx context.Context, pl store.RunningPlacement) error {
	action, err := r.svc.Vanished(ctx, pl.PlacementRow, pl.LastSeenAt, r.fence)
	if err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil // changed meanwhile (its owner deleted it): nothing drifted
		}
		return err
	}
	seen := pl.CreatedAt
	if pl.LastSeenAt != nil {
		seen = *pl.LastSeenAt
	}
	r.rs.mDrift.WithLabelValues(string(model.DriftDeleted), string(action)).Inc()
	r.rs.mGap.Observe(r.st.Now().Sub(seen).Seconds())
	r.log.Warn("replica deleted outside soberana", "placement", pl.ID, "workload", pl.WorkloadID,
		"provider", pl.ProviderID, "site", pl.SiteID, "resource", pl.ResourceID, "last_seen", seen)
	return nil
}

type difference struct {
	kind model.DriftKind
	diff []model.Differs
}

// differences compares a running placement with what its provider holds.
func differences(p store.PlacementRow, res provider.Resource) []difference {
	var out []difference
	// A replica soberana stopped (or is starting, stopping, rebooting) is
	// not compared on power: its power state is soberana's own doing.
	if res.Stopped && p.Power.Or() == model.PowerRunning {
		out = append(out, difference{model.DriftStopped, []model.Differs{{Field: "power", Want: "running", Got: "stopped"}}})
	}
	var size []model.Differs
	if res.VCPUs != 0 && res.VCPUs != p.VCPUs {
		size = append(size, model.Differs{Field: "vcpus", Want: strconv.FormatInt(p.VCPUs, 10), Got: strconv.FormatInt(res.VCPUs, 10)})
	}
	if res.MemoryMiB != 0 && res.MemoryMiB != p.MemoryMiB {
		size = append(size, model.Differs{Field: "memory_mib", Want: strconv.FormatInt(p.MemoryMiB, 10), Got: strconv.FormatInt(res.MemoryMiB, 10)})
	}
	if res.WantFlavor != "" && res.Flavor != "" && res.Flavor != res.WantFlavor {
		size = append(size, model.Differs{Field: "flavor", Want: res.WantFlavor, Got: res.Flavor})
	}
	if len(size) > 0 {
		out = append(out, difference{model.DriftResized, size})
	}
	if res.SiteID != "" && res.SiteID != p.SiteID {
		out = append(out, difference{model.DriftMoved, []model.Differs{{Field: "site", Want: p.SiteID, Got: res.SiteID}}})
	}
	return out
}

// repair brings a drifted resource back to spec, or adopts the change, as
// the workload's drift policy says, and records the drift. A change the
// driver cannot undo (a move to another zone, a resize on a cloud that
// cannot resize) is reported. A restore the provider fails is recorded
// (restore_failed, with the provider's error in the workload's timeline)
// and tried again at every resync. A drift whose replica's latest drift
// of that kind is reported, adopted or failed to restore with the same
// difference is not recorded again: the difference held since (a failed
// one is still retried, and recorded restored once it holds). When the
// resource was found as placed in between, that latest drift is cleared
// (clear) and the change happening again is recorded again.
func (r *Reconciler) repair(ctx context.Context, drv provider.Driver, p store.PlacementRow, kind model.DriftKind, diff []model.Differs) error {
	rd := r.st.Read()
	pol, err := rd.DriftPolicyOf(ctx, p.WorkloadID)
	if err != nil {
		return err
	}
	last, ok, err := rd.LatestDriftOf(ctx, p.WorkloadID, p.ID, kind)
	if err != nil {
		return err
	}
	if ok && (last.Action == model.DriftReported || last.Action == model.DriftAdopted) && sameDiff(last.Detail, diff) {
		return nil
	}
	failedBefore := ok && last.Action == model.DriftRestoreFailed && sameDiff(last.Detail, diff)
	action, cause := r.restore(ctx, drv, p, kind, pol)
	if cause != nil {
		if ctx.Err() != nil {
			return cause // the pass ended (the lease was lost, the server stops): not the provider's failure
		}
		// Counted at every attempt: the rate shows a restore still failing.
		r.rs.mDrift.WithLabelValues(string(kind), string(action)).Inc()
		if failedBefore {
			return cause // recorded at the first failure; handleChanged logs this one
		}
	}
	if err := r.svc.Drifted(ctx, p, kind, diff, action, cause, r.fence); err != nil {
		return err
	}
	attrs := []any{"placement", p.ID, "workload", p.WorkloadID, "kind", kind, "action", action, "diff", diff}
	if cause != nil {
		attrs = append(attrs, "err", cause)
	} else {
		r.rs.mDrift.WithLabelValues(string(kind), string(action)).Inc()
	}
	r.log.Warn("replica changed outside soberana", attrs...)
	return nil
}

// backInSpec reports whether the list shows gone the difference of o, an
// open drift of p: no difference of o's kind now (diffs), and every field
// o recorded observed — a driver that does not report a size (0) or a
// site (""), or a power state soberana does not compare (p stopped or
// being started, stopped, rebooted through soberana), proves nothing. The
// fields are differences' own.
func backInSpec(p store.PlacementRow, res provider.Resource, o model.Drift, diffs []difference) bool {
	for _, d := range diffs {
		if d.kind == o.Kind {
			return false
		}
	}
	for _, f := range o.Detail {
		var seen bool
		switch f.Field {
		case "power":
			seen = p.Power.Or() == model.PowerRunning
		case "vcpus":
			seen = res.VCPUs != 0
		case "memory_mib":
			seen = res.MemoryMiB != 0
		case "flavor":
			seen = res.WantFlavor != "" && res.Flavor != ""
		case "site":
			seen = res.SiteID != ""
		}
		if !seen {
			return false
		}
	}
	return len(o.Detail) > 0
}

// clear records that an open drift the list shows gone is cleared (the
// workload service re-checks, in its transaction, that the placement and
// its drifts did not change since they were read).
func (r *Reconciler) clear(ctx context.Context, c cleared) error {
	if err := r.svc.DriftCleared(ctx, c.p.PlacementRow, c.open, r.fence); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil // changed meanwhile: the next resync judges again
		}
		return err
	}
	r.rs.mDrift.WithLabelValues(string(c.open.Kind), string(model.DriftCleared)).Inc()
	r.log.Info("replica found as placed again", "placement", c.p.ID, "workload", c.p.WorkloadID,
		"kind", c.open.Kind, "was", c.open.Action, "diff", c.open.Detail)
	return nil
}

// restore does what the drift policy says about one drifted resource and
// returns the action taken; when the provider fails the start or resize
// back (other than as unsupported), restore_failed and the provider's
// error.
func (r *Reconciler) restore(ctx context.Context, drv provider.Driver, p store.PlacementRow, kind model.DriftKind, pol model.DriftPolicy) (model.DriftAction, error) {
	if pol.OnChange == model.DriftAdopt && kind != model.DriftMoved {
		return model.DriftAdopted, nil
	}
	ref := provider.ResourceRef{ProviderID: p.ProviderID, SiteID: p.SiteID, WorkloadID: p.WorkloadID, ReplicaID: p.ID, ResourceID: p.ResourceID}
	err := error(provider.ErrUnsupported)
	switch kind {
	case model.DriftStopped:
		if st, ok := drv.(provider.Starter); ok {
			cctx, cancel := context.WithTimeout(ctx, r.o.CallTimeout)
			err = st.Start(cctx, ref)
			cancel()
			if err != nil {
				err = fmt.Errorf("starting the stopped resource: %w", err)
			}
		}
	case model.DriftResized:
		if rz, ok := drv.(provider.Resizer); ok {
			off, _ := r.st.Read().Workloads().Get(ctx, p.WorkloadID)
			cctx, cancel := context.WithTimeout(ctx, r.o.CallTimeout)
			err = rz.Resize(cctx, provider.Spec{ResourceRef: ref, OfferingID: off.OfferingID, VCPUs: p.VCPUs, MemoryMiB: p.MemoryMiB, DiskGiB: p.DiskGiB})
			cancel()
			if err != nil {
				err = fmt.Errorf("resizing the resource back: %w", err)
			}
		}
	}
	switch {
	case err == nil:
		return model.DriftRestored, nil
	case errors.Is(err, provider.ErrUnsupported):
		return model.DriftReported, nil
	}
	return model.DriftRestoreFailed, err
}

func sameDiff(a, b []model.Differs) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
