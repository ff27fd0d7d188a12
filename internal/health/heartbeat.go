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
	edgeRound(ctx, m, obs, func(o edge.SiteObservation) string { return o.SiteID },
		func(o edge.SiteObservation, s model.Site, now time.Time) *Transition {
			return m.observe(KindSite, s.ID, s.ProviderID, s.Simulated, now, siteObs(o.OK, 0), o.CapacityUse, s.Health)
		})
}

// edgeRound is one round of the heartbeat tracker's news about edge
// sites: change gives each known site's transition, if any, and the
// round's transitions are written together (applyAll). Sites the fleet
// does not know are passed over.
func edgeRound[T any](ctx context.Context, m *Monitor, news []T, siteID func(T) string, change func(T, model.Site, time.Time) *Transition) {
	now := m.Now()
	var changes []Transition
	for _, n := range news {
		s, found := m.fleet.Site(siteID(n))
		if !found {
			continue
		}
		if c := change(n, s, now); c != nil {
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
	edgeRound(ctx, m, silent, func(sl edge.SiteSilence) string { return sl.SiteID },
		func(sl edge.SiteSilence, s model.Site, now time.Time) *Transition {
			detail := "no heartbeat since " + sl.LastHeard.UTC().Format(time.RFC3339Nano)
			return m.forceDown(KindSite, s.ID, s.ProviderID, s.Simulated, now, 0, s.Health, ReasonHeartbeatsMissed, detail)
		})
}

// SiteSilent is SitesSilent for one site.
func (m *Monitor) SiteSilent(ctx context.Context, siteID string, lastHeard time.Time) {
	m.SitesSilent(ctx, []edge.SiteSilence{{SiteID: siteID, LastHeard: lastHeard}})
}
