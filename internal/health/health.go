// Package health probes every provider API and site and turns the raw
// observations into a stable state — healthy, degraded or down — with
// hysteresis, so that a flapping site does not thrash the workloads on it.
//
// A probe is one Discover call per provider: its latency and error say how
// the provider's API is; the per-site health it reports and the capacity
// the placement engine holds reserved say how each site is. Each target
// keeps a window of recent observations:
//
//   - it becomes down only after it has failed continuously for DownAfter
//     (and at least DownProbes probes in a row);
//   - it leaves down only after it has answered continuously for UpAfter
//     (longer than DownAfter: coming back must be proven);
//   - it is degraded when, over the window, the error rate or the latency
//     crosses a threshold, or its capacity is nearly used.
//
// Stable changes are written to the fleet (store and placement engine), so
// placement avoids down sites at once. Failover waits FailoverAfter more
// (see Monitor.FailoverDue). Time comes from Options.Now, so tests drive
// the hysteresis with a fake clock and no sleeps.
package health

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/fleet"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// Target kinds.
const (
	KindProvider = "provider"
	KindSite     = "site"
)

// Kinds lists every target kind (the OpenAPI enum).
var Kinds = []string{KindProvider, KindSite}

// Options tune the probes; zero fields take defaults.
type Options struct {
	Every            time.Duration // between probes (default 5 s)
	Attempts         int           // Discover calls per probe before it fails (default 3)
	CallTimeout      time.Duration // per Discover call (default 5 s)
	DownAfter        time.Duration // continuous failure before down (default 15 s)
	DownProbes       int           // and at least this many failed probes in a row (default 3)
	UpAfter          time.Duration // continuous success before leaving down (default 60 s)
	Window           int           // observations kept per target (default 20)
	DegradedErrors   float64       // error rate over the window that degrades (default 0.2)
	DegradedLatency  time.Duration // mean latency over the window that degrades (default 2 s)
	DegradedCapacity float64       // used fraction of a site's capacity that degrades (default 0.95)
	FailoverAfter    time.Duration // down this long before replicas move (default 2 min)
	Now              func() time.Time
	// Observe, when set, receives every probe's latency (metrics).
	Observe func(kind, id string, latency time.Duration)
}

func (o *Options) defaults() {
	orDefault(&o.Every, 5*time.Second)
	orDefault(&o.CallTimeout, 5*time.Second)
	orDefault(&o.DownAfter, 15*time.Second)
	orDefault(&o.UpAfter, time.Minute)
	orDefault(&o.DegradedLatency, 2*time.Second)
	orDefault(&o.FailoverAfter, 2*time.Minute)
	orDefault(&o.Attempts, 3)
	orDefault(&o.DownProbes, 3)
	orDefault(&o.Window, 20)
	orDefault(&o.DegradedErrors, 0.2)
	orDefault(&o.DegradedCapacity, 0.95)
	if o.Now == nil {
		o.Now = time.Now
	}
}

// orDefault gives an option left unset (not positive) its default.
func orDefault[T ~int | ~int64 | ~float64](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Status is a target's health as the monitor holds it.
type Status struct {
	Kind       string    `json:"kind"`
	ID         string    `json:"id"`
	ProviderID string    `json:"provider_id,omitempty"`
	State      string    `json:"state"`
	Since      time.Time `json:"since"`
	// Raw is what the last probe alone says (before hysteresis).
	Raw         string  `json:"raw"`
	LatencyMs   float64 `json:"latency_ms"`
	ErrorRate   float64 `json:"error_rate"`
	CapacityUse float64 `json:"capacity_use,omitempty"`
	Probes      int64   `json:"probes"`
	Transitions int64   `json:"transitions"`
	Simulated   bool    `json:"simulated"`
	// Reason says why a target is down without waiting for hysteresis:
	// ReasonMisconfigured, with Detail the driver's error, or
	// ReasonHeartbeatsMissed, with Detail the last heartbeat's time.
	Reason string `json:"reason,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// ReasonMisconfigured: the provider's configuration cannot be used (see
// provider.ErrMisconfigured); it and its sites are down from the first
// probe, since no retry can succeed until an operator fixes it.
const ReasonMisconfigured = "misconfigured"

// ReasonHeartbeatsMissed: an edge site's subcloud missed three heartbeats
// in a row (edge.MissedBeats); the heartbeat tracker takes it down at the
// third beat's deadline (SiteSilent) instead of waiting for three of its
// once-an-interval observations.
const ReasonHeartbeatsMissed = "heartbeats_missed"

type obs struct {
	ok          bool
	latency     time.Duration
	tries, errs int
}

func siteObs(ok bool, lat time.Duration) obs {
	o := obs{ok: ok, latency: lat, tries: 1}
	if !ok {
		o.errs = 1
	}
	return o
}

type target struct {
	Status
	window    []obs
	failSince time.Time // start of the current failure streak (zero: none)
	failRun   int
	okSince   time.Time // start of the current success streak
	// unwritten: State is not in the fleet yet — its write failed (the
	// database was away) and the next observation writes it again, or a
	// site that went down would never be failed over.
	unwritten bool
}

// Transition is one stable state change.
type Transition struct {
	Kind, ID, From, To string
	At                 time.Time
}

// Monitor runs the probes and holds the stable states.
type Monitor struct {
	o       Options
	fleet   *fleet.Fleet
	st      *store.Store
	drivers *provider.Registry
	log     *slog.Logger

	// round lets one probe round run at a time: a second (a test's or
	// the bench's Probe beside Run) waits, so that when Probe returns the
	// changes it saw are written — not still pending in a concurrent round
	// that saw them first and left this one nothing to write.
	round sync.Mutex

	mu       sync.Mutex
	targets  map[string]*target // kind:id
	downSeen map[string]time.Time
	subs     []func(Transition)
	// batchSubs hear of the changes written together (OnTransitions).
	batchSubs []func([]Transition)
}

// New returns a monitor; call Probe (or Run) to observe.
func New(o Options, st *store.Store, f *fleet.Fleet, drivers *provider.Registry, log *slog.Logger) *Monitor {
	o.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Monitor{o: o, st: st, fleet: f, drivers: drivers, log: log,
		targets: map[string]*target{}, downSeen: map[string]time.Time{}}
}

// Options returns the monitor's effective options.
func (m *Monitor) Options() Options { return m.o }

// SetClock replaces the monitor's clock (tests drive hysteresis with a
// fake clock); call it before probing.
func (m *Monitor) SetClock(now func() time.Time) {
	m.mu.Lock()
	m.o.Now = now
	m.mu.Unlock()
}

// Now is the monitor's clock.
func (m *Monitor) Now() time.Time {
	m.mu.Lock()
	f := m.o.Now
	m.mu.Unlock()
	return f()
}

// OnTransition registers f to be told of every stable state change.
func (m *Monitor) OnTransition(f func(Transition)) {
	m.mu.Lock()
	m.subs = append(m.subs, f)
	m.mu.Unlock()
}

// OnTransitions registers f to be told of stable changes as they are
// written: every change of a provider alone, sites' changes by the batch
// written in one transaction (up to fleet.HealthBatch).
func (m *Monitor) OnTransitions(f func([]Transition)) {
	m.mu.Lock()
	m.batchSubs = append(m.batchSubs, f)
	m.mu.Unlock()
}

// Run probes every Every until ctx ends.
func (m *Monitor) Run(ctx context.Context) error {
	return pace.Repeat(ctx, m.o.Every, func() { m.Probe(ctx) })
}

// Probe runs one round of probes and applies the stable changes; a
// round already running is waited for.
func (m *Monitor) Probe(ctx context.Context) {
	m.round.Lock()
	defer m.round.Unlock()
	provs := m.fleet.Providers()
	sort.Slice(provs, func(i, j int) bool { return provs[i].ID < provs[j].ID })
	usage := m.fleet.Usage()
	var changes []Transition
	for _, p := range provs {
		if pushed(p) {
			continue // heartbeats, not polling (ObserveSite)
		}
		drv, err := m.drivers.Get(p.Driver)
		var sites []provider.Site
		var lat time.Duration
		tries, errs := 0, 0
		// A probe is failed only when every attempt fails: one lost call
		// of a flaky API must not take a provider down.
		for err == nil && tries < m.o.Attempts {
			tries++
			start := time.Now()
			cctx, cancel := context.WithTimeout(ctx, m.o.CallTimeout)
			var derr error
			sites, derr = drv.Discover(cctx, p.ID)
			cancel()
			lat = time.Since(start)
			if derr == nil {
				break
			}
			errs++
			if tries == m.o.Attempts || ctx.Err() != nil || errors.Is(derr, provider.ErrMisconfigured) {
				err = derr
			}
		}
		if tries == 0 {
			tries, errs = 1, 1
		}
		if ctx.Err() != nil {
			return
		}
		now := m.Now()
		if m.o.Observe != nil {
			m.o.Observe(KindProvider, p.ID, lat)
		}
		if errors.Is(err, provider.ErrMisconfigured) {
			changes = append(changes, m.misconfigured(p, now, lat, err)...)
			continue
		}
		if c := m.observe(KindProvider, p.ID, "", p.Simulated, now, obs{ok: err == nil, latency: lat, tries: tries, errs: errs}, 0, p.Health); c != nil {
			changes = append(changes, *c)
		}
		if err != nil {
			// The API did not answer: its sites cannot be seen; each counts
			// as a failed observation too.
			if !errors.Is(err, context.Canceled) {
				m.log.Debug("provider probe failed", "provider", p.ID, "err", err)
			}
			for _, s := range m.sitesOf(p.ID) {
				if c := m.observe(KindSite, s.ID, p.ID, s.Simulated, now, obs{ok: false, latency: lat, tries: 1, errs: 1}, capUse(s, usage), s.Health); c != nil {
					changes = append(changes, *c)
				}
			}
			continue
		}
		for _, rs := range sites {
			s, ok := m.fleet.Site(rs.SiteID)
			if !ok {
				continue
			}
			if c := m.observe(KindSite, s.ID, p.ID, s.Simulated, now, siteObs(rs.Health != model.HealthDown, lat), capUse(s, usage), s.Health); c != nil {
				changes = append(changes, *c)
			}
		}
	}
	m.applyAll(ctx, changes)
	m.trackDown()
}

func (m *Monitor) sitesOf(providerID string) []model.Site {
	var out []model.Site
	for id := range m.fleet.Usage() {
		if s, ok := m.fleet.Site(id); ok && s.ProviderID == providerID {
			out = append(out, s)
		}
	}
	return out
}

func capUse(s model.Site, usage map[string]placement.Usage) float64 {
	u, ok := usage[s.ID]
	if !ok {
		return 0
	}
	frac := func(used, capacity int64) float64 {
		if capacity <= 0 {
			return 0
		}
		return float64(used) / float64(capacity)
	}
	return max(frac(u.Used.VCPU, u.Capacity.VCPU), frac(u.Used.MemoryMiB, u.Capacity.MemoryMiB), frac(u.Used.DiskGiB, u.Capacity.DiskGiB))
}

// observe records one observation and returns a stable change, if any.
func (m *Monitor) observe(kind, id, providerID string, simulated bool, now time.Time, o obs, capacity float64, stored string) *Transition {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := kind + ":" + id
	t, ok := m.targets[key]
	if !ok {
		st := stored
		if st == "" {
			st = model.HealthHealthy
		}
		t = &target{Status: Status{Kind: kind, ID: id, ProviderID: providerID, State: st, Since: now, Simulated: simulated}}
		m.targets[key] = t
	}
	t.Probes++
	t.window = append(t.window, o)
	if len(t.window) > m.o.Window {
		t.window = t.window[len(t.window)-m.o.Window:]
	}
	if o.ok {
		t.Reason, t.Detail = "", ""
		t.failSince, t.failRun = time.Time{}, 0
		if t.okSince.IsZero() {
			t.okSince = now
		}
	} else {
		t.okSince = time.Time{}
		if t.failSince.IsZero() {
			t.failSince = now
		}
		t.failRun++
	}
	var errs, tries int
	var sum time.Duration
	for _, w := range t.window {
		errs += w.errs
		tries += w.tries
		sum += w.latency
	}
	t.ErrorRate = float64(errs) / float64(max(tries, 1))
	t.LatencyMs = float64(o.latency.Microseconds()) / 1000
	t.CapacityUse = capacity
	mean := sum / time.Duration(len(t.window))
	degraded := t.ErrorRate >= m.o.DegradedErrors || mean >= m.o.DegradedLatency || capacity >= m.o.DegradedCapacity
	t.Raw = model.HealthHealthy
	switch {
	case !o.ok:
		t.Raw = model.HealthDown
	case degraded:
		t.Raw = model.HealthDegraded
	}

	next := t.State
	switch t.State {
	case model.HealthDown:
		if o.ok && now.Sub(t.okSince) >= m.o.UpAfter {
			next = model.HealthHealthy
			if degraded {
				next = model.HealthDegraded
			}
		}
	default:
		switch {
		case !o.ok && t.failRun >= m.o.DownProbes && now.Sub(t.failSince) >= m.o.DownAfter:
			next = model.HealthDown
		case !o.ok || degraded:
			next = model.HealthDegraded
		default:
			next = model.HealthHealthy
		}
	}
	if next == t.State {
		if t.unwritten && stored != t.State {
			return &Transition{Kind: kind, ID: id, From: stored, To: next, At: now}
		}
		t.unwritten = false
		return nil
	}
	tr := &Transition{Kind: kind, ID: id, From: t.State, To: next, At: now}
	t.State, t.Since = next, now
	t.Transitions++
	return tr
}

// applyAll writes stable changes to the fleet and tells the subscribers.
// Providers' changes of one pass are written together, in one
// transaction with one audit event per provider (system:health,
// provider.health.<state>, target kind providers); sites' together, one
// transaction per up to fleet.HealthBatch sites with one audit event per
// site (system:health, site.health.<state>), and the subscribers hear of
// each batch once it is written (one NOTIFY each, not one per site):
// 5,000 edge sites that go silent at once are 5 transactions, not 5,000.
func (m *Monitor) applyAll(ctx context.Context, changes []Transition) {
	var sites, providers []Transition
	for _, c := range changes {
		if c.Kind != KindSite {
			providers = append(providers, c)
			continue
		}
		sites = append(sites, c)
	}
	if len(providers) > 0 {
		err := m.setProvidersHealth(ctx, providers)
		m.written(providers, err)
		for _, c := range providers {
			m.logChange(c, err)
		}
		m.tell(providers)
	}
	for start := 0; start < len(sites); start += fleet.HealthBatch {
		chunk := sites[start:min(start+fleet.HealthBatch, len(sites))]
		hc := make([]fleet.HealthChange, len(chunk))
		for i, c := range chunk {
			hc[i] = fleet.HealthChange{SiteID: c.ID, Health: c.To}
		}
		err := m.fleet.SetSitesHealth(ctx, hc, siteEvent)
		m.written(chunk, err)
		if len(chunk) == 1 {
			m.logChange(chunk[0], err)
		} else if err != nil {
			m.log.Warn("recording health", "kind", KindSite, "sites", len(chunk), "err", err)
		} else {
			m.log.Info("health changed", "kind", KindSite, "sites", len(chunk))
			for _, c := range chunk {
				m.log.Debug("health changed", "kind", c.Kind, "id", c.ID, "from", c.From, "to", c.To)
			}
		}
		m.tell(chunk)
	}
}

// written records whether changes reached the fleet: those whose write
// failed are written again by their target's next observation.
func (m *Monitor) written(changes []Transition, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range changes {
		if t := m.targets[c.Kind+":"+c.ID]; t != nil && t.State == c.To {
			t.unwritten = err != nil
		}
	}
}

// siteEvent is the audit event of a site health change the monitor
// decided: the system actor's health component.
func siteEvent(c fleet.HealthChange) *model.AuditEvent {
	e := audit.System("health", "site.health."+c.Health, "sites", c.SiteID)
	return &e
}

func (m *Monitor) logChange(c Transition, err error) {
	if err != nil {
		m.log.Warn("recording health", "kind", c.Kind, "id", c.ID, "health", c.To, "err", err)
	} else {
		m.log.Info("health changed", "kind", c.Kind, "id", c.ID, "from", c.From, "to", c.To)
	}
}

// tell hands written changes to the subscribers.
func (m *Monitor) tell(cs []Transition) {
	m.mu.Lock()
	subs := append([]func(Transition){}, m.subs...)
	batch := append([]func([]Transition){}, m.batchSubs...)
	m.mu.Unlock()
	for _, f := range subs {
		for _, c := range cs {
			f(c)
		}
	}
	for _, f := range batch {
		f(cs)
	}
}

// setProvidersHealth records the providers' new health in one
// transaction, each change with its audit event; a provider already at
// its new health changes nothing and is not audited.
func (m *Monitor) setProvidersHealth(ctx context.Context, cs []Transition) error {
	err := m.st.Write(ctx, func(tx *store.Tx) error {
		for _, c := range cs {
			p, err := tx.Providers().Get(ctx, c.ID)
			if err != nil {
				return err
			}
			if p.Health == c.To {
				continue
			}
			p.Health = c.To
			if err := tx.Providers().Update(ctx, &p); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, providerEvent(c.ID, c.To)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return m.fleet.Refresh(ctx, false)
}

// providerEvent is the audit event of a provider health change the
// monitor decided.
func providerEvent(id, health string) *model.AuditEvent {
	e := audit.System("health", "provider.health."+health, "providers", id)
	return &e
}

// trackDown notes since when each site has been down in the fleet,
// whoever marked it (probes or an operator).
func (m *Monitor) trackDown() {
	down := map[string]bool{}
	for _, id := range m.fleet.DownSites() {
		down[id] = true
	}
	now := m.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	for id := range down {
		if _, ok := m.downSeen[id]; !ok {
			since := now
			if t, ok := m.targets[KindSite+":"+id]; ok && t.State == model.HealthDown {
				since = t.Since
			}
			m.downSeen[id] = since
		}
	}
	for id := range m.downSeen {
		if !down[id] {
			delete(m.downSeen, id)
		}
	}
}

// DownSince reports since when a site has been down (ok false: it is not).
func (m *Monitor) DownSince(siteID string) (time.Time, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.downSeen[siteID]
	return t, ok
}

// FailoverDue reports whether a site has been down for FailoverAfter: its
// replicas may move. A site the monitor has not yet seen down waits.
func (m *Monitor) FailoverDue(siteID string) bool {
	since, ok := m.DownSince(siteID)
	return ok && m.Now().Sub(since) >= m.o.FailoverAfter
}

// Statuses returns every target's status, providers first, by id.
func (m *Monitor) Statuses() []Status {
	m.mu.Lock()
	out := make([]Status, 0, len(m.targets))
	for _, t := range m.targets {
		out = append(out, t.Status)
	}
	m.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind == KindProvider
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Get returns one target's status.
func (m *Monitor) Get(kind, id string) (Status, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.targets[kind+":"+id]
	if !ok {
		return Status{}, false
	}
	return t.Status, true
}
