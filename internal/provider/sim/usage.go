package sim

import (
	"context"
	"hash/fnv"
	"runtime"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
)

var _ provider.UsageReporter = (*Driver)(nil)

// UsageStep is the sim's sampling grid: a replica's made-up usage changes
// once per UsageStep of the store's clock.
const UsageStep = 60 // seconds

// Usage makes up, for each replica it holds, a plausible and deterministic
// sample: a function of the replica id and the time (per minute), so the
// same replica at the same minute always reports the same figures. CPU
// wanders around a per-replica base (5–65 %) with a daily swell and a
// small jitter; memory around 30–80 % of the replica's memory. Everything
// is marked simulated. A site in outage reports nothing.
func (d *Driver) Usage(ctx context.Context, providerID string, refs []provider.ResourceRef) ([]provider.Usage, error) {
	if err := d.inject(ctx, providerID, "", "usage"); err != nil {
		return nil, err
	}
	now := d.st.Now()
	minute := now.Unix() / UsageStep
	// One read of what the provider holds, not one a replica: a pass
	// over 100,000 edge replicas was 100,000 queries.
	held, err := d.st.Read().SimList(ctx, providerID)
	if err != nil {
		return nil, err
	}
	byReplica := make(map[string]model.SimResource, len(held))
	for _, r := range held {
		byReplica[r.ReplicaID] = r
	}
	var out []provider.Usage
	for i, ref := range refs {
		if i%1024 == 1023 {
			runtime.Gosched() // a pass over 100,000 replicas lets requests run
		}
		if d.fault(ctx, SiteScope(ref.SiteID)).outage {
			continue
		}
		r, ok := byReplica[ref.ReplicaID]
		if !ok {
			continue // not held here: nothing to say
		}
		cpu, mem := SimulatedUsage(ref.ReplicaID, minute)
		memMiB := r.MemoryMiB
		if memMiB <= 0 {
			memMiB = 1024
		}
		if r.State == StateStopped {
			cpu, mem = 0, 0
		}
		out = append(out, provider.Usage{ReplicaID: ref.ReplicaID, At: now, CPUPermille: cpu,
			MemoryUsedMiB: memMiB * mem / 1000, MemoryMiB: memMiB, Simulated: true})
	}
	return out, nil
}

// SimulatedUsage is the sim's series: CPU and memory use, in thousandths,
// of a replica at a minute (minutes since the Unix epoch).
func SimulatedUsage(replicaID string, minute int64) (cpuPermille, memPermille int64) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(replicaID))
	seed := int64(h.Sum64() >> 1)
	base := 50 + seed%600           // 5–65 %
	memBase := 300 + (seed/601)%400 // 30–70 %
	// A daily swell: a triangle wave over 1440 minutes, ±150 ‰.
	phase := (minute + seed%1440) % 1440
	tri := phase
	if tri > 720 {
		tri = 1440 - tri
	}
	swell := tri*300/720 - 150
	// Jitter: a hash of the replica and the minute, ±40 ‰.
	j := fnv.New64a()
	_, _ = j.Write([]byte(replicaID))
	_, _ = j.Write([]byte{byte(minute), byte(minute >> 8), byte(minute >> 16), byte(minute >> 24)})
	jit := int64(j.Sum64()%81) - 40
	cpuPermille = min(max(base+swell+jit, 0), 1000)
	memPermille = min(max(memBase+swell/3+jit/4, 0), 1000)
	return cpuPermille, memPermille
}
