package api

import (
	"net/http"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/workload"
)

// PlacementPreview is the answer of POST /v1/placements:preview: where the
// request would go and its monthly forecast, or why nothing fits. Nothing
// is reserved or stored.
type PlacementPreview struct {
	Feasible bool `json:"feasible"`
	// Exact is true when the set is proven the cheapest (N ≤ 5).
	Exact                bool               `json:"exact"`
	Currency             string             `json:"currency"`
	ForecastMonthlyMinor int64              `json:"forecast_monthly_minor"`
	ForecastMonthly      *money.Amount      `json:"forecast_monthly,omitempty"`
	Placements           []PreviewPlacement `json:"placements"`
	// Explanation says why these sites, or why nothing fits, in the
	// caller's language.
	Explanation string `json:"explanation"`
}

// PreviewPlacement is one replica's site in a preview.
type PreviewPlacement struct {
	Replica       int     `json:"replica"`
	SiteID        string  `json:"site_id"`
	ProviderID    string  `json:"provider_id"`
	Country       string  `json:"country"`
	Subdivision   string  `json:"subdivision,omitempty"`
	FailureDomain string  `json:"failure_domain"`
	MonthlyMinor  int64   `json:"monthly_minor"`
	DistanceKm    float64 `json:"distance_km,omitempty"`
	// Serves is the near point's label or the subdivision code this
	// replica covers (requests with near or per_subdivision).
	Serves string `json:"serves,omitempty"`
	// ServesDistanceKm is its distance to the near point it serves.
	ServesDistanceKm float64 `json:"serves_distance_km,omitempty"`
}

func previewRoute(svc *workload.Service) *Route {
	return &Route{Method: "POST", Path: "/v1/placements:preview",
		Summary: "Preview where a workload request would be placed and what it would cost per month, without reserving anything (the console's live preview)",
		Tag:     "workloads", Auth: InScope("workloads:read", "project_id", auth.Project), ReadOnly: true,
		Request: workload.CreateRequest{}, Response: PlacementPreview{},
		Handle: withBody(func(r *http.Request, req workload.CreateRequest) (any, error) {
			p, err := svc.Preview(r.Context(), req)
			if err != nil {
				return nil, err
			}
			lang := langOf(r.Context())
			out := PlacementPreview{Currency: p.Workload.Currency, Placements: []PreviewPlacement{}}
			if !p.Fits {
				out.Explanation = p.NoFit.Explain(lang)
				return out, nil
			}
			d := p.Decision
			out.Feasible, out.Exact = true, d.Exact
			out.ForecastMonthlyMinor = d.TotalMonthlyMinor
			if c, err := money.ParseCurrency(p.Workload.Currency); err == nil {
				out.ForecastMonthly = &money.Amount{Minor: d.TotalMonthlyMinor, Currency: c}
			}
			for i, ch := range d.Choices {
				out.Placements = append(out.Placements, PreviewPlacement{Replica: i, SiteID: ch.SiteID, ProviderID: ch.ProviderID,
					Country: ch.Country, Subdivision: ch.Subdivision, FailureDomain: ch.FailureDomain,
					MonthlyMinor: ch.MonthlyMinor, DistanceKm: ch.DistanceKm,
					Serves: ch.Serves, ServesDistanceKm: ch.ServesDistanceKm})
			}
			out.Explanation = d.Explain(lang)
			return out, nil
		})}
}
