package failover_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server"
	"github.com/soberana/soberana/internal/store"
)

// TestSiteDownFailover: 1,000 workloads of mixed policies on the demo
// fleet; the site holding most replicas goes down. After the failover
// delay every affected replica is placed again within its workload's
// policy and runs; no replica lands outside residency; no other workload
// is touched. When the site returns, the stale resources are removed.
// Skipped with -short; SOBERANA_TEST_FLEET sets the size.
func TestSiteDownFailover(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("1,000-workload failover skipped in -short mode")
	}
	n := 1000
	if v := os.Getenv("SOBERANA_TEST_FLEET"); v != "" {
		fmt.Sscan(v, &n)
	}
	h, clk, d := opstest.StartDemo(t, opstest.FailoverMonitoring)
	ctx := context.Background()
	srv := h.Server
	start := time.Now()
	ids := opstest.CreateMany(t, srv.Workloads, n, 8, d.Mixed)
	opstest.WaitRunning(t, srv.Store, ids, 3*time.Minute)
	t.Logf("%d workloads running in %s", n, time.Since(start).Round(time.Millisecond))

	before := opstest.Snapshot(t, srv.Store)
	site := d.Sites["gru-1"]
	affected, replicas := opstest.OnSite(before, site.ID)
	if replicas == 0 {
		t.Fatalf("no replica on %s", site.Name)
	}
	t.Logf("site %s holds %d replicas of %d workloads", site.Name, replicas, len(affected))

	srv.Ops.Health.Probe(ctx)
	opstest.Outage(t, srv, clk, site.ProviderID, site.ID, true, 4)
	if s, _ := srv.Fleet.Site(site.ID); s.Health != model.HealthDown {
		t.Fatalf("site health %s after 20 s down", s.Health)
	}
	failStart := time.Now()
	opstest.FailoverDue(srv, clk)
	recovered(t, srv, site.ID, affected, 3*time.Minute, timeGoesOn(clk, srv))
	took := time.Since(failStart)
	t.Logf("all %d replicas recovered in %s", replicas, took.Round(time.Millisecond))

	// Within policy; nothing else touched.
	after := opstest.Snapshot(t, srv.Store)
	for wl, ps := range before {
		if affected[wl] {
			continue
		}
		if !maps.Equal(ps, after[wl]) {
			t.Fatalf("workload %s was not on %s but its placements changed", wl, site.Name)
		}
	}
	checkPolicy(t, srv, ids)

	// The site returns: the stale resources on it are removed.
	opstest.Outage(t, srv, clk, site.ProviderID, site.ID, false, 14)
	if s, _ := srv.Fleet.Site(site.ID); s.Health == model.HealthDown {
		t.Fatal("site still down after it answered for UpAfter")
	}
	srv.Reconciler.Kick()
	opstest.WaitSiteEmpty(t, srv.Store, site, 2*time.Minute)
	recs := srv.Ops.Failover.Records()
	if len(recs) == 0 || recs[0].RecoveredAt == nil {
		srv.Ops.Failover.Check(ctx)
		recs = srv.Ops.Failover.Records()
	}
	if len(recs) == 0 || recs[0].SiteID != site.ID || recs[0].RecoveredAt == nil {
		t.Fatalf("failover record: %+v", recs)
	}
}

// timeGoesOn returns a tick for the waits of a failover: time goes on
// while the site stays down, so at most once a second of waiting the fake
// clock moves 5 s and the monitor probes again, as it would in
// production. A loaded machine (CI) that saw the site down late thus never
// leaves the failover delay unreached.
func timeGoesOn(clk *opstest.Clock, srv *server.Server) func() {
	last := time.Now()
	return func() {
		if time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		clk.Advance(5 * time.Second)
		srv.Ops.Health.Probe(context.Background())
		srv.Reconciler.Kick()
	}
}

// recovered waits until no active replica is on the site and every
// affected workload runs (or failed with a reason, which the policy check
// then rejects).
func recovered(t *testing.T, srv *server.Server, siteID string, affected map[string]bool, within time.Duration, tick func()) {
	t.Helper()
	ctx := context.Background()
	opstest.Eventually(t, within, "failover", func() (bool, string) {
		tick()
		on, pending, err := srv.Store.Read().SiteRecovery(ctx, siteID)
		if err != nil {
			t.Fatal(err)
		}
		if on+pending > 0 {
			since, down := srv.Ops.Health.DownSince(siteID)
			return false, fmt.Sprintf("%d on site, %d not yet running elsewhere (site down since %s: %v, failover due: %v, clock %s, reconciler leader: %v, failovers: %+v)",
				on, pending, since.Format(time.RFC3339), down, srv.Ops.Health.FailoverDue(siteID),
				srv.Ops.Health.Now().Format(time.RFC3339), srv.Reconciler.Leader(), srv.Ops.Failover.Records())
		}
		for wl := range affected {
			w, err := srv.Store.Read().Workloads().Get(ctx, wl)
			if err != nil {
				t.Fatal(err)
			}
			if w.State != model.StateRunning {
				return false, fmt.Sprintf("workload %s is %s: %s", wl, w.State, w.Reason)
			}
		}
		return true, ""
	})
}

// checkPolicy: every running replica of every workload is inside the
// workload's residency and on a provider and site certified for it.
func checkPolicy(t *testing.T, srv *server.Server, ids []string) {
	t.Helper()
	ctx := context.Background()
	live, err := srv.Store.Read().LivePlacements(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byWL := map[string][]store.PlacementRow{}
	for _, p := range live {
		if p.State == model.PlacementRunning {
			byWL[p.WorkloadID] = append(byWL[p.WorkloadID], p)
		}
	}
	rank := map[string]int{model.ClassPublic: 0, model.ClassInternal: 1, model.ClassConfidential: 2, model.ClassRestricted: 3}
	for _, id := range ids {
		w, err := srv.Store.Read().Workloads().Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		ps := byWL[id]
		if w.State == model.StateRunning && len(ps) != w.Replicas {
			t.Fatalf("%s: %d running replicas, want %d", id, len(ps), w.Replicas)
		}
		for _, p := range ps {
			s, _ := srv.Fleet.Site(p.SiteID)
			prov, _ := srv.Fleet.Provider(p.ProviderID)
			if !slices.Contains(w.Residency.Countries, s.Country) {
				t.Fatalf("%s: replica on %s in %s, outside residency %v", id, s.Name, s.Country, w.Residency.Countries)
			}
			if len(w.Residency.Subdivisions) > 0 && !slices.Contains(w.Residency.Subdivisions, s.Subdivision) {
				t.Fatalf("%s: replica on %s in %s, outside %v", id, s.Name, s.Subdivision, w.Residency.Subdivisions)
			}
			if rank[prov.Certification] < rank[w.Classification] {
				t.Fatalf("%s: %s provider %s certified only %s", id, w.Classification, prov.Name, prov.Certification)
			}
			if w.Sovereignty.Mode == model.SovereigntyNational && !slices.Contains(w.Residency.Countries, prov.Jurisdiction) {
				t.Fatalf("%s: national sovereignty but provider %s is of %s", id, prov.Name, prov.Jurisdiction)
			}
		}
	}
}
