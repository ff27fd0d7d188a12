package health

import (
	"context"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// ObserveSite records one heartbeat round of an edge site (ok: a valid
// heartbeat arrived in the interval) through the same hysteresis as the
// probes: down after DownProbes missed rounds spanning DownAfter, up
// after UpAfter of heartbeats. capacityUse is the site's reported use.
func (m *Monitor) ObserveSite(ctx context.Context, siteID string, ok bool, capacityUse float64) {
	s, found := m.fleet.Site(siteID)
	if !found {
		return
	}
	if c := m.observe(KindSite, s.ID, s.ProviderID, s.Simulated, m.Now(), siteObs(ok, 0), capacityUse, s.Health); c != nil {
		m.apply(ctx, *c)
	}
}

// pushed reports a provider whose sites' health comes from heartbeats
// (an edge provider): the probes leave it alone.
func pushed(p model.Provider) bool { return p.Kind == model.ProviderKindEdge }

// SiteSilent takes an edge site down now: its subcloud's last valid
// heartbeat was at lastHeard and the beats due since have all been missed
// up to the deadline the heartbeat tracker keeps (three intervals). The
// once-an-interval observations (ObserveSite) would only reach DownProbes
// misses a phase later (3.25 to 4.25 intervals); the tracker already knows
// the beats were missed, so no further hysteresis applies. Coming back
// still takes UpAfter of heartbeats.
func (m *Monitor) SiteSilent(ctx context.Context, siteID string, lastHeard time.Time) {
	s, found := m.fleet.Site(siteID)
	if !found {
		return
	}
	detail := "no heartbeat since " + lastHeard.UTC().Format(time.RFC3339Nano)
	if c := m.forceDown(KindSite, s.ID, s.ProviderID, s.Simulated, m.Now(), 0, s.Health, ReasonHeartbeatsMissed, detail); c != nil {
		m.apply(ctx, *c)
	}
}
