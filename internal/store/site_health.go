package store

import (
	"context"
	"fmt"

	"github.com/soberana/soberana/internal/model"
)

// Commits is how many write transactions (InTx, Write and its groups)
// this store has committed since it was opened: tests bound the
// transactions a bulk change takes with it.
func (s *Store) Commits() uint64 { return s.commits.Load() }

// SetSitesHealth sets the health of every listed site whose health
// differs, in t, as Sites().Update would (version and updated_at move,
// and the sites' change counter, so every replica's fleet fingerprint
// sees it), and returns the ids it changed. A site that leaves down gets
// the work that backed off while it was down rescheduled
// (RescheduleSite). Ids without a row change nothing. It is the bulk form
// of reading, editing and updating each site: one statement per up to 500
// sites instead of three per site.
func (t *Tx) SetSitesHealth(ctx context.Context, ids []string, health string) ([]string, error) {
	var changed []string
	now := micros(t.Now())
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, 0, len(chunk)+3)
		args = append(args, health, now, health)
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := t.Query(ctx, fmt.Sprintf(`UPDATE sites SET health = ?, updated_at = ?, version = version + 1
			WHERE health <> ? AND id IN (%s) RETURNING id`, placeholders(len(chunk))), args...)
		if err != nil {
			return nil, fmt.Errorf("updating the health of %d sites: %w", len(chunk), mapErr(err))
		}
		var got []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			got = append(got, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
		if health != model.HealthDown && len(got) > 0 {
			rargs := make([]any, 0, len(got)+1)
			rargs = append(rargs, now)
			for _, id := range got {
				rargs = append(rargs, id)
			}
			if _, err := t.Exec(ctx, fmt.Sprintf(`UPDATE placements SET next_attempt_at = ?, attempts = 0
				WHERE next_attempt_at IS NOT NULL AND site_id IN (%s)`, placeholders(len(got))), rargs...); err != nil {
				return nil, fmt.Errorf("rescheduling the work of %d sites: %w", len(got), mapErr(err))
			}
		}
		changed = append(changed, got...)
	}
	return changed, nil
}
