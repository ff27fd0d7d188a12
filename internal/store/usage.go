package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"runtime"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// PutUsage records samples; a sample already recorded (same replica and
// time) is kept as it is.
func (t *Tx) PutUsage(ctx context.Context, samples []model.UsageSample) error {
	// Up to usageRowsPerInsert rows a statement: a pass over 100,000
	// replicas is 200 statements, not 100,000.
	for len(samples) > 0 {
		// 500 rows, or for the rest the largest power of two that
		// fits: at most ten shapes of statement, so that the SQLite
		// statement cache (bounded) is not filled with one per length.
		n := usageRowsPerInsert
		if len(samples) < n {
			n = 1 << (bits.Len(uint(len(samples))) - 1)
		}
		var q strings.Builder
		q.WriteString(`INSERT INTO replica_usage (placement_id, workload_id, at, cpu_permille, memory_used_mib, memory_mib, simulated) VALUES `)
		args := make([]any, 0, 7*n)
		for i, s := range samples[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			args = append(args, s.PlacementID, s.WorkloadID, micros(s.At), s.CPUPermille, s.MemoryUsedMiB, s.MemoryMiB, s.Simulated)
		}
		q.WriteString(` ON CONFLICT (placement_id, at) DO NOTHING`)
		if _, err := t.Exec(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("recording usage: %w", err)
		}
		samples = samples[n:]
		runtime.Gosched() // between chunks of a bulk write (yieldEvery)
	}
	return nil
}

// usageRowsPerInsert keeps a statement's parameters (7 a row) well below
// SQLite's and PostgreSQL's limits (32,766 and 65,535).
const usageRowsPerInsert = 500

// UsageOf returns a workload's samples since a time, oldest first.
func (t *Tx) UsageOf(ctx context.Context, workloadID string, since time.Time) ([]model.UsageSample, error) {
	return queryAll(ctx, t, "usage", `SELECT placement_id, workload_id, at, cpu_permille, memory_used_mib, memory_mib, simulated
		FROM replica_usage WHERE workload_id = ? AND at >= ? ORDER BY at, placement_id`, []any{workloadID, micros(since)}, func(rows *sql.Rows) (model.UsageSample, error) {
		var s model.UsageSample
		var at int64
		err := rows.Scan(&s.PlacementID, &s.WorkloadID, &at, &s.CPUPermille, &s.MemoryUsedMiB, &s.MemoryMiB, &s.Simulated)
		s.At = fromMicros(at)
		return s, mapErr(err)
	})
}

// PruneUsage deletes the samples taken before a time.
func (t *Tx) PruneUsage(ctx context.Context, before time.Time) error {
	_, err := t.Exec(ctx, `DELETE FROM replica_usage WHERE at < ?`, micros(before))
	return err
}
