package api

import (
	"net/http"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/utilization"
)

// AddUtilization registers GET /v1/workloads/{id}/utilization: what each
// running replica used (CPU, memory) over a window (?window=1h, at most
// 24h), as sampled from its provider.
func (a *API) AddUtilization() {
	a.AddRoutes(func(a *API) []*Route {
		return []*Route{{Method: "GET", Path: "/v1/workloads/{id}/utilization",
			Summary: "What each running replica of a workload used (CPU in thousandths of its vCPUs, memory in MiB) over a window (?window=1h, at most 24h), as its provider reports it; simulated on the sim",
			Tag:     "workloads", Auth: Object("workloads:read", "id"), Response: utilization.Report{},
			Handle: func(r *http.Request) (any, error) {
				window := time.Hour
				if w := r.URL.Query().Get("window"); w != "" {
					d, err := time.ParseDuration(w)
					if err != nil || d <= 0 || d > utilization.Retention {
						var v model.Validator
						v.Add("window", "utilization.window")
						return nil, v.Err()
					}
					window = d
				}
				tx := a.store.Read()
				if _, err := tx.Workloads().Get(r.Context(), r.PathValue("id")); err != nil {
					return nil, err
				}
				return utilization.Of(r.Context(), tx, r.PathValue("id"), a.store.Now().Add(-window))
			}}}
	})
}
