package workload

import (
	"context"
	"errors"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/placement"
)

// Preview is where a request would go, decided without reserving capacity
// or storing anything.
type Preview struct {
	// Workload is the request as it would be stored (currency, line).
	Workload model.Workload
	Offering model.Offering
	// Decision is the engine's answer; when Fits is false, Err explains.
	Decision placement.Decision
	Fits     bool
	// NoFit explains why nothing fits (nil when it fits).
	NoFit *PlaceError
}

// Preview answers "where would this go and what would it cost" for the
// console's live preview and POST /v1/placements:preview. Invalid input is
// an error; a request that fits nowhere is a Preview with NoFit set.
func (s *Service) Preview(ctx context.Context, req CreateRequest) (Preview, error) {
	var p Preview
	if err := req.Validate(); err != nil {
		return p, err
	}
	proj, inst, off, _, err := s.createInputs(ctx, s.st.Read(), &req)
	if err != nil {
		return p, err
	}
	p.Offering = off
	p.Workload = model.Workload{
		ProjectID: proj.ID, InstitutionID: inst.ID, BudgetLineID: proj.BudgetLineID,
		WorkloadPolicy: req.policy(off.ID), Currency: inst.Currency,
		AllowSimulated: req.AllowSimulated,
	}
	preq, err := s.PlacementRequest(ctx, &p.Workload, off, nil)
	if err != nil {
		return p, err
	}
	d, err := s.fleet.Engine().Preview(preq)
	if err != nil {
		err = s.PlaceError(err, inst.Currency, off.Name)
		var pe *PlaceError
		if errors.As(err, &pe) && !errors.Is(err, placement.ErrInvalidRequest) {
			p.NoFit = pe
			return p, nil
		}
		return p, err
	}
	digits := 2
	if c, cerr := money.ParseCurrency(inst.Currency); cerr == nil {
		digits = c.Digits()
	}
	d.Reasons.Currency, d.Reasons.MinorDigits, d.Reasons.OfferingID = inst.Currency, digits, off.Name
	p.Decision, p.Fits = d, true
	p.Workload.ForecastMonthlyMinor = d.TotalMonthlyMinor
	return p, nil
}
