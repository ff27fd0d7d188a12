package store

import (
	"context"
	"fmt"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// RollupUsage rolls up to limit samples taken before a time into one row
// per replica and bucket (buckets start at multiples of bucket since the
// Unix epoch) and deletes them, in the caller's transaction. A bucket
// already rolled up takes the new samples in (counts and sums add, the
// largest stays largest), so a sample is counted once whichever pass
// rolls it. It returns how many samples it rolled; fewer than limit: none
// is left before the time.
func (t *Tx) RollupUsage(ctx context.Context, before time.Time, bucket time.Duration, limit int) (int, error) {
	rows, err := t.Query(ctx, `SELECT placement_id, workload_id, at, cpu_permille, memory_used_mib, memory_mib, simulated
		FROM replica_usage WHERE at < ? ORDER BY placement_id, at LIMIT ?`, micros(before), limit)
	if err != nil {
		return 0, fmt.Errorf("reading usage to roll up: %w", err)
	}
	type key struct {
		placement string
		at        int64
	}
	type span struct{ from, to int64 }
	var order []key
	agg := map[key]*model.UsageRollup{}
	spans := map[string]*span{}
	var places []string
	n := 0
	for rows.Next() {
		var s model.UsageSample
		var at int64
		if err := rows.Scan(&s.PlacementID, &s.WorkloadID, &at, &s.CPUPermille, &s.MemoryUsedMiB, &s.MemoryMiB, &s.Simulated); err != nil {
			rows.Close()
			return 0, mapErr(err)
		}
		n++
		if sp, ok := spans[s.PlacementID]; ok {
			sp.to = at
		} else {
			spans[s.PlacementID] = &span{at, at}
			places = append(places, s.PlacementID)
		}
		k := key{s.PlacementID, micros(fromMicros(at).Truncate(bucket))}
		r, ok := agg[k]
		if !ok {
			r = &model.UsageRollup{PlacementID: s.PlacementID, WorkloadID: s.WorkloadID, At: fromMicros(k.at), Bucket: bucket}
			agg[k] = r
			order = append(order, k)
		}
		r.Samples++
		r.CPUPermilleSum += s.CPUPermille
		r.CPUPermilleMax = max(r.CPUPermilleMax, s.CPUPermille)
		r.MemoryUsedMiBSum += s.MemoryUsedMiB
		r.MemoryUsedMiBMax = max(r.MemoryUsedMiBMax, s.MemoryUsedMiB)
		r.MemoryMiBMax = max(r.MemoryMiBMax, s.MemoryMiB)
		r.Simulated = r.Simulated || s.Simulated
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, mapErr(err)
	}
	for _, k := range order {
		r := agg[k]
		_, err := t.Exec(ctx, `INSERT INTO replica_usage_rollup (placement_id, workload_id, at, bucket_seconds, samples,
			cpu_permille_sum, cpu_permille_max, memory_used_mib_sum, memory_used_mib_max, memory_mib_max, simulated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (placement_id, at) DO UPDATE SET
			samples = replica_usage_rollup.samples + excluded.samples,
			cpu_permille_sum = replica_usage_rollup.cpu_permille_sum + excluded.cpu_permille_sum,
			cpu_permille_max = CASE WHEN excluded.cpu_permille_max > replica_usage_rollup.cpu_permille_max
				THEN excluded.cpu_permille_max ELSE replica_usage_rollup.cpu_permille_max END,
			memory_used_mib_sum = replica_usage_rollup.memory_used_mib_sum + excluded.memory_used_mib_sum,
			memory_used_mib_max = CASE WHEN excluded.memory_used_mib_max > replica_usage_rollup.memory_used_mib_max
				THEN excluded.memory_used_mib_max ELSE replica_usage_rollup.memory_used_mib_max END,
			memory_mib_max = CASE WHEN excluded.memory_mib_max > replica_usage_rollup.memory_mib_max
				THEN excluded.memory_mib_max ELSE replica_usage_rollup.memory_mib_max END,
			simulated = (replica_usage_rollup.simulated OR excluded.simulated)`,
			r.PlacementID, r.WorkloadID, k.at, int64(bucket/time.Second), r.Samples,
			r.CPUPermilleSum, r.CPUPermilleMax, r.MemoryUsedMiBSum, r.MemoryUsedMiBMax, r.MemoryMiBMax, r.Simulated)
		if err != nil {
			return 0, fmt.Errorf("rolling up usage: %w", err)
		}
	}
	// The rows read are, per replica, every sample from its first to its
	// last read (the read is ordered by replica and time), all before the
	// time: delete exactly those.
	for _, p := range places {
		sp := spans[p]
		if _, err := t.Exec(ctx, `DELETE FROM replica_usage WHERE placement_id = ? AND at >= ? AND at <= ?`, p, sp.from, sp.to); err != nil {
			return 0, fmt.Errorf("deleting rolled up usage: %w", err)
		}
	}
	return n, nil
}

// UsageRollupsOf returns a workload's rolled up buckets that start at or
// after a time, oldest first.
func (t *Tx) UsageRollupsOf(ctx context.Context, workloadID string, since time.Time) ([]model.UsageRollup, error) {
	rows, err := t.Query(ctx, `SELECT placement_id, workload_id, at, bucket_seconds, samples, cpu_permille_sum, cpu_permille_max,
		memory_used_mib_sum, memory_used_mib_max, memory_mib_max, simulated
		FROM replica_usage_rollup WHERE workload_id = ? AND at >= ? ORDER BY at, placement_id`, workloadID, micros(since))
	if err != nil {
		return nil, fmt.Errorf("reading usage rollups: %w", err)
	}
	defer rows.Close()
	out := []model.UsageRollup{}
	for rows.Next() {
		var r model.UsageRollup
		var at, secs int64
		if err := rows.Scan(&r.PlacementID, &r.WorkloadID, &at, &secs, &r.Samples, &r.CPUPermilleSum, &r.CPUPermilleMax,
			&r.MemoryUsedMiBSum, &r.MemoryUsedMiBMax, &r.MemoryMiBMax, &r.Simulated); err != nil {
			return nil, mapErr(err)
		}
		r.At, r.Bucket = fromMicros(at), time.Duration(secs)*time.Second
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// PruneUsageRollups deletes the buckets that start before a time.
func (t *Tx) PruneUsageRollups(ctx context.Context, before time.Time) error {
	_, err := t.Exec(ctx, `DELETE FROM replica_usage_rollup WHERE at < ?`, micros(before))
	return err
}
