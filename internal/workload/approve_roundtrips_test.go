package workload_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestApproveRoundTripsPerReplica pins the round trips of an approval on
// PostgreSQL, and that they do not grow with the workload's replicas: the
// approval writes all its placements in one version-checked statement
// (store.Repo.UpdateAll), not one per placement (issue #19). Lower the
// number when a change removes round trips; raising it needs a reason.
func TestApproveRoundTripsPerReplica(t *testing.T) {
	t.Parallel()
	const wantTrips = 8
	rec := &recorder{}
	h := servertest.Start(t, servertest.Options{Postgres: true, Observe: rec.middleware})
	c := h.Admin
	ctx := context.Background()
	_, off := fixture(t, c)
	project := approvalProject(t, c)
	pending := func(replicas int) string {
		t.Helper()
		var v view
		if _, err := c.Do(ctx, "POST", "/v1/workloads", internalBR(project, off, replicas), &v); err != nil {
			t.Fatal(err)
		}
		if v.State != "pending_approval" || len(v.Placements) != replicas {
			t.Fatalf("create answered state %s (%s) with %d placements, want pending_approval with %d", v.State, v.Reason, len(v.Placements), replicas)
		}
		return v.ID
	}
	fin := financeOfficer(t, h, project)
	approve := func(id string, replicas int) {
		t.Helper()
		var v view
		if _, err := fin.Do(ctx, "POST", "/v1/workloads/"+id+":approve", nil, &v); err != nil {
			t.Fatal(err)
		}
		// The reconciler, kicked by the approval, may already have moved
		// it on when the answer is read.
		if !slices.Contains([]string{"approved", "provisioning", "running"}, v.State) || len(v.Placements) != replicas {
			t.Fatalf("approve answered %+v", v)
		}
	}
	// The first approval warms what the server caches (the officer's
	// token, the placements' column types that UpdateAll casts to).
	approve(pending(3), 3)
	trips := map[int]int{}
	for _, replicas := range []int{1, 3} {
		ids := []string{pending(replicas), pending(replicas), pending(replicas)}
		got := rec.fewest(func(i int) { approve(ids[i], replicas) })
		trips[replicas] = roundTrips(got)
		if trips[replicas] != wantTrips {
			t.Errorf("approving %d replicas costs %d round trips, pinned at %d:\n  %s", replicas, trips[replicas], wantTrips, strings.Join(oneLine(got), "\n  "))
		}
	}
	if trips[1] != trips[3] {
		t.Errorf("approving 3 replicas costs %d round trips, 1 replica %d: the placements are written one by one", trips[3], trips[1])
	}
}

// approvalProject makes an institution that approves nothing by itself
// (every workload waits for a finance officer), with a budget line large
// enough for every approval of a test, and a project on it.
func approvalProject(t testing.TB, c *client.Client) string {
	t.Helper()
	ctx := context.Background()
	var in, line, prj map[string]any
	if _, err := c.Do(ctx, "POST", "/v1/institutions", map[string]any{"name": "Prefeitura", "country": "BR", "currency": "BRL",
		"auto_approve_minor": 0, "data_policy": map[string]any{"countries": []string{"BR"}}}, &in); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, "POST", "/v1/budget-lines", map[string]any{"institution_id": in["id"], "fiscal_year": time.Now().Year(),
		"code": "33-90", "name": "nuvem", "amount_minor": 100_000_000_000}, &line); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, "POST", "/v1/projects", map[string]any{"institution_id": in["id"], "budget_line_id": line["id"], "name": "portal"}, &prj); err != nil {
		t.Fatal(err)
	}
	return prj["id"].(string)
}
