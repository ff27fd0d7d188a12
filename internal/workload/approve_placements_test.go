package workload_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// The approval writes its pending placements in one statement
// (store.Repo.UpdateAll) instead of one per placement (issue #19; its
// round trips: TestApproveRoundTripsPerReplica): these tests cover the
// paths that write them and pin that the one statement fails as the
// Update of each did.

// TestUpdatePendingFailsAsUpdate: the approval writes its pending
// placements in one statement (store.Repo.UpdateAll, which only reports
// which rows it wrote) and must fail as the Update of each did: a
// placement changed since it was read is store.ErrConflict (an approval
// then answers 409 or 412, approveConflict), one gone is
// store.ErrNotFound, and the transaction writes nothing.
func TestUpdatePendingFailsAsUpdate(t *testing.T) {
	t.Parallel()
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		ctx := context.Background()
		prj, _ := fixture(t, h.Admin)
		v := pendingApproval(t, h, prj)
		st := h.Server.Store
		ps, err := st.Read().PlacementsOf(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 3 {
			t.Fatalf("%d placements, want 3", len(ps))
		}
		mark := func(p *store.PlacementRow) error {
			p.Reason = "marked"
			return nil
		}
		try := func(rows []store.PlacementRow) error {
			return st.Write(ctx, func(tx *store.Tx) error { return workload.UpdatePending(ctx, tx, rows, mark) })
		}
		unchanged := func() {
			t.Helper()
			for _, p := range ps {
				got, err := st.Read().PlacementByID(ctx, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Reason == "marked" {
					t.Fatalf("placement %s written by a failed transaction", p.ID)
				}
			}
		}
		// The last placement moved on since ps was read.
		moved := ps[2]
		if err := st.Write(ctx, func(tx *store.Tx) error { return tx.Placements().Update(ctx, &moved) }); err != nil {
			t.Fatal(err)
		}
		if err := try(ps); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a stale placement: %v, want ErrConflict", err)
		}
		unchanged()
		// One names a placement that is not there.
		gone := append([]store.PlacementRow(nil), ps[:2]...)
		gone = append(gone, moved)
		gone[2].ID = "pl_gone"
		if err := try(gone); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a missing placement: %v, want ErrNotFound", err)
		}
		unchanged()
		// Current versions: all written, ps itself untouched.
		cur := append([]store.PlacementRow(nil), ps[:2]...)
		cur = append(cur, moved)
		if err := try(cur); err != nil {
			t.Fatal(err)
		}
		for i, p := range cur {
			got, err := st.Read().PlacementByID(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Reason != "marked" || got.Version != p.Version+1 {
				t.Fatalf("placement %d stored as version %d reason %q, want version %d marked", i, got.Version, got.Reason, p.Version+1)
			}
		}
	})
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
		// down takes the sites down: they stop answering, and the
		// monitor probes over 20 s of the test's clock.
		srv.Ops.Health.Probe(ctx)
		down := func(sites ...string) {
			t.Helper()
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
		down(gone)
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
		down(all...)
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
