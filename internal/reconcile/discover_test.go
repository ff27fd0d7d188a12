package reconcile_test

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/reconcile"
	"github.com/soberana/soberana/internal/store"
)

// TestDiscoveredHealthAudited: site health the drivers' discovery reports
// is written with one audit event per changed site (system:reconciler,
// site.health.<state>), as the health monitor writes its own; a site
// whose reported health did not change is not audited again.
func TestDiscoveredHealthAudited(t *testing.T) {
	t.Parallel()
	h, _, d := opstest.StartDemo(t, config.Monitoring{})
	ctx := context.Background()
	srv := h.Server
	r := reconcile.New(reconcile.Options{}, srv.Store, srv.Workloads, srv.Fleet, srv.Drivers, nil, nil)
	r.DiscoverNow(ctx) // learns what each driver reports today
	sites := []model.Site{d.Sites["gru-1"], d.Sites["gig-1"]}
	for _, s := range sites {
		if err := srv.Sim.SetOutage(ctx, s.ProviderID, s.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	r.DiscoverNow(ctx)
	r.DiscoverNow(ctx) // nothing new: no second event
	for _, s := range sites {
		if got, _ := srv.Fleet.Site(s.ID); got.Health != model.HealthDown {
			t.Fatalf("site %s health %s, want down", s.Name, got.Health)
		}
		evs, err := srv.Store.Read().AuditEvents(ctx, store.AuditFilter{Action: "site.health." + model.HealthDown, TargetID: s.ID, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 {
			t.Fatalf("site %s: %d site.health.down events, want 1", s.Name, len(evs))
		}
		if e := evs[0]; e.ActorName != "system:reconciler" || e.TargetKind != "sites" {
			t.Fatalf("site %s: event %+v", s.Name, e)
		}
	}
}
