package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/soberana/soberana/internal/model"
)

// CreateAll inserts every v as Create does one (an id from idPrefix when
// empty, times and version 1), in one multi-row INSERT (per batchRows of
// them; issue #19: an approval that places a workload again created its
// new placements a statement, a round trip on PostgreSQL, each). The
// statement is all or nothing: one row that cannot be inserted (a
// duplicate id, a missing reference) fails it and none is written.
func (r Repo[T]) CreateAll(ctx context.Context, vs []*T, idPrefix string) error {
	if len(vs) == 0 {
		return nil
	}
	now := r.tx.Now()
	rows := make([][]any, len(vs))
	for i, v := range vs {
		m := r.e.meta(v)
		if m.ID == "" {
			m.ID = model.NewID(idPrefix)
		}
		rows[i] = append([]any{m.ID, micros(now), micros(now), int64(1)}, r.e.values(v)...)
	}
	cols := strings.Split(r.e.allCols(), ", ")
	if err := r.tx.bulk(ctx, r.e.table, cols, rows, "", nil); err != nil {
		return fmt.Errorf("creating %s: %w", r.e.table, err)
	}
	for _, v := range vs {
		m := r.e.meta(v)
		m.CreatedAt, m.UpdatedAt, m.Version = now, now, 1
	}
	return r.wrote(ctx)
}
