// Package reconcile runs the level-triggered reconcilers: each placement
// due for attention is observed at its provider, acted on, and the outcome
// recorded in a short transaction guarded by row versions.
//
// The work queue is durable and lives in the placements table itself:
// every placement that needs attention carries next_attempt_at. A pass
// hands the due ones, earliest first, to a pool of workers — as many as
// there are free workers, skipping those already in flight — and returns
// at once; the workers' outcomes are recorded as they arrive, in batches,
// by one recorder. So a slow provider call (an OpenStack create under
// load) holds one worker, not the whole queue, and no outcome waits for
// another's. Failures back off exponentially with jitter (attempts counts
// them); every driver call has a timeout. Only one process reconciles at a
// time: it holds a lease row (holder, expires_at) that it renews from its
// loop, which never waits on a driver call, and every recording
// transaction checks the lease is still its own (fencing), so a paused
// former holder cannot clobber the new one's work; losing the lease
// cancels the calls in flight. Driver calls never happen inside a
// transaction.
//
// Beside the provisioning/deletion queue, a pass fails over replicas on
// sites that are down, refreshes site health from the drivers' discovery,
// and reports resources that carry a replica id no live placement owns
// (orphans), deleting them after a grace period.
package reconcile

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/soberana/soberana/internal/fleet"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// LeaseName is the lease the reconcilers run under.
const LeaseName = "reconcilers"

// Options tune the reconciler; zero fields take defaults.
type Options struct {
	Holder      string        // lease holder id (default host-pid-random)
	LeaseTTL    time.Duration // default 10 s
	Batch       int           // outcomes per recording transaction, at most (default 512)
	Workers     int           // concurrent driver calls (default 32)
	PassTimeout time.Duration // dispatch, failover and scans of one pass (default 30 s)
	CallTimeout time.Duration // per driver call (default 10 s)
	MaxAttempts int           // create failures before re-placing (default 8)
	BackoffBase time.Duration // default 200 ms
	BackoffMax  time.Duration // default 30 s
	Poll        time.Duration // while a resource builds, at least (default 100 ms)
	// PollBudget bounds the polls of building resources per second: with
	// more resources building than Poll allows within it, each is polled
	// less often (default 200/s, e.g. 1,000 building → every 5 s).
	PollBudget    int
	Idle          time.Duration // longest sleep without a kick (default 1 s)
	OrphanEvery   time.Duration // default 30 s
	OrphanGrace   time.Duration // default 10 min
	DiscoverEvery time.Duration // default 5 s
	// FailoverDue, when set, says whether the replicas of a down site may
	// move now (the health monitor's hysteresis and failover delay); nil
	// moves them as soon as the site is down.
	FailoverDue func(siteID string) bool
	// NoDiscover leaves site health to the health monitor's probes instead
	// of applying what each driver's discovery reports.
	NoDiscover bool
	// Resync is how often every running replica is re-observed at its
	// provider, one list per provider (default 1 min; negative: never).
	// See resync.go.
	Resync time.Duration
	// Installation is this installation's id (default: read from the
	// store); the orphan sweep deletes only resources that carry it.
	Installation string
	// PowerGrace is how long a replica may sit in a transitional power
	// state (stopping, starting, rebooting) before the reconciler takes it
	// for one a crash left there and settles it (default 10 min: twice the
	// longest a driver waits for a power action). See power.go.
	PowerGrace time.Duration
	// Pace is the process's governor of bulk background passes (package
	// pace): the resync of running replicas, the orphan sweep and the
	// settling of stranded power actions run one at a time with the
	// process's other bulk passes, resting between their chunks. nil
	// paces nothing.
	Pace *pace.Governor
}

func (o *Options) defaults() {
	if o.Holder == "" {
		h, _ := os.Hostname()
		var b [4]byte
		_, _ = rand.Read(b[:])
		o.Holder = h + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
	}
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&o.LeaseTTL, 10*time.Second)
	set(&o.PassTimeout, 30*time.Second)
	set(&o.CallTimeout, 10*time.Second)
	set(&o.BackoffBase, 200*time.Millisecond)
	set(&o.BackoffMax, 30*time.Second)
	set(&o.Poll, 100*time.Millisecond)
	if o.PollBudget <= 0 {
		o.PollBudget = 200
	}
	set(&o.Idle, time.Second)
	set(&o.OrphanEvery, 30*time.Second)
	set(&o.OrphanGrace, 10*time.Minute)
	set(&o.DiscoverEvery, 5*time.Second)
	set(&o.PowerGrace, 10*time.Minute)
	if o.Resync == 0 {
		o.Resync = time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 512
	}
	if o.Workers <= 0 {
		o.Workers = 32
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
}

// Reconciler drives placements toward their desired state.
type Reconciler struct {
	o       Options
	st      *store.Store
	svc     *workload.Service
	fleet   *fleet.Fleet
	drivers *provider.Registry
	log     *slog.Logger
	kick    chan struct{}

	// The pipeline of one lease term: placements in flight, the slots of
	// the worker pool, finished acts waiting for the recorder.
	term     *term
	slots    chan struct{}
	progress chan struct{} // an act finished or outcomes were recorded

	// building: placements whose last recorded outcome was a resource
	// still building (or deleting), to size the poll interval. Only the
	// recorder (one per term, one term at a time) touches the map; the
	// workers read the count.
	building map[string]bool
	nBuild   atomic.Int64

	mu         sync.Mutex
	held       bool
	renewed    time.Time
	orphanSeen map[string]time.Time // replica id → first seen orphaned
	orphanGone map[string]bool      // orphans deleted, while the provider still lists them
	dupSeen    map[string]time.Time // provider/resource id → first seen as a live replica's duplicate
	dupGone    map[string]bool      // duplicates deleted, while the provider still lists them
	orphans    []Orphan
	lastOrphan time.Time
	orphanBusy bool // a sweep runs (in the background of the term)
	lastDisc   time.Time
	reported   map[string]string // site → health the driver last reported
	rs         *resyncState

	mPasses  prometheus.Counter
	mActions *prometheus.CounterVec
	mOrphans prometheus.Gauge
	mLeader  prometheus.Gauge
}

// Orphan is a provider resource no live placement owns.
type Orphan struct {
	ProviderID string    `json:"provider_id"`
	SiteID     string    `json:"site_id"`
	ResourceID string    `json:"resource_id"`
	ReplicaID  string    `json:"replica_id"`
	FirstSeen  time.Time `json:"first_seen"`
	Simulated  bool      `json:"simulated"`
	// Kept says why the sweep will not delete it: "unstamped" (it carries
	// no installation id, so nothing proves it is this installation's);
	// "no_exact_delete" (a duplicate the driver cannot delete by its id
	// alone).
	Kept string `json:"kept,omitempty"`
	// Duplicate: the resource carries the id of a live replica whose
	// placement owns another resource (two made for one replica).
	Duplicate bool `json:"duplicate,omitempty"`
}

// OrphanUnstamped marks an orphan the sweep reports but never deletes.
const OrphanUnstamped = "unstamped"

// New returns a reconciler; register its metrics with reg (may be nil).
func New(o Options, st *store.Store, svc *workload.Service, f *fleet.Fleet, drivers *provider.Registry, log *slog.Logger, reg prometheus.Registerer) *Reconciler {
	o.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Reconciler{o: o, st: st, svc: svc, fleet: f, drivers: drivers, log: log,
		kick: make(chan struct{}, 1), orphanSeen: map[string]time.Time{}, orphanGone: map[string]bool{}, reported: map[string]string{},
		slots: make(chan struct{}, o.Workers), progress: make(chan struct{}, 1), building: map[string]bool{}}
	r.mPasses = prometheus.NewCounter(prometheus.CounterOpts{Name: "soberana_reconcile_passes_total", Help: "Reconcile passes run."})
	r.mActions = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "soberana_reconcile_actions_total", Help: "Driver actions by kind and result."}, []string{"action", "result"})
	r.mOrphans = prometheus.NewGauge(prometheus.GaugeOpts{Name: "soberana_orphan_resources", Help: "Provider resources without a live placement."})
	r.mLeader = prometheus.NewGauge(prometheus.GaugeOpts{Name: "soberana_reconcile_leader", Help: "1 while this process holds the reconciler lease."})
	if reg != nil {
		reg.MustRegister(r.mPasses, r.mActions, r.mOrphans, r.mLeader)
	}
	r.rs = newResyncState(reg)
	return r
}

// Kick wakes the reconciler (new work was scheduled).
func (r *Reconciler) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Orphans returns the resources last reported as orphans.
func (r *Reconciler) Orphans() []Orphan {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Orphan(nil), r.orphans...)
}

// Leader reports whether this process holds the lease.
func (r *Reconciler) Leader() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.held
}

// fence is run first in every recording transaction.
func (r *Reconciler) fence(ctx context.Context, tx *store.Tx) error {
	ok, err := tx.HoldsLease(ctx, LeaseName, r.o.Holder)
	if err != nil {
		return err
	}
	if !ok {
		return errLostLease
	}
	return nil
}

var errLostLease = errors.New("reconcile: lease lost")

// Run reconciles until ctx ends, then gives up the lease.
func (r *Reconciler) Run(ctx context.Context) error {
	defer func() {
		r.stopTerm(nil)
		ctx2, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = r.st.ReleaseLease(ctx2, LeaseName, r.o.Holder)
		r.mLeader.Set(0)
	}()
	for ctx.Err() == nil {
		if !r.ensureLease(ctx) {
			r.stopTerm(errLostLease)
			// Look again soon: the lease moves within TTL (+TTL/10) of
			// its holder's death (serve replicas, docs/operations.md).
			r.sleep(ctx, r.o.LeaseTTL/10, false)
			continue
		}
		t := r.startTerm(ctx)
		r.settleAtStart(t)
		if cause := context.Cause(t.ctx); t.ctx.Err() != nil {
			// The recorder found the lease gone (or the database failing).
			r.log.Warn("reconcile", "err", cause)
			r.stopTerm(cause)
			if errors.Is(cause, errLostLease) {
				r.setHeld(false)
			}
			r.sleep(ctx, r.o.BackoffBase, false)
			continue
		}
		pctx, cancel := context.WithTimeout(t.ctx, r.o.PassTimeout)
		busy, err := r.Pass(pctx)
		cancel()
		if err != nil && ctx.Err() == nil {
			r.log.Warn("reconcile pass", "err", err)
			if errors.Is(err, errLostLease) {
				r.stopTerm(err)
				r.setHeld(false)
			}
			r.sleep(ctx, r.o.BackoffBase, false)
			continue
		}
		wait := r.o.Idle
		if busy {
			// Work is in flight or waiting for a free worker: look again
			// when an act finishes (progress), or a poll interval from now.
			wait = min(wait, r.o.Poll)
		} else if next, ok, err := r.st.Read().NextDue(ctx); err == nil && ok {
			if d := time.Until(next); d < wait {
				wait = d
			}
		}
		r.sleep(ctx, wait, true)
	}
	return nil
}

// term is the pipeline of one lease term. Its context ends when the lease
// is lost or Run stops, which cancels the driver calls in flight.
type term struct {
	ctx      context.Context
	cancel   context.CancelCauseFunc
	results  chan actResult
	workers  sync.WaitGroup
	recorder chan struct{} // closed when the recorder has stopped

	mu       sync.Mutex
	inflight map[string]bool // placement ids handed to a worker, not yet recorded

	powerSettled bool // the term's first look at stranded power actions started
}

type actResult struct {
	row     store.PlacementRow
	out     workload.Outcome
	replace *workload.Msg
}

func (r *Reconciler) startTerm(ctx context.Context) *term {
	if r.term != nil {
		return r.term
	}
	tctx, cancel := context.WithCancelCause(ctx)
	t := &term{ctx: tctx, cancel: cancel, results: make(chan actResult, r.o.Batch),
		recorder: make(chan struct{}), inflight: map[string]bool{}}
	go r.record(t)
	r.term = t
	return t
}

// stopTerm cancels the term's calls in flight and waits for its workers
// and recorder: the next term starts from what the database says.
func (r *Reconciler) stopTerm(cause error) {
	t := r.term
	if t == nil {
		return
	}
	if cause == nil {
		cause = context.Canceled
	}
	t.cancel(cause)
	t.workers.Wait()
	<-t.recorder
	r.term = nil
}

func (r *Reconciler) signal() {
	select {
	case r.progress <- struct{}{}:
	default:
	}
}

// record applies finished acts in batches of whatever has arrived, until
// the term ends. A batch that cannot be recorded because the lease is gone
// ends the term; any other failure leaves the placements due, to be acted
// on again (drivers are idempotent on the replica id).
func (r *Reconciler) record(t *term) {
	defer close(t.recorder)
	for {
		var batch []actResult
		select {
		case <-t.ctx.Done():
			return
		case res := <-t.results:
			batch = append(batch, res)
		}
	drain:
		for len(batch) < r.o.Batch {
			select {
			case res := <-t.results:
				batch = append(batch, res)
			default:
				break drain
			}
		}
		var outs []workload.Outcome
		for _, b := range batch {
			if b.replace == nil {
				outs = append(outs, b.out)
			}
		}
		_, err := r.svc.Apply(t.ctx, outs, r.fence)
		if err == nil {
			for _, b := range batch {
				if b.replace == nil {
					continue
				}
				if err = r.svc.Replace(t.ctx, b.row, *b.replace, r.fence); err != nil && !errors.Is(err, store.ErrConflict) {
					if errors.Is(err, errLostLease) {
						break
					}
					r.log.Warn("re-placing replica", "placement", b.row.ID, "err", err)
				}
				err = nil
			}
		}
		for _, b := range batch {
			polling := b.replace == nil && b.out.NextAt != nil && b.out.Attempts == 0 &&
				(b.out.State == model.PlacementProvisioning || b.out.State == model.PlacementDeleting)
			r.noteBuilding(b.row.ID, polling)
		}
		t.mu.Lock()
		for _, b := range batch {
			delete(t.inflight, b.row.ID)
		}
		t.mu.Unlock()
		r.signal()
		if errors.Is(err, errLostLease) {
			t.cancel(err)
			return
		}
		if err != nil && t.ctx.Err() == nil {
			r.log.Warn("recording reconcile outcomes", "err", err, "placements", len(batch))
		}
	}
}

func (r *Reconciler) sleep(ctx context.Context, d time.Duration, kickable bool) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	var kick, progress chan struct{}
	if kickable {
		kick, progress = r.kick, r.progress
	}
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-kick:
	case <-progress:
	}
}

func (r *Reconciler) setHeld(v bool) {
	r.mu.Lock()
	r.held = v
	r.mu.Unlock()
	if v {
		r.mLeader.Set(1)
	} else {
		r.mLeader.Set(0)
	}
}

// ensureLease takes or renews the lease when a third of its TTL passed.
func (r *Reconciler) ensureLease(ctx context.Context) bool {
	r.mu.Lock()
	fresh := r.held && time.Since(r.renewed) < r.o.LeaseTTL/3
	r.mu.Unlock()
	if fresh {
		return true
	}
	ok, err := r.st.AcquireLease(ctx, LeaseName, r.o.Holder, r.o.LeaseTTL)
	if err != nil {
		r.log.Warn("taking the reconciler lease", "err", err)
		ok = false
	}
	was := r.Leader()
	r.setHeld(ok)
	if ok {
		r.mu.Lock()
		r.renewed = time.Now()
		r.mu.Unlock()
		if !was {
			r.log.Info("reconciler lease taken", "holder", r.o.Holder)
		}
	}
	return ok
}

// Pass runs one reconcile pass: it applies discovered site health, fails
// over replicas of down sites, hands due placements to free workers and
// scans for orphans. It does not wait for the workers: busy reports work
// in flight or due work left for lack of a free worker. Pass must run
// inside a term (see Run).
func (r *Reconciler) Pass(ctx context.Context) (busy bool, err error) {
	t := r.term
	if t == nil {
		return false, errors.New("reconcile: pass outside a lease term")
	}
	r.mPasses.Inc()
	r.discover(ctx)
	if err := r.failover(ctx); err != nil {
		return false, err
	}
	t.mu.Lock()
	inflight := make([]string, 0, len(t.inflight))
	for id := range t.inflight {
		inflight = append(inflight, id)
	}
	t.mu.Unlock()
	free := cap(r.slots) - len(r.slots)
	// Dispatch in batches of at least a quarter of the pool: reading the
	// queue for one free worker at a time costs more than the work.
	if free >= max(1, cap(r.slots)/4) || len(inflight) == 0 {
		// In-flight placements are still due in the database until their
		// outcome is recorded: read past them. One row more than the free
		// workers says whether due work waits for one.
		due, err := r.st.Read().DuePlacements(ctx, r.st.Now(), free+1, inflight)
		if err != nil {
			return len(inflight) > 0, err
		}
		// New replicas of a driver that creates many in one call go to
		// it together, by provider (see batchEnsurer); each still holds
		// a worker slot.
		var (
			fresh  map[string][]store.PlacementRow
			order  []string
			ensAll = map[string]batchEnsurer{}
		)
		for _, p := range due {
			if free == 0 {
				busy = true // due work waits for a worker
				break
			}
			t.mu.Lock()
			taken := t.inflight[p.ID]
			if !taken {
				t.inflight[p.ID] = true
			}
			t.mu.Unlock()
			if taken {
				continue
			}
			free--
			r.slots <- struct{}{}
			if be := r.batchable(p); be != nil {
				if fresh == nil {
					fresh = map[string][]store.PlacementRow{}
				}
				if _, seen := fresh[p.ProviderID]; !seen {
					order = append(order, p.ProviderID)
				}
				fresh[p.ProviderID] = append(fresh[p.ProviderID], p)
				ensAll[p.ProviderID] = be
				continue
			}
			t.workers.Go(func() { r.work(t, p) })
		}
		for _, id := range order {
			ps := fresh[id]
			if len(ps) == 1 {
				t.workers.Go(func() { r.work(t, ps[0]) })
			} else {
				be := ensAll[id]
				t.workers.Go(func() { r.workAll(t, be, ps) })
			}
		}
	}
	t.mu.Lock()
	busy = busy || len(t.inflight) > 0
	t.mu.Unlock()
	r.orphanScan(t)
	r.resync(t)
	return busy, nil
}

// work acts on one placement and hands the outcome to the recorder.
func (r *Reconciler) work(t *term, p store.PlacementRow) {
	out, replace := r.act(t.ctx, p)
	<-r.slots
	r.signal()
	if t.ctx.Err() != nil {
		return // the term is over; the placement stays due
	}
	select {
	case t.results <- actResult{row: p, out: out, replace: replace}:
	case <-t.ctx.Done():
	}
}

// workAll acts on new replicas of one provider together (actAll) and
// hands their outcomes to the recorder.
func (r *Reconciler) workAll(t *term, be batchEnsurer, ps []store.PlacementRow) {
	res := r.actAll(t.ctx, be, ps)
	for range ps {
		<-r.slots
	}
	r.signal()
	for _, a := range res {
		if t.ctx.Err() != nil {
			return // the term is over; the placements stay due
		}
		select {
		case t.results <- a:
		case <-t.ctx.Done():
		}
	}
}

// batchable is the driver that creates placement p's resource together
// with others (nil: act on p alone): p is a replica without a resource
// yet, on a site that is up, of a provider whose driver is a
// batchEnsurer.
func (r *Reconciler) batchable(p store.PlacementRow) batchEnsurer {
	if p.ResourceID != "" || (p.State != model.PlacementPending && p.State != model.PlacementProvisioning) || r.fleet.Down(p.SiteID) {
		return nil
	}
	prov, ok := r.fleet.Provider(p.ProviderID)
	if !ok {
		return nil
	}
	be, _ := provider.As[batchEnsurer](r.drivers, prov.Driver)
	return be
}

// actAll is act for new replicas of one provider (see batchable): their
// first-boot inputs are one read and their resources one driver call
// (EnsureAll), then each outcome is act's.
func (r *Reconciler) actAll(ctx context.Context, be batchEnsurer, ps []store.PlacementRow) []actResult {
	res := make([]actResult, len(ps))
	var (
		specs []provider.Spec
		at    []int
		ens   []provider.Ensured
	)
	_ = r.call(ctx, func(ctx context.Context) error {
		images, userData, errs := r.svc.BootSpecs(ctx, ps)
		for i, p := range ps {
			res[i].row = p
			if errs[i] != nil {
				out := workload.Outcome{Read: p, State: p.State, Attempts: p.Attempts}
				res[i].out, res[i].replace = r.failed(p, out, "create", errs[i])
				continue
			}
			spec := specOf(p)
			spec.Image, spec.UserData = images[i], userData[i]
			specs, at = append(specs, spec), append(at, i)
		}
		ens = be.EnsureAll(ctx, specs)
		return nil
	})
	for j, e := range ens {
		p := ps[at[j]]
		out := workload.Outcome{Read: p, State: p.State, Attempts: p.Attempts}
		if e.Err != nil {
			res[at[j]].out, res[at[j]].replace = r.failed(p, out, "create", e.Err)
			continue
		}
		res[at[j]].out, res[at[j]].replace = r.provisioned(ctx, be, p, out, e.Observed, e.Created)
	}
	return res
}

// poll is when to look again at a resource still building: Poll, or
// less often when so many are building that polling them all at Poll
// would exceed PollBudget per second.
func (r *Reconciler) poll() time.Duration {
	return max(r.o.Poll, time.Duration(r.nBuild.Load())*time.Second/time.Duration(r.o.PollBudget))
}

// noteBuilding keeps the count of building placements for poll.
func (r *Reconciler) noteBuilding(id string, building bool) {
	if building == r.building[id] {
		return
	}
	if building {
		r.building[id] = true
	} else {
		delete(r.building, id)
	}
	r.nBuild.Store(int64(len(r.building)))
}

// backoff is the wait before attempt attempts+1: exponential from
// BackoffBase, capped at BackoffMax, with jitter. It stays a pure function
// of the attempt count rather than client-go's workqueue rate limiters
// (issue #20): those keep each item's failure count in this process's
// memory, while the queue here is durable (placements.attempts and
// next_attempt_at) and shared by every replica through the lease, so the
// count must survive a restart or a lease moving to another replica; the
// database row is the only place that knows it.
func (r *Reconciler) backoff(attempts int) time.Duration {
	d := r.o.BackoffBase << min(attempts, 16)
	if d > r.o.BackoffMax || d <= 0 {
		d = r.o.BackoffMax
	}
	return d/2 + time.Duration(mrand.Int64N(int64(d/2)+1)) // jitter: [d/2, d]
}

func (r *Reconciler) at(d time.Duration) *time.Time {
	t := r.st.Now().Add(d)
	return &t
}

// act observes one placement and acts on it; a non-nil Msg asks to re-place
// the replica instead of recording the outcome.
func (r *Reconciler) act(ctx context.Context, p store.PlacementRow) (workload.Outcome, *workload.Msg) {
	out := workload.Outcome{Read: p, State: p.State, Attempts: p.Attempts}
	prov, ok := r.fleet.Provider(p.ProviderID)
	if !ok {
		out.NextAt = r.at(r.o.BackoffMax)
		return out, nil
	}
	drv, err := r.drivers.Get(prov.Driver)
	if err != nil {
		out.Reason = workload.M("replica.reason.provider_error", strconv.Itoa(p.Attempts+1), err.Error())
		out.Attempts++
		out.NextAt = r.at(r.backoff(out.Attempts))
		return out, nil
	}
	ref := refOf(p)
	fail := func(action string, err error) (workload.Outcome, *workload.Msg) { return r.failed(p, out, action, err) }
	var obs provider.Observed
	observe := func() error {
		return r.call(ctx, func(ctx context.Context) error { var err error; obs, err = drv.Observe(ctx, ref); return err })
	}

	switch p.State {
	case model.PlacementPending, model.PlacementProvisioning:
		if r.fleet.Down(p.SiteID) {
			m := workload.M("replica.reason.site_down", p.SiteID)
			return out, &m
		}
		created := false
		if ens, ok := drv.(ensurer); ok && p.ResourceID == "" {
			// A replica without a resource yet: create or adopt it and
			// observe it in one call (see ensurer).
			spec := specOf(p)
			if err := r.call(ctx, func(ctx context.Context) error {
				var err error
				if spec.Image, spec.UserData, err = r.svc.BootSpec(ctx, p); err != nil {
					return err
				}
				obs, created, err = ens.Ensure(ctx, spec)
				return err
			}); err != nil {
				return fail("create", err)
			}
		} else if err := observe(); err != nil {
			return fail("observe", err)
		}
		return r.provisioned(ctx, drv, p, out, obs, created)

	case model.PlacementDeleting:
		if err := observe(); err != nil {
			return fail("observe", err)
		}
		if obs.Exists {
			if err := r.call(ctx, func(ctx context.Context) error { return drv.Delete(ctx, ref) }); err != nil {
				return fail("delete", err)
			}
			r.mActions.WithLabelValues("delete", "ok").Inc()
			if err := observe(); err != nil || obs.Exists {
				out.Reason = workload.M("replica.reason.deleting", obs.ResourceID)
				out.NextAt = r.at(r.poll())
				return out, nil
			}
		}
		out.State, out.NextAt, out.Attempts = p.FinalState, nil, 0
		if out.State == "" {
			out.State = model.PlacementDeleted
		}
		if out.State == model.PlacementDeleted {
			out.Reason = workload.M("replica.reason.deleted")
		}
		return out, nil
	}
	// Running, deleted or failed rows need nothing; unschedule them.
	out.NextAt = nil
	return out, nil
}

// refOf is the driver's reference to placement p's resource.
func refOf(p store.PlacementRow) provider.ResourceRef {
	return provider.ResourceRef{ProviderID: p.ProviderID, SiteID: p.SiteID, WorkloadID: p.WorkloadID, ReplicaID: p.ID, ResourceID: p.ResourceID}
}

// specOf is what the driver creates for placement p, but its first boot.
func specOf(p store.PlacementRow) provider.Spec {
	return provider.Spec{ResourceRef: refOf(p), VCPUs: p.VCPUs, MemoryMiB: p.MemoryMiB, DiskGiB: p.DiskGiB}
}

// call runs one driver call under the call timeout.
func (r *Reconciler) call(ctx context.Context, f func(ctx context.Context) error) error {
	cctx, cancel := context.WithTimeout(ctx, r.o.CallTimeout)
	defer cancel()
	return f(cctx)
}

// failed is out after a failed driver call: one more attempt, backed
// off, or — a create that failed MaxAttempts times — a Msg asking to
// re-place the replica.
func (r *Reconciler) failed(p store.PlacementRow, out workload.Outcome, action string, err error) (workload.Outcome, *workload.Msg) {
	r.mActions.WithLabelValues(action, "error").Inc()
	out.Attempts++
	out.Reason = workload.M("replica.reason.provider_error", strconv.Itoa(out.Attempts), err.Error())
	if p.State != model.PlacementDeleting && out.Attempts >= r.o.MaxAttempts {
		m := workload.M("replica.reason.gave_up", strconv.Itoa(out.Attempts), err.Error())
		return out, &m
	}
	out.NextAt = r.at(r.backoff(out.Attempts))
	return out, nil
}

// provisioned is the outcome of a pending or provisioning placement
// whose resource was observed as obs, or created (or adopted: created
// false) by an ensurer: it creates the resource when there is none and
// records what the driver reports.
func (r *Reconciler) provisioned(ctx context.Context, drv provider.Driver, p store.PlacementRow, out workload.Outcome, obs provider.Observed, created bool) (workload.Outcome, *workload.Msg) {
	ref := refOf(p)
	fail := func(action string, err error) (workload.Outcome, *workload.Msg) { return r.failed(p, out, action, err) }
	if created {
		r.mActions.WithLabelValues("create", "ok").Inc()
		out.Reason = workload.M("replica.reason.building", obs.ResourceID)
	}
	if !obs.Exists {
		if p.ResourceID != "" {
			out.Reason = workload.M("replica.reason.vanished", p.ResourceID)
		}
		spec := specOf(p)
		if err := r.call(ctx, func(ctx context.Context) error {
			var err error
			spec.Image, spec.UserData, err = r.svc.BootSpec(ctx, p)
			return err
		}); err != nil {
			return fail("create", err)
		}
		var id string
		if err := r.call(ctx, func(ctx context.Context) error { var err error; id, err = drv.Create(ctx, spec); return err }); err != nil {
			return fail("create", err)
		}
		r.mActions.WithLabelValues("create", "ok").Inc()
		created = true
		out.ResourceID, out.State = id, model.PlacementProvisioning
		out.Reason = workload.M("replica.reason.building", id)
		err := r.call(ctx, func(ctx context.Context) error { var err error; obs, err = drv.Observe(ctx, ref); return err })
		if err != nil || !obs.Exists {
			out.Attempts = 0
			out.NextAt = r.at(r.poll())
			return out, nil
		}
	} else if p.ResourceID == "" && !created {
		ev := workload.M("replica.reason.adopted", strconv.Itoa(p.Replica), obs.ResourceID, p.SiteID)
		out.Event = &ev
	}
	out.ResourceID = obs.ResourceID
	out.Attempts = 0
	switch obs.State {
	case provider.StateActive:
		out.State, out.NextAt = model.PlacementRunning, nil
		out.Reason = workload.M("replica.reason.running", obs.ResourceID)
		out.Addresses = obs.Addresses
	case provider.StateError:
		// Delete the broken resource; the next pass creates a new one.
		_ = r.call(ctx, func(ctx context.Context) error { return drv.Delete(ctx, ref) })
		return fail("observe", errors.New(obs.Reason))
	default:
		out.State, out.NextAt = model.PlacementProvisioning, r.at(r.poll())
		if !created {
			out.Reason = workload.M("replica.reason.building", obs.ResourceID)
		}
	}
	return out, nil
}

// ensurer is implemented by drivers that can create a replica's resource
// (or adopt the one that already carries its replica id, as Create does)
// and report what Observe would of it, in one call: the reconciler then
// takes a new replica to running without observing before and after the
// create (issue #19: the sim's two reads of its resource per workload).
// created is false when the resource was already there (adopted). A
// driver that wraps one implementing it and changes Create must change
// Ensure too (the reconciler's tests' stuckCreate does).
type ensurer interface {
	Ensure(ctx context.Context, spec provider.Spec) (obs provider.Observed, created bool, err error)
}

// batchEnsurer is implemented by drivers that can do what ensurer's
// Ensure does for many replicas in one call (the sim: one multi-row
// insert), reporting each one's outcome in order. The reconciler hands
// it the new replicas of one provider that one pass dispatches (issue
// #19: one statement for them, not one each). Real drivers need not
// implement it; they keep one call per replica. A driver that wraps one
// implementing it and changes Create or Ensure must change EnsureAll too.
type batchEnsurer interface {
	provider.Driver
	EnsureAll(ctx context.Context, specs []provider.Spec) []provider.Ensured
}

// failover re-places the active replicas on sites that are down.
func (r *Reconciler) failover(ctx context.Context) error {
	down := r.fleet.DownSites()
	if r.o.FailoverDue != nil {
		due := down[:0]
		for _, id := range down {
			if r.o.FailoverDue(id) {
				due = append(due, id)
			}
		}
		down = due
	}
	if len(down) == 0 {
		return nil
	}
	ps, err := r.st.Read().ActivePlacementsOnSites(ctx, down, r.o.Batch)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.State == model.PlacementPending && p.NextAttemptAt == nil {
			continue // awaiting approval; approval re-places it
		}
		if err := r.svc.Replace(ctx, p, workload.M("replica.reason.site_down", p.SiteID), r.fence); err != nil {
			if errors.Is(err, errLostLease) {
				return err
			}
			if !errors.Is(err, store.ErrConflict) {
				r.log.Warn("failing over replica", "placement", p.ID, "err", err)
			}
		}
	}
	return nil
}

// discover applies the health each driver reports for its sites, when it
// changes (an operator's manual setting stands until the driver reports
// something new).
func (r *Reconciler) discover(ctx context.Context) {
	if r.o.NoDiscover {
		return
	}
	r.mu.Lock()
	due := time.Since(r.lastDisc) >= r.o.DiscoverEvery
	if due {
		r.lastDisc = time.Now()
	}
	r.mu.Unlock()
	if !due {
		return
	}
	var changes []fleet.HealthChange
	for _, p := range r.fleet.Providers() {
		drv, err := r.drivers.Get(p.Driver)
		if err != nil {
			continue
		}
		var sites []provider.Site
		err = r.call(ctx, func(ctx context.Context) (err error) {
			sites, err = drv.Discover(ctx, p.ID)
			return err
		})
		if err != nil {
			continue
		}
		for _, s := range sites {
			r.mu.Lock()
			last, seen := r.reported[s.SiteID]
			r.reported[s.SiteID] = s.Health
			r.mu.Unlock()
			cur, ok := r.fleet.Site(s.SiteID)
			if !ok || (seen && last == s.Health) || cur.Health == s.Health {
				continue
			}
			changes = append(changes, fleet.HealthChange{SiteID: s.SiteID, Health: s.Health})
		}
	}
	if len(changes) == 0 {
		return
	}
	// One transaction per fleet.HealthBatch sites, one audit event each
	// (system:reconciler, site.health.<state>), as the health monitor
	// writes its own: a region whose sites a driver reports down together
	// is a few transactions, not one per site.
	if err := r.fleet.SetSitesHealth(ctx, changes, fleet.SiteHealthEvent(ctx, "reconciler")); err != nil {
		r.log.Warn("recording site health", "sites", len(changes), "err", err)
		return
	}
	r.log.Info("site health changed", "sites", len(changes))
}
