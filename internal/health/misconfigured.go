package health

import (
	"time"

	"github.com/soberana/soberana/internal/model"
)

// misconfigured takes a provider whose configuration cannot be used, and
// its sites, down at once with the reason: waiting DownAfter would only
// keep it selectable (degraded) while every call to it fails.
func (m *Monitor) misconfigured(p model.Provider, now time.Time, lat time.Duration, err error) []Transition {
	var out []Transition
	if c := m.forceDown(KindProvider, p.ID, "", p.Simulated, now, lat, p.Health, ReasonMisconfigured, err.Error()); c != nil {
		out = append(out, *c)
	}
	for _, s := range m.sitesOf(p.ID) {
		if c := m.forceDown(KindSite, s.ID, p.ID, s.Simulated, now, lat, s.Health, ReasonMisconfigured, err.Error()); c != nil {
			out = append(out, *c)
		}
	}
	if len(out) > 0 {
		m.log.Warn("provider misconfigured: down until its configuration is fixed", "provider", p.ID, "err", err)
	}
	return out
}

// forceDown records a failed observation and puts the target down now,
// saying why (reason, detail).
func (m *Monitor) forceDown(kind, id, providerID string, simulated bool, now time.Time, lat time.Duration, stored, reason, detail string) *Transition {
	// The observation first, through the usual path (window, error rate).
	c := m.observe(kind, id, providerID, simulated, now, obs{ok: false, latency: lat, tries: 1, errs: 1}, 0, stored)
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.targets[kind+":"+id]
	t.Reason, t.Detail = reason, detail
	if t.State == model.HealthDown {
		return c // down already, or just now through the usual path
	}
	tr := &Transition{Kind: kind, ID: id, From: t.State, To: model.HealthDown, At: now}
	if c != nil {
		tr.From = c.From // one change, not two
	} else {
		t.Transitions++
	}
	t.State, t.Since = model.HealthDown, now
	return tr
}
