package utilization

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestRollupKeepsSumsAndServes: samples older than the fine window (2 h)
// are rolled up into hourly buckets — count, sums and largest values
// exactly those of the samples — and deleted; newer ones stay as taken;
// a late sample of a rolled bucket is added to it, not counted twice; the
// workload's report still serves all 24 h, buckets as their means.
// addToRollup counts the sample into the expected rollup of its bucket.
func addToRollup(r *model.UsageRollup, u model.UsageSample) {
	r.Samples++
	r.CPUPermilleSum += u.CPUPermille
	r.CPUPermilleMax = max(r.CPUPermilleMax, u.CPUPermille)
	r.MemoryUsedMiBSum += u.MemoryUsedMiB
	r.MemoryUsedMiBMax = max(r.MemoryUsedMiBMax, u.MemoryUsedMiB)
	r.MemoryMiBMax = max(r.MemoryMiBMax, u.MemoryMiB)
}

func TestRollupKeepsSumsAndServes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		st, wl, provs, _, _ := fixtureOn(t, st)
		now := st.Now() // 12:00
		pls, err := st.Read().PlacementsOf(ctx, wl.ID)
		if err != nil {
			t.Fatal(err)
		}
		sample := func(pl string, at time.Time) model.UsageSample {
			m := int64(at.Sub(now.Add(-4*time.Hour)) / time.Minute)
			return model.UsageSample{PlacementID: pl, WorkloadID: wl.ID, At: at, CPUPermille: (m * 37) % 1000,
				MemoryUsedMiB: 1000 + (m*53)%3000, MemoryMiB: 4096 + 1024*(m%2), Simulated: true}
		}
		// Every minute from 08:30 to 11:59, and one sample two days old.
		var samples []model.UsageSample
		want := map[string]map[time.Time]*model.UsageRollup{}
		for _, p := range pls {
			want[p.ID] = map[time.Time]*model.UsageRollup{}
			for at := now.Add(-3*time.Hour - 30*time.Minute); at.Before(now); at = at.Add(time.Minute) {
				u := sample(p.ID, at)
				samples = append(samples, u)
				if !at.Before(now.Add(-2 * time.Hour)) {
					continue
				}
				b := at.Truncate(time.Hour)
				r := want[p.ID][b]
				if r == nil {
					r = &model.UsageRollup{}
					want[p.ID][b] = r
				}
				addToRollup(r, u)
			}
			samples = append(samples, sample(p.ID, now.Add(-48*time.Hour)))
		}
		put := func(us ...model.UsageSample) {
			t.Helper()
			if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.PutUsage(ctx, us) }); err != nil {
				t.Fatal(err)
			}
		}
		put(samples...)
		s := New(st, oneDriver{sim.New(st)}, func() []model.Provider { return provs }, nil, nil)
		check := func(step string) {
			t.Helper()
			rolled, err := st.Read().UsageRollupsOf(ctx, wl.ID, now.Add(-Retention))
			if err != nil {
				t.Fatal(err)
			}
			if len(rolled) != 2*len(pls) {
				t.Fatalf("%s: %d buckets, want %d", step, len(rolled), 2*len(pls))
			}
			for _, r := range rolled {
				w := want[r.PlacementID][r.At]
				if w == nil || r.Samples != w.Samples || r.CPUPermilleSum != w.CPUPermilleSum || r.CPUPermilleMax != w.CPUPermilleMax ||
					r.MemoryUsedMiBSum != w.MemoryUsedMiBSum || r.MemoryUsedMiBMax != w.MemoryUsedMiBMax ||
					r.MemoryMiBMax != w.MemoryMiBMax || r.Bucket != time.Hour || !r.Simulated {
					t.Fatalf("%s: bucket %+v, want %+v", step, r, w)
				}
			}
			raw, err := st.Read().UsageOf(ctx, wl.ID, now.Add(-72*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range raw {
				if u.At.Before(now.Add(-2 * time.Hour)) {
					t.Fatalf("%s: sample at %s older than the fine window kept", step, u.At)
				}
			}
			// 10:00–11:59 as taken, and the pass's own sample at 12:00.
			if len(raw) != (120+1)*len(pls) {
				t.Fatalf("%s: %d samples kept, want %d", step, len(raw), 121*len(pls))
			}
			rep, err := Of(ctx, st.Read(), wl.ID, now.Add(-Retention))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Replicas {
				if len(r.Samples) != 2+121 {
					t.Fatalf("%s: replica %d has %d points, want 2 buckets and 121 samples", step, r.Replica, len(r.Samples))
				}
				first, w := r.Samples[0], want[r.PlacementID][now.Add(-4*time.Hour)]
				if !first.At.Equal(now.Add(-4*time.Hour)) || first.CPUPermille != w.CPUPermilleSum/w.Samples ||
					first.MemoryUsedMiB != w.MemoryUsedMiBSum/w.Samples || first.MemoryMiB != w.MemoryMiBMax {
					t.Fatalf("%s: first point %+v, want the 08:00 bucket's means %+v", step, first, w)
				}
				if !r.Samples[2].At.Equal(now.Add(-2 * time.Hour)) {
					t.Fatalf("%s: third point at %s, want the first kept sample", step, r.Samples[2].At)
				}
			}
		}
		if _, err := s.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		check("first pass")
		if _, err := s.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		check("second pass")

		// A late sample of the 09:00 bucket joins it.
		late := sample(pls[0].ID, now.Add(-2*time.Hour-30*time.Minute+30*time.Second))
		late.CPUPermille, late.MemoryUsedMiB = 999, 4095
		put(late)
		addToRollup(want[pls[0].ID][now.Add(-3*time.Hour)], late)
		if _, err := s.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		check("late sample")
	})
}
