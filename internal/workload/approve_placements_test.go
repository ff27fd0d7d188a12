package workload_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

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

// sitesDown takes the simulated sites down: they stop answering, and the
// monitor probes over 20 s of clk; it fails the test unless the fleet
// then has them down.
func sitesDown(t *testing.T, srv *server.Server, clk *opstest.Clock, sites ...string) {
	t.Helper()
	ctx := context.Background()
	for _, id := range sites {
		s, ok := srv.Fleet.Site(id)
		if !ok {
			t.Fatalf("no site %s", id)
		}
		if err := srv.Sim.SetOutage(ctx, s.ProviderID, id, true); err != nil {
			t.Fatal(err)
		}
	}
	for range 4 {
		clk.Advance(5 * time.Second)
		srv.Ops.Health.Probe(ctx)
	}
	for _, id := range sites {
		if !srv.Fleet.Down(id) {
			t.Fatalf("site %s is not down after 20 s of outage", id)
		}
	}
}

// TestApproveAfterSiteDown: an approval whose pending placements sit on a
// site that went down places the workload again, and one for which
// nothing fits any more fails it; both write every pending placement
// (in one statement, store.Repo.UpdateAll), each version-checked, and a
// second approval is refused with 409 as for any approved or failed
// workload.
func TestApproveAfterSiteDown(t *testing.T) {
	t.Parallel()
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h, clk := opstest.StartWith(t, opstest.FailoverMonitoring, servertest.Options{Postgres: pg})
		ctx := context.Background()
		srv := h.Server
		_, off := fixture(t, h.Admin)
		project := approvalProject(t, h.Admin)
		fin := financeOfficer(t, h, project)
		// The monitor sees every site up before sitesDown takes any down.
		srv.Ops.Health.Probe(ctx)
		pending := func() view {
			t.Helper()
			var v view
			if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", internalBR(project, off, 3), &v); err != nil {
				t.Fatal(err)
			}
			if v.State != "pending_approval" || len(v.Placements) != 3 {
				t.Fatalf("create answered %+v", v)
			}
			return v
		}
		approve := func(id string) view {
			t.Helper()
			var v view
			if _, err := fin.Do(ctx, "POST", "/v1/workloads/"+id+":approve", nil, &v); err != nil {
				t.Fatal(err)
			}
			var p *client.Problem
			if _, err := fin.Do(ctx, "POST", "/v1/workloads/"+id+":approve", nil, nil); !errors.As(err, &p) || p.Status != 409 {
				t.Fatalf("a second approval: %v, want 409", err)
			}
			return v
		}
		// placement reads a placement as stored.
		placement := func(id string) store.PlacementRow {
			t.Helper()
			p, err := srv.Store.Read().PlacementByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}

		// One site of the request's placements goes down: every
		// pending placement is replaced, none on the down site.
		v := pending()
		gone := v.Placements[0].SiteID
		sitesDown(t, srv, clk, gone)
		got := approve(v.ID)
		if got.State == "failed" || got.State == "pending_approval" {
			t.Fatalf("approval after a site went down answered %+v", got)
		}
		old := map[string]bool{}
		for _, p := range v.Placements {
			old[p.ID] = true
			if s := placement(p.ID); s.State != model.PlacementDeleted || s.Version != 2 || s.NextAttemptAt != nil ||
				workload.Decode(s.Reason).Key != "replica.reason.replaced_on_approval" {
				t.Fatalf("replaced placement %s stored as %+v", p.ID, s)
			}
		}
		if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+v.ID, nil, &got); err != nil {
			t.Fatal(err)
		}
		placed := 0
		for _, p := range got.Placements {
			if old[p.ID] {
				continue
			}
			placed++
			if p.SiteID == gone {
				t.Fatalf("placed again on the down site %s: %+v", gone, got.Placements)
			}
		}
		if placed != 3 {
			t.Fatalf("placed again %d replicas, want 3: %+v", placed, got.Placements)
		}

		// Every site goes down: nothing fits, the approval fails the
		// workload and its pending placements.
		v = pending()
		var all []string
		for id := range srv.Fleet.Usage() {
			if !srv.Fleet.Down(id) {
				all = append(all, id)
			}
		}
		sitesDown(t, srv, clk, all...)
		if got = approve(v.ID); got.State != "failed" || got.Reason == "" {
			t.Fatalf("approval with every site down answered %+v", got)
		}
		for _, p := range v.Placements {
			if s := placement(p.ID); s.State != model.PlacementFailed || s.Version != 2 || s.NextAttemptAt != nil ||
				workload.Decode(s.Reason).Key != "workload.reason.approval_no_fit" {
				t.Fatalf("placement %s of a failed approval stored as %+v", p.ID, s)
			}
		}
	})
}
