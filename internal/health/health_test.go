package health_test

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/health"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/workload"
)

// TestFlappingSiteDoesNotThrash: a site that goes down and up every few
// seconds never becomes down (it shows degraded), so no replica moves;
// once it stays down past DownAfter it is down, its replicas still wait
// for FailoverAfter, then move; back up, it is healthy only after UpAfter.
// Time is a fake clock; nothing sleeps.
func TestFlappingSiteDoesNotThrash(t *testing.T) {
	t.Parallel()
	h, clk, d := opstest.StartDemo(t, config.Monitoring{DownAfter: 15 * time.Second, UpAfter: time.Minute, FailoverAfter: 2 * time.Minute})
	ctx := context.Background()
	srv := h.Server
	ids := opstest.CreateMany(t, srv.Workloads, 30, 4, func(int) workload.CreateRequest { return d.Mixed(0) })
	opstest.WaitRunning(t, srv.Store, ids, 30*time.Second)
	before := opstest.Snapshot(t, srv.Store)
	count := map[string]int{}
	busiest := ""
	for _, ps := range before {
		for _, sid := range ps {
			count[sid]++
			if count[sid] > count[busiest] {
				busiest = sid
			}
		}
	}
	site, _ := srv.Fleet.Site(busiest)
	mon := srv.Ops.Health
	mon.Probe(ctx)

	state := func() string {
		s, ok := mon.Get(health.KindSite, site.ID)
		if !ok {
			t.Fatalf("site %s not probed", site.ID)
		}
		return s.State
	}
	// Down 6 s, up 6 s, probing every 3 s, for five minutes of fake time.
	seen := map[string]int{}
	for i := range 100 {
		out := (i/2)%2 == 0
		if err := srv.Sim.SetOutage(ctx, site.ProviderID, site.ID, out); err != nil {
			t.Fatal(err)
		}
		clk.Advance(3 * time.Second)
		mon.Probe(ctx)
		seen[state()]++
		if state() == model.HealthDown {
			t.Fatalf("probe %d: flapping site became down", i)
		}
		if mon.FailoverDue(site.ID) {
			t.Fatalf("probe %d: failover due on a flapping site", i)
		}
	}
	if seen[model.HealthDegraded] == 0 {
		t.Fatalf("a flapping site should show degraded: %v", seen)
	}
	srv.Reconciler.Kick()
	if after := opstest.Snapshot(t, srv.Store); !sameSnapshot(before, after) {
		t.Fatal("replicas moved while the site flapped")
	}
	s, _ := srv.Fleet.Site(site.ID)
	if s.Health == model.HealthDown {
		t.Fatal("the fleet holds the flapping site as down")
	}

	// Now it stays down: down after 15 s (and 3 failed probes), failover
	// after 2 min more.
	if err := srv.Sim.SetOutage(ctx, site.ProviderID, site.ID, true); err != nil {
		t.Fatal(err)
	}
	var downAt time.Time
	for range 10 {
		clk.Advance(5 * time.Second)
		mon.Probe(ctx)
		if state() == model.HealthDown && downAt.IsZero() {
			downAt = clk.Now()
		}
	}
	if downAt.IsZero() {
		t.Fatal("a site down for 50 s is not down")
	}
	if s, _ := srv.Fleet.Site(site.ID); s.Health != model.HealthDown {
		t.Fatalf("fleet health %s, want down", s.Health)
	}
	if mon.FailoverDue(site.ID) {
		t.Fatal("failover due before FailoverAfter")
	}
	// The reconciler runs in real time; give it a few passes to prove it
	// holds off.
	srv.Reconciler.Kick()
	if after := opstest.Snapshot(t, srv.Store); !sameSnapshot(before, after) {
		t.Fatal("replicas moved before the failover delay")
	}
	clk.Advance(2 * time.Minute)
	mon.Probe(ctx)
	if !mon.FailoverDue(site.ID) {
		t.Fatal("failover not due after FailoverAfter")
	}
	srv.Reconciler.Kick()
	opstest.Eventually(t, 30*time.Second, "replicas leave the down site", func() (bool, string) {
		on := 0
		for _, ps := range opstest.Snapshot(t, srv.Store) {
			for _, sid := range ps {
				if sid == site.ID {
					on++
				}
			}
		}
		return on == 0, fmt.Sprintf("%d replicas still on %s", on, site.ID)
	})
	opstest.WaitRunning(t, srv.Store, ids, 30*time.Second)

	// Back: healthy only after UpAfter of answers.
	opstest.Outage(t, srv, clk, site.ProviderID, site.ID, false, 1)
	if state() != model.HealthDown {
		t.Fatalf("site left down after 5 s of answers: %s", state())
	}
	opstest.Outage(t, srv, clk, site.ProviderID, site.ID, false, 13)
	if state() == model.HealthDown {
		t.Fatal("site still down after UpAfter of answers")
	}
	// The stale resources on the old site are removed.
	opstest.WaitSiteEmpty(t, srv.Store, site, 30*time.Second)
}

func sameSnapshot(a, b map[string]map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !maps.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
