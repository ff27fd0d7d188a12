package workload_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// TestApproveRoundTripsPerReplica pins the round trips of an approval on
// PostgreSQL, and that they do not grow with the workload's replicas: the
// approval writes all its placements in one version-checked statement
// (store.Repo.UpdateAll), not one per placement (issue #19). Lower the
// number when a change removes round trips; raising it needs a reason.
func TestApproveRoundTripsPerReplica(t *testing.T) {
	t.Parallel()
	const wantTrips = 8
	h, rec := recording(t, true)
	c := h.Admin
	ctx := context.Background()
	_, off := fixture(t, c)
	project := approvalProject(t, c)
	pending := func(replicas int) string {
		t.Helper()
		return pendingInternalBR(t, c, project, off, replicas).ID
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

// TestUpdatePendingFailsAsUpdate: the approval writes its pending
// placements in one statement (store.Repo.UpdateAll, which only reports
// which rows it wrote; its round trips: TestApproveRoundTripsPerReplica)
// and must fail as the Update of each did: a
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
