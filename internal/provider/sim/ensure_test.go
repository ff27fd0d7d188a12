package sim_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestEnsureCreatesOnceAndObserves: the reconciler's create of a new
// replica (Ensure) makes one resource per replica id — a second call, as
// after a crash between the create and its recording, adopts the same
// resource — and reports what Observe reads (both dialects: on
// PostgreSQL the insert runs outside a transaction).
func TestEnsureCreatesOnceAndObserves(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		d := sim.New(s)
		spec := provider.Spec{ResourceRef: provider.ResourceRef{ProviderID: "prv_x", SiteID: "site_x", WorkloadID: "wl_x", ReplicaID: "pl_x"},
			VCPUs: 1, MemoryMiB: 1024, DiskGiB: 10}
		first, created, err := d.Ensure(ctx, spec)
		if err != nil || !created || !first.Exists || first.State != provider.StateActive {
			t.Fatalf("first ensure: %+v created %v err %v", first, created, err)
		}
		again, created, err := d.Ensure(ctx, spec)
		if err != nil || created || again.ResourceID != first.ResourceID {
			t.Fatalf("second ensure: %+v created %v err %v (first %s)", again, created, err, first.ResourceID)
		}
		seen, err := d.Observe(ctx, spec.ResourceRef)
		if err != nil || !reflect.DeepEqual(seen, first) {
			t.Fatalf("observe: %+v (%v), ensure reported %+v", seen, err, first)
		}
		list, err := s.Read().SimList(ctx, "prv_x")
		if err != nil || len(list) != 1 {
			t.Fatalf("resources: %+v (%v), want one", list, err)
		}
	})
}
