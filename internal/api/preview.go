package api

import (
	"net/http"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/workload"
)

// PlacementPreview is the answer of POST /v1/placements:preview
// (model.PlacementPreview).
type PlacementPreview = model.PlacementPreview

// PreviewPlacement is one replica's site in a preview.
type PreviewPlacement = model.PreviewPlacement

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
