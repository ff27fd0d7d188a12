package store

import (
	"context"
	"fmt"
	"time"
)

// UsageSample is what one replica used at one time (table replica_usage).
type UsageSample struct {
	PlacementID   string    `json:"placement_id"`
	WorkloadID    string    `json:"workload_id"`
	At            time.Time `json:"at"`
	CPUPermille   int64     `json:"cpu_permille"`
	MemoryUsedMiB int64     `json:"memory_used_mib"`
	MemoryMiB     int64     `json:"memory_mib"`
	Simulated     bool      `json:"simulated"`
}

// PutUsage records samples; a sample already recorded (same replica and
// time) is kept as it is.
func (t *Tx) PutUsage(ctx context.Context, samples []UsageSample) error {
	for _, s := range samples {
		_, err := t.Exec(ctx, `INSERT INTO replica_usage (placement_id, workload_id, at, cpu_permille, memory_used_mib, memory_mib, simulated)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (placement_id, at) DO NOTHING`,
			s.PlacementID, s.WorkloadID, micros(s.At), s.CPUPermille, s.MemoryUsedMiB, s.MemoryMiB, s.Simulated)
		if err != nil {
			return fmt.Errorf("recording usage: %w", err)
		}
	}
	return nil
}

// UsageOf returns a workload's samples since a time, oldest first.
func (t *Tx) UsageOf(ctx context.Context, workloadID string, since time.Time) ([]UsageSample, error) {
	rows, err := t.Query(ctx, `SELECT placement_id, workload_id, at, cpu_permille, memory_used_mib, memory_mib, simulated
		FROM replica_usage WHERE workload_id = ? AND at >= ? ORDER BY at, placement_id`, workloadID, micros(since))
	if err != nil {
		return nil, fmt.Errorf("reading usage: %w", err)
	}
	defer rows.Close()
	out := []UsageSample{}
	for rows.Next() {
		var s UsageSample
		var at int64
		if err := rows.Scan(&s.PlacementID, &s.WorkloadID, &at, &s.CPUPermille, &s.MemoryUsedMiB, &s.MemoryMiB, &s.Simulated); err != nil {
			return nil, mapErr(err)
		}
		s.At = fromMicros(at)
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}

// PruneUsage deletes the samples taken before a time.
func (t *Tx) PruneUsage(ctx context.Context, before time.Time) error {
	_, err := t.Exec(ctx, `DELETE FROM replica_usage WHERE at < ?`, micros(before))
	return err
}
