package placement

import (
	"errors"
	"strings"

	"github.com/soberana/soberana/internal/i18n"
)

// Sentinel errors; match them with errors.Is. ErrNoFit, ErrCostCeiling and
// ErrInvalidRequest stand below, each beside the typed error that carries
// its details and renders them in the caller's language.
var (
	// ErrContention: Place lost the race for capacity too many times.
	ErrContention = errors.New("placement: capacity kept changing under the decision")
	// ErrInvalidFleet: a provider, site or price given to the engine is
	// malformed.
	ErrInvalidFleet = errors.New("placement: invalid fleet data")
	// ErrUnknownSite and ErrUnknownProvider: no such ID in the fleet.
	ErrUnknownSite     = errors.New("placement: unknown site")
	ErrUnknownProvider = errors.New("placement: unknown provider")
	// ErrOverRelease: more was released from a site than was reserved on
	// it; the reservation was clamped to zero.
	ErrOverRelease = errors.New("placement: released more than was reserved")
)

// ErrNoFit: no set of sites satisfies the request. The error is a
// *NoFitError with the reasons in numbers.
var ErrNoFit = errors.New("placement: no set of sites fits")

// NoFitError says, per constraint, why no set of sites fits.
type NoFitError struct {
	Reasons Reasons
}

func (e *NoFitError) Error() string { return ErrNoFit.Error() + ": " + e.Reasons.Explain(i18n.EN) }

// Unwrap makes errors.Is(err, ErrNoFit) true.
func (e *NoFitError) Unwrap() error { return ErrNoFit }

// Explain renders the reasons in lang.
func (e *NoFitError) Explain(lang i18n.Lang) string { return e.Reasons.Explain(lang) }

// ErrCostCeiling: sets fit, but the cheapest costs more than the
// ceiling. The error is a *CostCeilingError with the cheapest cost.
var ErrCostCeiling = errors.New("placement: cheapest set exceeds the cost ceiling")

// CostCeilingError says that the cheapest feasible set costs more than the
// request's ceiling.
type CostCeilingError struct {
	CheapestMinor int64 // total monthly cost of the cheapest feasible set found
	CeilingMinor  int64
	// Exact is false when CheapestMinor comes from the heuristic (more than
	// MaxExactReplicas replicas) and a cheaper set might exist.
	Exact   bool
	Reasons Reasons
}

func (e *CostCeilingError) Error() string {
	return ErrCostCeiling.Error() + ": " + e.Explain(i18n.EN)
}

// Unwrap makes errors.Is(err, ErrCostCeiling) true.
func (e *CostCeilingError) Unwrap() error { return ErrCostCeiling }

// Explain renders the error in lang.
func (e *CostCeilingError) Explain(lang i18n.Lang) string {
	r := &e.Reasons
	return i18n.T(lang, "placement.ceiling",
		formatMoney(lang, e.CheapestMinor, r.Currency, r.MinorDigits),
		formatMoney(lang, e.CeilingMinor, r.Currency, r.MinorDigits))
}

// ErrInvalidRequest: the request is malformed. The error is an
// *InvalidRequestError naming the fields.
var ErrInvalidRequest = errors.New("placement: invalid request")

// FieldError is one problem with one request field. Problem is one of
// "required", "out_of_range", "unknown_value", "invalid_code",
// "outside_countries".
type FieldError struct {
	Field   string // JSON-style path: "residency.countries[1]"
	Problem string
}

// InvalidRequestError lists what is wrong with a request.
type InvalidRequestError struct {
	Fields []FieldError
}

func (e *InvalidRequestError) Error() string {
	return ErrInvalidRequest.Error() + ": " + e.Explain(i18n.EN)
}

// Unwrap makes errors.Is(err, ErrInvalidRequest) true.
func (e *InvalidRequestError) Unwrap() error { return ErrInvalidRequest }

// Explain renders the field problems in lang.
func (e *InvalidRequestError) Explain(lang i18n.Lang) string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = i18n.T(lang, "placement.invalid."+f.Problem, f.Field)
	}
	return strings.Join(parts, "; ")
}
