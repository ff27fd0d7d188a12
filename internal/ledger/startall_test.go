package ledger_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestStartAllAsStartOneByOne: StartAll opens the intervals Start would,
// one per replica, in two statements for the whole batch; a repeat opens
// nothing twice, a replica stopped in the second it started gets its
// interval back, and a workload the ledger does not know is refused.
func TestStartAllAsStartOneByOne(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, setup{amountMinor: 100_000_00})
		a, b := f.committed(100_00), f.committed(200_00)
		a1, a2, b1 := f.placement(a, 0), f.placement(a, 1), f.placement(b, 0)
		t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		startAll := func(ps ...*model.Placement) (int, error) {
			return f.statements(func(ctx context.Context, tx *store.Tx) error { return f.l.StartAll(ctx, tx, ps, t0) })
		}
		// open counts w's open intervals by placement.
		open := func(w *model.Workload) map[string]int {
			t.Helper()
			n := map[string]int{}
			for id, ivs := range f.intervals(w) {
				for _, iv := range ivs {
					if iv.End == nil {
						n[id]++
					}
				}
			}
			return n
		}
		n, err := startAll(a1, a2, b1)
		if err != nil {
			t.Fatal(err)
		}
		// BEGIN, the ledger attributes, the intervals, COMMIT.
		if n > 4 {
			t.Errorf("StartAll of 3 replicas ran %d statements, want at most 4", n)
		}
		if got := open(a); got[a1.ID] != 1 || got[a2.ID] != 1 || len(got) != 2 {
			t.Fatalf("open intervals of a: %v", got)
		}
		if got := open(b); got[b1.ID] != 1 || len(got) != 1 {
			t.Fatalf("open intervals of b: %v", got)
		}
		if _, err := startAll(a1, b1); err != nil {
			t.Fatal(err)
		}
		if got := open(a); got[a1.ID] != 1 {
			t.Fatalf("a repeated StartAll opened a second interval: %v", got)
		}
		// Stopped in the second it started: the empty interval gives way.
		f.stop(a1, t0)
		if got := open(a); got[a1.ID] != 0 {
			t.Fatalf("a1 still open after its stop: %v", got)
		}
		if _, err := startAll(a1); err != nil {
			t.Fatal(err)
		}
		if got := open(a); got[a1.ID] != 1 {
			t.Fatalf("a1 not reopened: %v", got)
		}
		stranger := &model.Placement{Meta: model.Meta{ID: model.NewID("pl")}, WorkloadID: model.NewID("wl"), SiteID: "site_1",
			ProviderID: f.provider.ID, State: model.PlacementRunning}
		if _, err := startAll(a2, stranger); !errors.Is(err, ledger.ErrUnknownWorkload) {
			t.Fatalf("StartAll with an unknown workload: %v, want ErrUnknownWorkload", err)
		}
	})
}
