package health_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/health"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/server"
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

// startSealed starts a server with hour-long hysteresis (nothing changes
// with time) whose first provider in the probe's order cannot open its
// configuration (sealedShut, set as the sim driver).
func startSealed(t *testing.T) (*server.Server, sealedShut) {
	t.Helper()
	h, _ := opstest.Start(t, config.Monitoring{DownAfter: time.Hour, UpAfter: time.Hour, FailoverAfter: time.Hour})
	srv := h.Server
	var ids []string
	for _, p := range srv.Fleet.Providers() {
		ids = append(ids, p.ID)
	}
	slices.Sort(ids)
	if len(ids) < 2 {
		t.Fatalf("the demo fleet has %d providers, want two or more", len(ids))
	}
	sealed := sealedShut{Driver: srv.Sim, providerID: ids[0]}
	srv.Drivers.Set(sim.Name, sealed)
	return srv, sealed
}

// sitesOf is what the fleet holds of a provider's sites; none fails the
// test.
func sitesOf(t *testing.T, srv *server.Server, providerID string) []model.Site {
	t.Helper()
	var out []model.Site
	for id := range srv.Fleet.Usage() {
		if s, _ := srv.Fleet.Site(id); s.ProviderID == providerID {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		t.Fatal("the provider has no sites")
	}
	return out
}

// TestMisconfiguredProviderDownAtOnce: a provider whose configuration
// cannot be unsealed is down, with its sites and the reason, after the
// very first probe — not degraded and selectable for DownAfter.
func TestMisconfiguredProviderDownAtOnce(t *testing.T) {
	t.Parallel()
	srv, sealed := startSealed(t)
	ctx := context.Background()
	p, _ := srv.Fleet.Provider(sealed.providerID)
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
	for _, s := range sitesOf(t, srv, p.ID) {
		if s.Health != model.HealthDown {
			t.Errorf("site %s is %s, want down", s.ID, s.Health)
		}
		if ss, _ := mon.Get(health.KindSite, s.ID); ss.Reason != health.ReasonMisconfigured {
			t.Errorf("site %s status %+v, want reason %s", s.ID, ss, health.ReasonMisconfigured)
		}
	}
	for _, q := range srv.Fleet.Providers() {
		if q.ID != p.ID && q.Health == model.HealthDown {
			t.Errorf("provider %s went down too", q.ID)
		}
	}
}
