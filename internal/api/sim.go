package api

import (
	"errors"
	"net/http"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/provider"
)

// SimOptions wire the /v1/sim routes and the fleet views.
type SimOptions struct {
	Driver provider.FaultInjector
	// SetSiteHealth records a site's health in the store and the engine.
	SetSiteHealth func(r *http.Request, siteID, health string) error
	// Usage returns the engine's reservations by site.
	Usage func() map[string]placement.Usage
	// Orphans returns the resources the reconciler reports as orphans.
	Orphans func() any
}

// SimResourceView is a resource of the built-in simulated provider;
// Simulated is always true.
type SimResourceView struct {
	model.SimResource
	Simulated bool `json:"simulated"`
}

// SimResources are the simulated providers' resources (always simulated).
type SimResources struct {
	Items     []SimResourceView `json:"items"`
	Simulated bool              `json:"simulated"`
}

// SimFaults are the faults injected into the simulated providers.
type SimFaults struct {
	Items     []model.SimFault `json:"items"`
	Simulated bool             `json:"simulated"`
}

// Reservations is the capacity the placement engine holds reserved, by
// site id.
type Reservations struct {
	Sites map[string]placement.Usage `json:"sites"`
}

// OutageRequest starts (true) or ends (false) a site outage.
type OutageRequest struct {
	Outage bool `json:"outage"`
}

// AddSim registers the routes that drive the simulated providers (they act
// only on providers whose driver is sim) and the fleet reservation view.
func (a *API) AddSim(o SimOptions) {
	a.AddRoutes(func(a *API) []*Route {
		simProvider := func(r *http.Request, id string) (model.Provider, error) {
			p, err := a.store.Read().Providers().Get(r.Context(), id)
			if err != nil {
				return p, err
			}
			if p.Driver != model.DriverSim {
				return p, Errorf(http.StatusUnprocessableEntity, "not-simulated", "problem.not-simulated.detail", id)
			}
			return p, nil
		}
		return []*Route{
			{Method: "GET", Path: "/v1/sim/resources", Summary: "Every SIMULATED resource with the replica id it carries", Tag: "sim", Auth: Platform("platform:read"),
				Query: []string{"provider_id"}, Response: SimResources{},
				Handle: func(r *http.Request) (any, error) {
					list, err := a.store.Read().SimList(r.Context(), r.URL.Query().Get("provider_id"))
					if err != nil {
						return nil, err
					}
					out := make([]SimResourceView, len(list))
					for i, s := range list {
						out[i] = SimResourceView{SimResource: s, Simulated: true}
					}
					return SimResources{Items: out, Simulated: true}, nil
				}},
			{Method: "GET", Path: "/v1/sim/faults", Summary: "Faults injected into the SIMULATED providers", Tag: "sim", Auth: Platform("platform:read"),
				Response: SimFaults{}, Handle: func(r *http.Request) (any, error) {
					list, err := a.store.Read().SimFaults(r.Context())
					if err != nil {
						return nil, err
					}
					return SimFaults{Items: list, Simulated: true}, nil
				}},
			{Method: "PUT", Path: "/v1/sim/providers/{id}/faults", Summary: "Set a SIMULATED provider's API error rate, latency and provisioning delay",
				Tag: "sim", Auth: Platform("platform:write"), Request: provider.Faults{}, Response: provider.Faults{},
				Handle: func(r *http.Request) (any, error) {
					if _, err := simProvider(r, r.PathValue("id")); err != nil {
						return nil, err
					}
					var f provider.Faults
					if err := Decode(r, &f); err != nil {
						return nil, err
					}
					if f.ErrorRate == "" {
						f.ErrorRate = "0"
					}
					d, err := money.ParseDecimal(f.ErrorRate)
					var v validator
					if err != nil || d.Sign() < 0 || d.Cmp(money.DecimalFromInt(1)) > 0 {
						v.Add("error_rate", "workload.field.error_rate", f.ErrorRate)
					}
					v.NonNegative("latency_ms", f.LatencyMs)
					v.NonNegative("provisioning_delay_ms", f.DelayMs)
					if err := v.Err(); err != nil {
						return nil, err
					}
					if err := o.Driver.SetProviderFaults(r.Context(), r.PathValue("id"), f); err != nil {
						return nil, err
					}
					return f, nil
				}},
			{Method: "PUT", Path: "/v1/sim/sites/{id}/outage", Summary: "Start or end an outage of a SIMULATED site (the site is marked down and its replicas fail over)",
				Tag: "sim", Auth: Platform("platform:write"), Request: OutageRequest{}, Response: OutageRequest{},
				Handle: func(r *http.Request) (any, error) {
					s, err := a.store.Read().Sites().Get(r.Context(), r.PathValue("id"))
					if err != nil {
						return nil, err
					}
					if _, err := simProvider(r, s.ProviderID); err != nil {
						return nil, err
					}
					var body OutageRequest
					if err := Decode(r, &body); err != nil {
						return nil, err
					}
					if err := o.Driver.SetOutage(r.Context(), s.ProviderID, s.ID, body.Outage); err != nil {
						return nil, err
					}
					h := model.HealthHealthy
					if body.Outage {
						h = model.HealthDown
					}
					if o.SetSiteHealth != nil {
						if err := o.SetSiteHealth(r, s.ID, h); err != nil {
							return nil, err
						}
					}
					return body, nil
				}},
			{Method: "GET", Path: "/v1/fleet/reservations", Summary: "Capacity reserved by placements on each site, as the placement engine holds it",
				Tag: "fleet", Auth: Platform("platform:read"), Response: Reservations{},
				Handle: func(r *http.Request) (any, error) {
					if o.Usage == nil {
						return nil, errors.New("no placement engine")
					}
					return Reservations{Sites: o.Usage()}, nil
				}},
			{Method: "GET", Path: "/v1/fleet/orphans", Summary: "Provider resources that no live placement owns (deleted after a grace period)",
				Tag: "fleet", Auth: Platform("platform:read"), Response: map[string]any{},
				Handle: func(r *http.Request) (any, error) {
					var items any = []any{}
					if o.Orphans != nil {
						items = o.Orphans()
					}
					return map[string]any{"items": items}, nil
				}},
		}
	})
}

type validator = model.Validator
