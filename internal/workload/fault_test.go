package workload_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestFaults: every sim provider fails 20% of its API calls and, while
// 100 workloads are being provisioned, the busiest site goes down. Every
// workload converges; replicas on the dead site are placed again within
// policy (two failure domains, Brazil) or their workload fails with a
// reason; once the site is back, nothing leaks.
func TestFaults(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("fault test skipped in -short mode")
	}
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		ctx := context.Background()
		c := h.Admin
		prj, off := fixture(t, c)
		provs := simFaults(t, c, map[string]any{"error_rate": "0.2", "provisioning_delay_ms": 20})
		ids := make([]string, 100)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Go(func() {
				b := body(prj, off, 2)
				b["classification"] = "internal"
				b["redundancy"] = map[string]any{"min_failure_domains": 2}
				var v view
				if _, err := c.Do(ctx, "POST", "/v1/workloads", b, &v, "Idempotency-Key", fmt.Sprint("f", i)); err != nil {
					t.Error(err)
				}
				ids[i] = v.ID
			})
		}
		wg.Wait()
		// The site holding most replicas goes down mid-provisioning.
		live, err := h.Server.Store.Read().LivePlacements(ctx)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		dead := ""
		for _, p := range live {
			count[p.SiteID]++
			if count[p.SiteID] > count[dead] {
				dead = p.SiteID
			}
		}
		if _, err := c.Do(ctx, "PUT", "/v1/sim/sites/"+dead+"/outage", map[string]bool{"outage": true}, nil); err != nil {
			t.Fatal(err)
		}
		t.Logf("site %s (%d replicas) is down", dead, count[dead])

		// Converge with the site down: running within policy, or failed with a reason.
		deadline := time.Now().Add(60 * time.Second)
		for {
			settled, moved := 0, 0
			for _, id := range ids {
				w, err := h.Server.Store.Read().Workloads().Get(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if w.State != model.StateRunning && w.State != model.StateFailed {
					continue
				}
				if w.State == model.StateFailed && w.Reason == "" {
					t.Fatalf("%s failed without a reason", id)
				}
				ps, err := h.Server.Store.Read().PlacementsOf(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				domains, sites, active := map[string]bool{}, map[string]bool{}, 0
				for _, p := range ps {
					if p.State == model.PlacementRunning {
						active++
						s, _ := h.Server.Fleet.Site(p.SiteID)
						if s.Country != "BR" {
							t.Fatalf("%s: running replica on %s (%s)", id, p.SiteID, s.Country)
						}
						if p.SiteID == dead {
							active = -10 // not failed over yet
						}
						domains[s.FailureDomain], sites[p.SiteID] = true, true
					}
					if p.SiteID == dead && p.State == model.PlacementDeleting {
						moved++
					}
				}
				if w.State == model.StateRunning && (active != 2 || len(domains) < 2 || len(sites) != 2) {
					continue // a replica is being replaced
				}
				settled++
			}
			if settled == len(ids) {
				t.Logf("all %d workloads settled; %d replicas moved off %s", settled, moved, dead)
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("only %d of %d workloads settled", settled, len(ids))
			}
			time.Sleep(100 * time.Millisecond)
		}
		// Back up: the old replicas on the dead site are deleted; no leaks.
		if _, err := c.Do(ctx, "PUT", "/v1/sim/sites/"+dead+"/outage", map[string]bool{"outage": false}, nil); err != nil {
			t.Fatal(err)
		}
		for _, p := range provs {
			if _, err := c.Do(ctx, "PUT", "/v1/sim/providers/"+p["id"].(string)+"/faults",
				map[string]any{"error_rate": "0"}, nil); err != nil {
				t.Fatal(err)
			}
		}
		converge(t, h.Server.Store, c, 60*time.Second)
	})
}

// simFaults sets the faults on every (simulated) provider and returns
// the providers.
func simFaults(t *testing.T, c *client.Client, faults map[string]any) []map[string]any {
	t.Helper()
	ctx := context.Background()
	var provs struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := c.Do(ctx, "GET", "/v1/providers", nil, &provs); err != nil {
		t.Fatal(err)
	}
	for _, p := range provs.Items {
		if _, err := c.Do(ctx, "PUT", "/v1/sim/providers/"+p["id"].(string)+"/faults", faults, nil); err != nil {
			t.Fatal(err)
		}
	}
	return provs.Items
}
