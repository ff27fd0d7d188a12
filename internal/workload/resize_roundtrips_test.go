package workload_test

import (
	"context"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

// TestResizeRoundTripsPerReplica pins the round trips of a resize's
// transaction on PostgreSQL, and that they do not grow with the
// workload's replicas: the transaction reads the workload and its
// replicas again in one statement, stops and starts all the replicas'
// meters at once (workload.BatchMeter) and writes the replicas in one
// version-checked statement (store.Repo.UpdateAll), where it made a read,
// a meter stop, a meter start and an update per replica (issue #19).
// Only the transaction is pinned: the placement before it and each
// provider's resize after it are per replica by nature. Lower the number
// when a change removes round trips; raising it needs a reason.
//
// The wall clock, not the code, decides whether two parts of the ledger's
// work come, and they are counted apart: the rating of the usage at the
// old size (withoutRating), when the replicas have run into a second not
// yet rated, and the drop of the empty intervals in the way of the new
// ones (withoutEmptyIntervals), when they are resized in the second their
// meters started (the test resizes at once). Both are batches: their
// statements do not grow with the replicas either.
func TestResizeRoundTripsPerReplica(t *testing.T) {
	t.Parallel()
	const wantTrips = 24
	h, rec := recording(t, true)
	c := h.Admin
	ctx := context.Background()
	prj, off := fixture(t, c)
	// Each run resizes the workload to the other offering, so that every
	// run is a resize alike.
	sizes := []string{"SCS-2V-4-20s", servertest.DemoOffering}
	resize := func(id string, i, replicas int) {
		t.Helper()
		var v powerView
		if _, err := c.Do(ctx, "POST", "/v1/workloads/"+id+":resize", map[string]any{"offering": sizes[i%2]}, &v); err != nil {
			t.Fatal(err)
		}
		if v.State != "running" || len(v.Placements) != replicas || v.Placements[0].VCPUs != []int64{2, 1}[i%2] {
			t.Fatalf("resize answered %+v", v)
		}
	}
	// The first resize warms what the server caches (the placements'
	// column types that UpdateAll casts to).
	resize(running(t, c, prj, off, 3).ID, 0, 3)
	trips := map[int]int{}
	for _, replicas := range []int{1, 3} {
		id := running(t, c, prj, off, replicas).ID
		// The fewest of three runs counts: under load a cached
		// credential may expire in between and add its lookup to one.
		var best, all []string
		for i := range 3 {
			got := rec.record(func() { resize(id, i, replicas) })
			if tx := resizeTx(t, got); i == 0 || len(tx) < len(best) {
				best, all = tx, withoutPriceBook(ownWork(got))
			}
		}
		trips[replicas] = roundTrips(best)
		t.Logf("resizing %d replicas: %d round trips in its transaction, %d in the whole request", replicas, trips[replicas], roundTrips(all))
		if trips[replicas] != wantTrips {
			t.Errorf("resizing %d replicas costs %d round trips in its transaction, pinned at %d:\n  %s", replicas, trips[replicas], wantTrips, strings.Join(oneLine(best), "\n  "))
		}
	}
	if trips[1] != trips[3] {
		t.Errorf("resizing 3 replicas costs %d round trips in its transaction, 1 replica %d: the replicas are read, metered or written one by one", trips[3], trips[1])
	}
}

// resizeTx is the statements of the resize's transaction among a
// resize's qs, without its frame (BEGIN, COMMIT): the transaction that
// moves the ledger's offering.
func resizeTx(t *testing.T, qs []string) []string {
	t.Helper()
	begin := -1
	for i, q := range qs {
		switch w, _, _ := strings.Cut(strings.TrimSpace(q), " "); {
		case strings.EqualFold(w, "BEGIN"):
			begin = i
		case strings.EqualFold(w, "COMMIT") && begin >= 0:
			tx := qs[begin : i+1]
			for _, q := range tx {
				if strings.Contains(q, "UPDATE ledger_workloads SET offering_id") {
					return withoutEmptyIntervals(withoutRating(withoutPriceBook(ownWork(tx))))
				}
			}
			begin = -1
		}
	}
	t.Fatalf("no transaction of a resize among:\n  %s", strings.Join(oneLine(qs), "\n  "))
	return nil
}

// withoutEmptyIntervals leaves out the ledger's drop of empty usage
// intervals (a replica whose meter stopped in the second it started) and
// the intervals it then opens again, each as often as it comes: only if
// both come, in that order.
func withoutEmptyIntervals(qs []string) []string {
	var out []string
	for i := 0; i < len(qs); i++ {
		if strings.HasPrefix(qs[i], "DELETE FROM usage_intervals WHERE") && i+1 < len(qs) && strings.HasPrefix(qs[i+1], "INSERT INTO usage_intervals") {
			i++
			continue
		}
		out = append(out, qs[i])
	}
	return out
}

// withoutRating leaves out the rating of a workload's usage in qs: the
// statements after the read of its intervals through the update of how
// far they are rated, only if both come, in that order.
func withoutRating(qs []string) []string {
	for j, q := range qs {
		if !strings.HasPrefix(q, "UPDATE usage_intervals SET rated_to") {
			continue
		}
		for i := j - 1; i >= 0; i-- {
			if strings.Contains(qs[i], "FROM usage_intervals i JOIN") {
				return append(append([]string(nil), qs[:i+1]...), qs[j+1:]...)
			}
		}
	}
	return qs
}
