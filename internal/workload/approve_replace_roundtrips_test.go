package workload_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestApproveReplaceRoundTripsPerReplica pins the round trips of an
// approval that places the workload again (a site of its pending
// placements went down) on PostgreSQL, and that they do not grow with
// its replicas: the pending placements are replaced in one version-checked
// statement (store.Repo.UpdateAll) and the new ones inserted in one
// (store.Repo.CreateMany), where each new placement cost a round trip
// (issue #19). Lower the number when a change removes round trips;
// raising it needs a reason.
func TestApproveReplaceRoundTripsPerReplica(t *testing.T) {
	t.Parallel()
	const wantTrips = 12
	rec := &recorder{}
	h, clk := opstest.StartWith(t, opstest.FailoverMonitoring, servertest.Options{Postgres: true, Observe: rec.middleware})
	srv, c := h.Server, h.Admin
	ctx := context.Background()
	_, off := fixture(t, c)
	project := approvalProject(t, c)
	fin := financeOfficer(t, h, project)
	// Every workload waits for approval with a placement on one site,
	// which then goes down: each approval places its workload again.
	pending := func(replicas int) view {
		t.Helper()
		return pendingInternalBR(t, c, project, off, replicas)
	}
	warm := pending(3)
	ids := map[int][]string{}
	on := map[string]int{} // site → workloads placed on it
	for _, site := range sitesOf(warm) {
		on[site]++
	}
	for _, replicas := range []int{1, 3} {
		for range 3 {
			v := pending(replicas)
			ids[replicas] = append(ids[replicas], v.ID)
			for _, site := range sitesOf(v) {
				on[site]++
			}
		}
	}
	gone := ""
	for site, n := range on {
		if n == 7 {
			gone = site
		}
	}
	if gone == "" {
		t.Fatalf("no site holds a placement of every workload: %v", on)
	}
	srv.Ops.Health.Probe(ctx)
	sitesDown(t, srv, clk, gone)
	approve := func(id string, replicas int) {
		t.Helper()
		var v view
		if _, err := fin.Do(ctx, "POST", "/v1/workloads/"+id+":approve", nil, &v); err != nil {
			t.Fatal(err)
		}
		placed := 0
		for _, p := range v.Placements {
			if p.State != "deleted" {
				placed++
				if p.SiteID == gone {
					t.Fatalf("placed again on the down site: %+v", v.Placements)
				}
			}
		}
		if v.State == "failed" || v.State == "pending_approval" || placed != replicas {
			t.Fatalf("approve answered %+v", v)
		}
	}
	// The first approval warms what the server caches (the officer's
	// token, the placements' column types that UpdateAll casts to).
	approve(warm.ID, 3)
	trips := map[int]int{}
	for _, replicas := range []int{1, 3} {
		got := rec.fewest(func(i int) { approve(ids[replicas][i], replicas) })
		trips[replicas] = roundTrips(got)
		t.Logf("approving %d replicas placed again: %d round trips", replicas, trips[replicas])
		if trips[replicas] != wantTrips {
			t.Errorf("approving %d replicas placed again costs %d round trips, pinned at %d:\n  %s", replicas, trips[replicas], wantTrips, strings.Join(oneLine(got), "\n  "))
		}
	}
	if trips[1] != trips[3] {
		t.Errorf("approving 3 replicas placed again costs %d round trips, 1 replica %d: the placements are written one by one", trips[3], trips[1])
	}
}

// sitesOf is the sites of v's placements, each once.
func sitesOf(v view) []string {
	var sites []string
	for _, p := range v.Placements {
		if !slices.Contains(sites, p.SiteID) {
			sites = append(sites, p.SiteID)
		}
	}
	return sites
}
