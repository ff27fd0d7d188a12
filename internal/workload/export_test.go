package workload

import (
	"context"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/store"
)

// UpdatePending exposes updatePending to the package's external tests.
var UpdatePending = updatePending

// SameReplicas exposes sameReplicas to the package's external tests.
var SameReplicas = sameReplicas

// ResizeReplicas runs the replicas' part of a resize's transaction for
// the workload w whose running replicas live were read before it:
// stopResized, then writeResizedRows with every replica given d's size
// and price. between, when set, runs in the transaction between the two
// with the replicas as stopResized read them.
func (s *Service) ResizeReplicas(ctx context.Context, tx *store.Tx, w model.Workload, live []store.PlacementRow, off model.Offering,
	d placement.Decision, between func(rows []store.PlacementRow) error) error {
	r := resizing{w: w, off: off, live: live}
	for range live {
		r.decs = append(r.decs, d)
	}
	now := tx.Now()
	_, rows, err := s.stopResized(ctx, tx, &r, now)
	if err != nil {
		return err
	}
	if between != nil {
		if err := between(rows); err != nil {
			return err
		}
	}
	return s.writeResizedRows(ctx, tx, &r, rows, now)
}
