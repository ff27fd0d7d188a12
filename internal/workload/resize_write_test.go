package workload_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// TestResizeWriteFailsAsUpdate: a resize reads its replicas again in one
// statement and writes them in one (store.Repo.UpdateAll; its round
// trips: TestResizeRoundTripsPerReplica), and must fail as the read and
// the Update of each did: a replica changed since the resize read it is
// store.ErrConflict, before the write (the transaction's read: a
// *ReplicaChangedError, as is one gone) or at it (midway through the
// batch), and the
// transaction writes nothing: no replica resized, no meter stopped or
// started.
func TestResizeWriteFailsAsUpdate(t *testing.T) {
	t.Parallel()
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		ctx := context.Background()
		prj, off := fixture(t, h.Admin)
		id := running(t, h.Admin, prj, off, 3).ID
		st, svc := h.Server.Store, h.Server.Workloads
		bigger := model.Offering{Name: "SCS-2V-4-20s"}
		d := placement.Decision{Resources: placement.Resources{VCPU: 2, MemoryMiB: 4096, DiskGiB: 20},
			Choices: []placement.Choice{{MonthlyMinor: 98_765}}}
		read := func() (model.Workload, []store.PlacementRow, []store.UsageInterval) {
			t.Helper()
			w, ps, err := st.Read().WorkloadWithPlacements(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			ivs, err := st.Read().WorkloadIntervals(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != 3 {
				t.Fatalf("%d placements, want 3", len(ps))
			}
			return w, ps, ivs
		}
		resize := func(w model.Workload, live []store.PlacementRow, between func(tx *store.Tx, rows []store.PlacementRow) error) error {
			return st.Write(ctx, func(tx *store.Tx) error {
				return svc.ResizeReplicas(ctx, tx, w, live, bigger, d, func(rows []store.PlacementRow) error {
					if between == nil {
						return nil
					}
					return between(tx, rows)
				})
			})
		}
		// metered is what a meter's stop and start change of intervals
		// (the rating that runs meanwhile moves their rated_to).
		metered := func(ivs []store.UsageInterval) map[string]string {
			m := map[string]string{}
			for _, iv := range ivs {
				m[iv.ID] = "open"
				if iv.End != nil {
					m[iv.ID] = iv.End.String()
				}
			}
			return m
		}
		unchanged := func(ps []store.PlacementRow, ivs []store.UsageInterval) {
			t.Helper()
			_, nps, nivs := read()
			if !reflect.DeepEqual(nps, ps) || !reflect.DeepEqual(metered(nivs), metered(ivs)) {
				t.Fatalf("a failed resize wrote:\n%+v\n%+v\nwas\n%+v\n%+v", nps, nivs, ps, ivs)
			}
		}

		// The last replica moved on since the resize read it.
		w, stale, _ := read()
		moved := stale[2]
		if err := st.Write(ctx, func(tx *store.Tx) error { return tx.Placements().Update(ctx, &moved) }); err != nil {
			t.Fatal(err)
		}
		_, ps, ivs := read()
		if len(ivs) != 3 {
			t.Fatalf("%d usage intervals, want one per replica: %+v", len(ivs), ivs)
		}
		var rce *workload.ReplicaChangedError
		if err := resize(w, stale, nil); !errors.As(err, &rce) || rce.Replica != stale[2].Replica || !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a stale replica: %v, want a ReplicaChangedError (ErrConflict) naming replica %d", err, stale[2].Replica)
		}
		unchanged(ps, ivs)
		// The workload itself moved on since the resize read it.
		older := w
		older.Version--
		var wce *workload.WorkloadChangedError
		if err := resize(older, ps, nil); !errors.As(err, &wce) || wce.Action != "resize" || !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a stale workload: %v, want a WorkloadChangedError (ErrConflict)", err)
		}
		unchanged(ps, ivs)
		// One names a replica that is not there.
		gone := append([]store.PlacementRow(nil), ps...)
		gone[2].ID = "pl_gone"
		if err := resize(w, gone, nil); !errors.As(err, &rce) || rce.Replica != gone[2].Replica || rce.Action != "resize" {
			t.Fatalf("a missing replica: %v, want a ReplicaChangedError naming replica %d", err, gone[2].Replica)
		}
		unchanged(ps, ivs)
		// Another write wins the second replica after the resize read
		// it and stopped the meters: the batch fails midway.
		err := resize(w, ps, func(tx *store.Tx, rows []store.PlacementRow) error {
			other := rows[1]
			return tx.Placements().Update(ctx, &other)
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a replica changed between the read and the write: %v, want ErrConflict", err)
		}
		unchanged(ps, ivs)

		// Current versions: every replica resized, its meter stopped and
		// started again; ps itself untouched.
		before := append([]store.PlacementRow(nil), ps...)
		if err := resize(w, ps, nil); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, ps) {
			t.Fatal("the resize changed the replicas it was given")
		}
		_, got, nivs := read()
		for i, p := range got {
			if p.VCPUs != 2 || p.MemoryMiB != 4096 || p.MonthlyMinor != 98_765 || p.Version != ps[i].Version+1 {
				t.Fatalf("replica %d stored as %+v, want 2 vCPUs at 98765 in version %d", i, p, ps[i].Version+1)
			}
		}
		open := map[string]string{}
		for _, iv := range ivs {
			open[iv.PlacementID] = iv.ID
		}
		for _, iv := range nivs {
			if iv.End == nil && open[iv.PlacementID] == iv.ID {
				t.Fatalf("replica %s's meter was not stopped: %+v", iv.PlacementID, nivs)
			}
		}
		if _, err := workload.SameReplicas(ps, got); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("SameReplicas of replicas written since: %v, want ErrConflict", err)
		}
	})
}
