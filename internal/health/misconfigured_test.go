package health_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/health"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
)

// sealedShut is the sim driver with one provider whose config cannot be
// opened: every Discover of it fails as misconfigured.
type sealedShut struct {
	*sim.Driver
	providerID string
}

func (d sealedShut) Discover(ctx context.Context, providerID string) ([]provider.Site, error) {
	if providerID == d.providerID {
		return nil, fmt.Errorf("opening the config of %s: %w: no secrets key", providerID, provider.ErrMisconfigured)
	}
	return d.Driver.Discover(ctx, providerID)
}

// TestMisconfiguredProviderDownAtOnce: a provider whose configuration
// cannot be unsealed is down, with its sites and the reason, after the
// very first probe — not degraded and selectable for DownAfter.
func TestMisconfiguredProviderDownAtOnce(t *testing.T) {
	t.Parallel()
	h, _ := opstest.Start(t, config.Monitoring{DownAfter: time.Hour, UpAfter: time.Hour, FailoverAfter: time.Hour})
	srv := h.Server
	ctx := context.Background()
	p := srv.Fleet.Providers()[0]
	srv.Drivers.Set(sim.Name, sealedShut{Driver: srv.Sim, providerID: p.ID})
	mon := srv.Ops.Health
	mon.Probe(ctx)
	st, ok := mon.Get(health.KindProvider, p.ID)
	if !ok || st.State != model.HealthDown || st.Reason != health.ReasonMisconfigured || st.Detail == "" {
		t.Fatalf("after one probe the provider is %+v, want down (misconfigured)", st)
	}
	got, _ := srv.Fleet.Provider(p.ID)
	if got.Health != model.HealthDown {
		t.Fatalf("the fleet holds the provider as %s", got.Health)
	}
	sites := 0
	for id := range srv.Fleet.Usage() {
		s, _ := srv.Fleet.Site(id)
		if s.ProviderID != p.ID {
			continue
		}
		sites++
		if s.Health != model.HealthDown {
			t.Errorf("site %s is %s, want down", s.ID, s.Health)
		}
		if ss, _ := mon.Get(health.KindSite, s.ID); ss.Reason != health.ReasonMisconfigured {
			t.Errorf("site %s status %+v, want reason %s", s.ID, ss, health.ReasonMisconfigured)
		}
	}
	if sites == 0 {
		t.Fatal("the provider has no sites")
	}
	for _, q := range srv.Fleet.Providers() {
		if q.ID != p.ID && q.Health == model.HealthDown {
			t.Errorf("provider %s went down too", q.ID)
		}
	}
}
