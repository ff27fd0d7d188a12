package utilization

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/store"
)

// TestPacedPassSamplesEveryReplica: a pass paced by the governor rests
// between its pages of placements (500 a page), after the provider's
// answer and between its transactions (5,000 samples each), and still
// samples every running replica.
func TestPacedPassSamplesEveryReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, wl, provs, _, _ := fixture(t)
	// 1,200 more replicas of the fixture's workload: 1,202 in all, three
	// pages.
	const more = 1200
	err := st.InTx(ctx, func(tx *store.Tx) error {
		for i := range more {
			p := store.PlacementRow{Placement: model.Placement{WorkloadID: wl.ID, Replica: 2 + i, SiteID: "", ProviderID: provs[0].ID,
				State: model.PlacementRunning, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 20}}
			if err := tx.Placements().Create(ctx, &p, "plc"); err != nil {
				return err
			}
			if _, _, err := tx.SimCreate(ctx, model.SimResource{ResourceID: fmt.Sprintf("sim-more-%d", i), ProviderID: provs[0].ID,
				ReplicaID: p.ID, WorkloadID: wl.ID, State: provider.StateActive, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 20, CreatedAt: st.Now()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clock := pace.NewManualClock(time.Millisecond)
	s := New(st, oneDriver{sim.New(st)}, func() []model.Provider { return provs }, nil, nil)
	s.Pace = pace.New(pace.Options{Clock: clock})
	n, err := s.Pass(ctx)
	if err != nil || n != 2+more {
		t.Fatalf("paced pass: %d samples, %v; want %d", n, err, 2+more)
	}
	rep := lastHour(t, st, wl.ID)
	sampled := 0
	for _, r := range rep.Replicas {
		if len(r.Samples) == 1 {
			sampled++
		}
	}
	if sampled != 2+more {
		t.Fatalf("%d replicas sampled, want %d", sampled, 2+more)
	}
	// Two full pages, then the provider's answer: three rests (one
	// transaction, so none between transactions).
	if rests := clock.Rests(); len(rests) != 3 {
		t.Fatalf("rests %v, want 3", rests)
	}
	if _, running := s.Pace.Running(); running {
		t.Fatal("the pass did not release the governor")
	}
}
