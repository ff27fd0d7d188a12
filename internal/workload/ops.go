package workload

import (
	"context"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/store"
)

// PlacementRequest is the engine's request for all of a workload's
// replicas under its full policy, excluding sites (migration, evacuation).
func (s *Service) PlacementRequest(ctx context.Context, w *model.Workload, off model.Offering, exclude []string) (placement.Request, error) {
	return s.request(ctx, w, off, exclude)
}

// PlacementRows turns a decision into pending placement rows with the
// given replica numbers (nil: 0…n-1).
func (s *Service) PlacementRows(w *model.Workload, off model.Offering, d placement.Decision, replicas []int) []store.PlacementRow {
	return s.placementRows(w, off, d, replicas)
}

// PlaceError returns a placement failure as a *PlaceError, whose Explain
// renders it in any language (money in the workload's currency); other
// errors are returned as they are.
func (s *Service) PlaceError(err error, currency, offering string) error {
	return s.placeErr(err, currency, offering)
}

// Release gives back the engine capacity of placements that ended outside
// the reconciler.
func (s *Service) Release(ps []store.PlacementRow) { s.release(ps) }

// Enc stores a Msg in a reason column.
func Enc(m Msg) string { return enc(m) }
