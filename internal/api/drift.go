package api

import (
	"net/http"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// DriftPolicyRequest is the body of PUT /v1/workloads/{id}/drift-policy.
// Recreate is a pointer so that leaving it out keeps the default (true).
type DriftPolicyRequest struct {
	Recreate *bool  `json:"recreate,omitempty"`
	OnChange string `json:"on_change,omitempty"`
}

// AddDrift registers the routes of a workload's drift: what the resync
// found changed or deleted outside soberana, and the policy that says what
// to do about it.
func (a *API) AddDrift() {
	a.AddRoutes(func(a *API) []*Route {
		base := "/v1/workloads/{id}"
		return []*Route{
			{Method: "GET", Path: base + "/drifts", Summary: "What the resync found changed or deleted outside soberana for a workload's replicas, and what was done, oldest first",
				Tag: "workloads", Auth: Object("workloads:read", "id"), Response: map[string][]model.Drift{},
				Handle: func(r *http.Request) (any, error) {
					tx := a.store.Read()
					if _, err := tx.Workloads().Get(r.Context(), r.PathValue("id")); err != nil {
						return nil, err
					}
					ds, err := tx.DriftsOf(r.Context(), r.PathValue("id"))
					if err != nil {
						return nil, err
					}
					return map[string]any{"items": ds}, nil
				}},
			{Method: "GET", Path: base + "/drift-policy", Summary: "A workload's drift policy: recreate a replica deleted outside soberana (default true); restore or adopt a changed one (default restore)",
				Tag: "workloads", Auth: Object("workloads:read", "id"), Response: model.DriftPolicy{},
				Handle: func(r *http.Request) (any, error) {
					tx := a.store.Read()
					if _, err := tx.Workloads().Get(r.Context(), r.PathValue("id")); err != nil {
						return nil, err
					}
					return tx.DriftPolicyOf(r.Context(), r.PathValue("id"))
				}},
			{Method: "PUT", Path: base + "/drift-policy", Summary: "Set a workload's drift policy (fields left out keep their defaults)",
				Tag: "workloads", Auth: Object("workloads:write", "id"), Request: DriftPolicyRequest{}, Response: model.DriftPolicy{},
				Handle: withBody(func(r *http.Request, req DriftPolicyRequest) (any, error) {
					pol := model.DefaultDriftPolicy()
					if req.Recreate != nil {
						pol.Recreate = *req.Recreate
					}
					if req.OnChange != "" {
						pol.OnChange = model.DriftOnChange(req.OnChange)
					}
					var v model.Validator
					v.OneOf("on_change", string(pol.OnChange), model.Names(model.DriftOnChanges)...)
					if err := v.Err(); err != nil {
						return nil, err
					}
					id := r.PathValue("id")
					store.AuditTarget(r.Context(), "workloads", id)
					err := a.store.InTx(r.Context(), func(tx *store.Tx) error {
						if _, err := tx.Workloads().Get(r.Context(), id); err != nil {
							return err
						}
						return tx.PutDriftPolicy(r.Context(), id, pol)
					})
					if err != nil {
						return nil, err
					}
					return pol, nil
				})},
		}
	})
}
