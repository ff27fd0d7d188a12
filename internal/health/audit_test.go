package health_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/store"
)

// TestProviderHealthChangeAudited: a provider whose API stops answering
// becomes down and, once it answers again, healthy; each change is one
// audit event of the system's health component (provider.health.down,
// then provider.health.healthy, target kind providers), like a site's.
func TestProviderHealthChangeAudited(t *testing.T) {
	t.Parallel()
	h, clk, d := opstest.StartDemo(t, config.Monitoring{DownAfter: 15 * time.Second, UpAfter: time.Minute})
	ctx := context.Background()
	srv := h.Server
	pid := d.Sites["gru-1"].ProviderID
	mon := srv.Ops.Health
	mon.Probe(ctx)

	events := func(action string) []model.AuditEvent {
		t.Helper()
		evs, err := srv.Store.Read().AuditEvents(ctx, store.AuditFilter{Action: action, TargetID: pid, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	if err := srv.Sim.SetProviderFaults(ctx, pid, sim.Faults{ErrorRate: "1"}); err != nil {
		t.Fatal(err)
	}
	for range 8 {
		clk.Advance(5 * time.Second)
		mon.Probe(ctx)
	}
	if p, _ := srv.Fleet.Provider(pid); p.Health != model.HealthDown {
		t.Fatalf("provider health %s after 40 s without an answer", p.Health)
	}
	down := events("provider.health." + model.HealthDown)
	if len(down) != 1 {
		t.Fatalf("%d provider.health.down events, want 1", len(down))
	}
	if e := down[0]; e.ActorName != "system:health" || e.TargetKind != "providers" || e.Outcome != "success" {
		t.Fatalf("event %+v", e)
	}

	if err := srv.Sim.SetProviderFaults(ctx, pid, sim.Faults{ErrorRate: "0"}); err != nil {
		t.Fatal(err)
	}
	for range 40 { // past UpAfter and until the failed probes leave the window
		clk.Advance(5 * time.Second)
		mon.Probe(ctx)
	}
	if p, _ := srv.Fleet.Provider(pid); p.Health != model.HealthHealthy {
		t.Fatalf("provider health %s after 200 s answering", p.Health)
	}
	if n := len(events("provider.health." + model.HealthHealthy)); n != 1 {
		t.Fatalf("%d provider.health.healthy events, want 1", n)
	}
	if n := len(events("provider.health." + model.HealthDown)); n != 1 {
		t.Fatalf("%d provider.health.down events after recovery, want still 1", n)
	}
}
