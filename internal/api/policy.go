package api

import (
	"net/http"

	"github.com/soberana/soberana/internal/i18n"
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

func init() {
	i18n.Add(map[string]i18n.Text{
		"problem.data-policy": {ES: "Más amplia que la política de datos", PT: "Mais ampla que a política de dados", EN: "Wider than the data policy"},
		"problem.data-policy.detail": {
			ES: "la solicitud es más amplia que la política de datos de %s (%s); una solicitud puede restringirla, nunca ampliarla: vea invalid_params, u omita países y soberanía para heredarlos",
			PT: "a requisição é mais ampla que a política de dados de %s (%s); uma requisição pode restringi-la, nunca ampliá-la: veja invalid_params, ou omita países e soberania para herdá-los",
			EN: "the request is wider than the data policy of %s (%s); a request may narrow it, never widen it: see invalid_params, or leave countries and sovereignty out to inherit them"},
	})
}
