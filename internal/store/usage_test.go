package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestPutUsageInChunks: a pass's samples go in multi-row statements of
// several sizes (500, then powers of two); every sample is stored once,
// and putting the same pass again (a pass re-run after a crash) adds
// nothing.
func TestPutUsageInChunks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		at := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
		const n = 1234 // 500 + 500 + 128 + 64 + 32 + 8 + 2
		samples := make([]model.UsageSample, n)
		for i := range samples {
			samples[i] = model.UsageSample{PlacementID: fmt.Sprintf("pl_%04d", i), WorkloadID: fmt.Sprintf("wl_%02d", i%10),
				At: at, CPUPermille: int64(i % 1000), MemoryUsedMiB: int64(i), MemoryMiB: 2048, Simulated: true}
		}
		for range 2 {
			if err := st.Write(ctx, func(tx *store.Tx) error { return tx.PutUsage(ctx, samples) }); err != nil {
				t.Fatal(err)
			}
		}
		total := 0
		for w := range 10 {
			got, err := st.Read().UsageOf(ctx, fmt.Sprintf("wl_%02d", w), at)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range got {
				var i int
				if _, err := fmt.Sscanf(s.PlacementID, "pl_%d", &i); err != nil || s.MemoryUsedMiB != int64(i) || s.CPUPermille != int64(i%1000) || !s.At.Equal(at) {
					t.Fatalf("sample %+v is not the one put", s)
				}
			}
			total += len(got)
		}
		if total != n {
			t.Fatalf("%d samples stored of %d put twice", total, n)
		}
	})
}
