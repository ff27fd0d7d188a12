package api

import (
	"net/http"

	"github.com/soberana/soberana/internal/workload"
)

// policyProblem is a request wider than its institution's data policy:
// 422 "data-policy", the detail naming the institution and its policy,
// one invalid_params entry per way the request widens it, and the policy
// itself as the members institution_id and data_policy.
func policyProblem(e *workload.PolicyError) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Slug: "data-policy", Key: "problem.data-policy.detail",
		Args: []any{e.Institution, e.Summary}, Params: e.Fields,
		Ext: map[string]any{"institution_id": e.InstitutionID, "data_policy": e.Policy}, Err: e}
}
