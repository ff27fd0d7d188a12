package store

import (
	"context"
	"fmt"
	"time"
)

// CloseIntervals is CloseInterval for many placements, in one statement
// (per batchRows of them): each one's open interval ends at at, never
// before its start; a placement without an open interval is left alone.
// A resize stops its replicas' meters with it (issue #19: a statement
// per replica cost a round trip each).
func (t *Tx) CloseIntervals(ctx context.Context, placementIDs []string, at time.Time) error {
	m := micros(at)
	return chunks(placementIDs, func(part []string) error {
		args := append([]any{m, m}, anys(part)...)
		if _, err := t.Exec(ctx, `UPDATE usage_intervals SET end_at = CASE WHEN start_at > ? THEN start_at ELSE ? END
			WHERE end_at IS NULL AND placement_id IN (`+placeholders(len(part))+`)`, args...); err != nil {
			return fmt.Errorf("closing the usage intervals of %d placements: %w", len(part), err)
		}
		return nil
	})
}

// DropEmptyIntervals is DropEmptyInterval for many placements, in one
// statement (per batchRows of them): it deletes each one's closed,
// unrated interval of no length that starts at at, and returns the
// placements whose interval it deleted.
func (t *Tx) DropEmptyIntervals(ctx context.Context, placementIDs []string, at time.Time) (map[string]bool, error) {
	dropped := make(map[string]bool, len(placementIDs))
	m := micros(at)
	err := chunks(placementIDs, func(part []string) error {
		args := append([]any{m}, anys(part)...)
		rows, err := t.Query(ctx, `DELETE FROM usage_intervals WHERE start_at = ? AND end_at = start_at AND rated_to = start_at
			AND placement_id IN (`+placeholders(len(part))+`) RETURNING placement_id`, args...)
		if err != nil {
			return fmt.Errorf("dropping the empty intervals of %d placements: %w", len(part), err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return fmt.Errorf("dropping the empty intervals of %d placements: %w", len(part), mapErr(err))
			}
			dropped[id] = true
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("dropping the empty intervals of %d placements: %w", len(part), mapErr(err))
		}
		return nil
	})
	return dropped, err
}
