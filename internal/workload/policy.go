package workload

import (
	"context"
	"errors"
	"strings"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// ErrPolicy: the request is wider than its institution's data policy.
var ErrPolicy = errors.New("workload: request wider than the institution's data policy")

// PolicyError names the policy a request would widen and each way it
// would.
type PolicyError struct {
	InstitutionID, Institution string
	// Policy is the institution's policy; Summary names it in API values.
	Policy  model.DataPolicy
	Summary string
	Fields  []model.FieldError
}

func (e *PolicyError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Key
	}
	return "workload: request wider than the data policy of " + e.Institution + " (" + e.Summary + "): " + strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, ErrPolicy) true.
func (e *PolicyError) Unwrap() error { return ErrPolicy }

// ApplyPolicy completes a request from its institution's data policy —
// no countries: the allowed ones; no sovereignty mode: the policy's mode
// for the request's classification — and refuses, with a *PolicyError, a
// request that asks for more than the policy allows. Create and Preview
// call it before placing, and so does anything that previews on its own.
func ApplyPolicy(inst model.Institution, req *CreateRequest) error {
	fields := inst.DataPolicy.Narrow(inst.Country, req.Classification, &req.Residency, &req.Sovereignty)
	if len(fields) == 0 {
		return nil
	}
	return &PolicyError{InstitutionID: inst.ID, Institution: inst.Name, Policy: inst.DataPolicy,
		Summary: inst.DataPolicy.Summary(inst.Country), Fields: fields}
}

// WithinPolicy returns a copy of w narrowed to its institution's data
// policy as it stands now (model.DataPolicy.Within), for placing it
// again: a failover, a re-placement on approval, a migration. A workload
// created before the policy, or under a looser one, never moves to where
// the policy no longer allows.
func WithinPolicy(ctx context.Context, tx *store.Tx, w model.Workload) (model.Workload, error) {
	in, err := tx.Institutions().Get(ctx, w.InstitutionID)
	if err != nil {
		return w, err
	}
	w.Residency, w.Sovereignty = in.DataPolicy.Within(in.Country, w.Classification, w.Residency, w.Sovereignty)
	return w, nil
}
