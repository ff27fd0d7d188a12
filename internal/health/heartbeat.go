package health

import (
	"context"
	"time"

	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/model"
)

// The monitor is the edge heartbeat tracker's sink.
var _ edge.Sink = (*Monitor)(nil)

// ObserveSites records one heartbeat round of edge sites (OK: a valid
// heartbeat arrived in the interval) through the same hysteresis as the
// probes: down after DownProbes missed rounds spanning DownAfter, up
// after UpAfter of heartbeats. CapacityUse is the site's reported use.
// The round's stable changes are written together (applyAll).
func (m *Monitor) ObserveSites(ctx context.Context, obs []edge.SiteObservation) {
	now := m.Now()
	var changes []Transition
	for _, o := range obs {
		s, found := m.fleet.Site(o.SiteID)
		if !found {
			continue
		}
		if c := m.observe(KindSite, s.ID, s.ProviderID, s.Simulated, now, siteObs(o.OK, 0), o.CapacityUse, s.Health); c != nil {
			changes = append(changes, *c)
		}
	}
	m.applyAll(ctx, changes)
}

// ObserveSite is ObserveSites for one site.
func (m *Monitor) ObserveSite(ctx context.Context, siteID string, ok bool, capacityUse float64) {
	m.ObserveSites(ctx, []edge.SiteObservation{{SiteID: siteID, OK: ok, CapacityUse: capacityUse}})
}

// pushed reports a provider whose sites' health comes from heartbeats
// (an edge provider): the probes leave it alone.
func pushed(p model.Provider) bool { return p.Kind == model.ProviderKindEdge }

// SitesSilent takes edge sites down now: each one's subcloud's last valid
// heartbeat was at LastHeard and the beats due since have all been missed
// up to the deadline the heartbeat tracker keeps (three intervals). The
// once-an-interval observations (ObserveSites) would only reach DownProbes
// misses a phase later (3.25 to 4.25 intervals); the tracker already knows
// the beats were missed, so no further hysteresis applies. Coming back
// still takes UpAfter of heartbeats. Sites that go silent together (a
// region losing its uplink) are written together (applyAll).
func (m *Monitor) SitesSilent(ctx context.Context, silent []edge.SiteSilence) {
	now := m.Now()
	var changes []Transition
	for _, sl := range silent {
		s, found := m.fleet.Site(sl.SiteID)
		if !found {
			continue
		}
		detail := "no heartbeat since " + sl.LastHeard.UTC().Format(time.RFC3339Nano)
		if c := m.forceDown(KindSite, s.ID, s.ProviderID, s.Simulated, now, 0, s.Health, ReasonHeartbeatsMissed, detail); c != nil {
			changes = append(changes, *c)
		}
	}
	m.applyAll(ctx, changes)
}

// SiteSilent is SitesSilent for one site.
func (m *Monitor) SiteSilent(ctx context.Context, siteID string, lastHeard time.Time) {
	m.SitesSilent(ctx, []edge.SiteSilence{{SiteID: siteID, LastHeard: lastHeard}})
}
