package failover_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
)

// TestFailoverHonoursCurrentPolicy: a workload created under an open
// policy (any jurisdiction, Brazil or Colombia) runs on the
// US-jurisdiction provider. The ministry's policy then becomes national
// in Brazil, and the workload's site goes down. Its replica is placed
// again where the policy allows now — a Brazilian provider in Brazil —
// not on the US provider's other sites, which its own (older) request
// would still admit.
func TestFailoverHonoursCurrentPolicy(t *testing.T) {
	t.Parallel()
	h, clk, d := opstest.StartDemo(t, opstest.FailoverMonitoring)
	ctx := context.Background()
	srv := h.Server
	us := d.Providers["Global Hyperscale LatAm (sim)"]
	w := opstest.CreateRunning(t, h, d.Internal(1, model.SovereigntyAny, "BR", "CO"))
	ps, err := srv.Store.Read().PlacementsOf(ctx, w.ID)
	if err != nil || len(ps) != 1 || ps[0].ProviderID != us.ID {
		t.Fatalf("the cheapest under the open policy is the US provider: %v %+v", err, ps)
	}
	site := ps[0].SiteID

	opstest.SetPolicy(t, srv.Store, w.InstitutionID, model.DataPolicy{Sovereignty: model.SovereigntyNational, Countries: []string{"BR"}})
	opstest.FailSite(t, srv, clk, us.ID, site)
	tick := timeGoesOn(clk, srv)
	opstest.Eventually(t, 2*time.Minute, "the replica running off the failed site", func() (bool, string) {
		tick()
		ps, err := srv.Store.Read().PlacementsOf(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.State == model.PlacementRunning && p.SiteID != site {
				if p.ProviderID == us.ID {
					t.Fatalf("failed over to the US provider's site %s, outside the national policy", p.SiteID)
				}
				s, _ := srv.Fleet.Site(p.SiteID)
				if s.Country != "BR" {
					t.Fatalf("failed over to %s", s.Country)
				}
				return true, ""
			}
		}
		return false, "not yet"
	})
}
