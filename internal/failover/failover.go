// Package failover watches site failovers from start to end and measures
// them. Moving the replicas is the reconciler's job (internal/reconcile
// re-places each replica of a down site within the workload's whole policy
// and deletes the stale resource once the site answers again); this
// package decides nothing, it gates and observes:
//
//   - Gate is the reconciler's FailoverDue: a site's replicas move only
//     after it has been down (as the health monitor's hysteresis decided)
//     for the configured failover delay;
//   - Tracker notes when each site's failover started, when every replica
//     it held was running elsewhere (the time to recover, a histogram on
//     /metrics) and when the stale resources left behind were removed, and
//     reports each step to the log and to the audit hook.
package failover

import (
	"context"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/store"
)

// Record is one site failover.
type Record struct {
	SiteID      string     `json:"site_id"`
	StartedAt   time.Time  `json:"started_at"`
	RecoveredAt *time.Time `json:"recovered_at,omitempty"`
	// RecoverySeconds is the time from start to every replica running
	// elsewhere.
	RecoverySeconds float64 `json:"recovery_seconds,omitempty"`
	// Remaining are the replicas still on the site or not yet running
	// elsewhere.
	Remaining int64 `json:"remaining"`
}

// Hooks report a tracker's findings; nil fields are skipped.
type Hooks struct {
	Started   func(siteID string)
	Recovered func(siteID string, took time.Duration)
	// Audit records an operational fact (action failover.started,
	// failover.recovered) about a site.
	Audit func(ctx context.Context, action, siteID string)
}

// Tracker follows the failovers of the sites Due says may fail over.
type Tracker struct {
	st    *store.Store
	due   func(siteID string) bool
	down  func() []string
	now   func() time.Time
	hooks Hooks
	log   *slog.Logger

	mu      sync.Mutex
	active  map[string]*Record
	history []Record
	// handled are the sites whose failover recovered while they are still
	// down: one outage is one failover, however long the site stays down.
	handled map[string]bool
}

// New returns a tracker. down lists the sites that are down; due says
// whether a site's replicas may move; now is the clock.
func New(st *store.Store, down func() []string, due func(string) bool, now func() time.Time, h Hooks, log *slog.Logger) *Tracker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Tracker{st: st, due: due, down: down, now: now, hooks: h, log: log, active: map[string]*Record{},
		handled: map[string]bool{}}
}

// Check runs one round: starts records for sites that became due and
// closes those whose replicas all run elsewhere. A site fails over once
// per outage: after its failover recovered, it starts another only once
// it has come back and gone down again.
func (t *Tracker) Check(ctx context.Context) {
	down := t.down()
	t.mu.Lock()
	for id := range t.handled {
		if !slices.Contains(down, id) {
			delete(t.handled, id)
		}
	}
	t.mu.Unlock()
	for _, id := range down {
		t.dueAt(ctx, id)
	}
	t.mu.Lock()
	ids := make([]string, 0, len(t.active))
	for id, r := range t.active {
		if r.RecoveredAt == nil {
			ids = append(ids, id)
		}
	}
	t.mu.Unlock()
	for _, id := range ids {
		onSite, pending, err := t.st.Read().SiteRecovery(ctx, id)
		if err != nil {
			continue
		}
		now := t.now()
		t.mu.Lock()
		r, ok := t.active[id]
		if !ok || r.RecoveredAt != nil { // a concurrent Check closed it
			t.mu.Unlock()
			continue
		}
		r.Remaining = onSite + pending
		done := r.Remaining == 0
		if done {
			r.RecoveredAt = &now
			r.RecoverySeconds = now.Sub(r.StartedAt).Seconds()
			t.history = append(t.history, *r)
			delete(t.active, id)
			t.handled[id] = true
		}
		took := now.Sub(r.StartedAt)
		t.mu.Unlock()
		if done {
			t.log.Info("failover recovered: every replica runs elsewhere", "site", id, "took", took)
			if t.hooks.Recovered != nil {
				t.hooks.Recovered(id, took)
			}
			if t.hooks.Audit != nil {
				t.hooks.Audit(ctx, "failover.recovered", id)
			}
		}
	}
}

// Due says whether a down site's replicas may move now, and starts the
// site's failover record when they may. The reconciler asks it before it
// moves a site's replicas, so that no failover goes unrecorded however
// fast it recovers (Check alone, every second, could miss one).
func (t *Tracker) Due(siteID string) bool {
	return t.dueAt(context.Background(), siteID)
}

func (t *Tracker) dueAt(ctx context.Context, id string) bool {
	if !t.due(id) {
		return false
	}
	t.mu.Lock()
	_, ok := t.active[id]
	ok = ok || t.handled[id]
	if !ok {
		t.active[id] = &Record{SiteID: id, StartedAt: t.now()}
	}
	t.mu.Unlock()
	if !ok {
		t.log.Warn("failover started: the site's replicas are placed elsewhere", "site", id)
		if t.hooks.Started != nil {
			t.hooks.Started(id)
		}
		if t.hooks.Audit != nil {
			t.hooks.Audit(ctx, "failover.started", id)
		}
	}
	return true
}

// Run checks every interval until ctx ends.
func (t *Tracker) Run(ctx context.Context, every time.Duration) error {
	return pace.Repeat(ctx, every, func() { t.Check(ctx) })
}

// Records returns the failovers in progress and the last finished ones,
// newest first.
func (t *Tracker) Records() []Record {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Record, 0, len(t.active)+len(t.history))
	for _, r := range t.active {
		out = append(out, *r)
	}
	out = append(out, t.history...)
	sort.Slice(out, func(i, j int) bool { return out[i].StartedAt.After(out[j].StartedAt) })
	if len(out) > 100 {
		out = out[:100]
	}
	return out
}
