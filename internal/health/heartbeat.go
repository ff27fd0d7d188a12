package health

import (
	"context"

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
