package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/migrate"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// MigrationOptions wire the migration and evacuation routes.
type MigrationOptions struct {
	Service *migrate.Service
}

// MigrationStatus is a migration with how far its new replicas are.
type MigrationStatus struct {
	migrate.MigrationView
	// NewTotal and NewRunning count the replicas the migration created.
	NewTotal   int `json:"new_total"`
	NewRunning int `json:"new_running"`
	// WorkloadState is the workload's state now (migrating while the
	// migration runs).
	WorkloadState model.WorkloadState `json:"workload_state"`
}

// EvacuateRequest is the body of POST /v1/providers/{id}:evacuate.
type EvacuateRequest struct {
	// Concurrency is how many workloads migrate at a time (default 8).
	Concurrency int `json:"concurrency"`
}

// EvacuationStarted is the answer to :evacuate: the plan it runs and
// where to follow its progress.
type EvacuationStarted struct {
	model.EvacuationProgress
	Plan model.EvacuationPlan `json:"plan"`
}

// AddMigrations registers the workload migration routes and the provider
// evacuation (exit drill) routes.
//
// A migration is planned with POST /v1/workloads/{id}/migration-plan and
// started with POST /v1/workloads/{id}/migrations; its progress is at
// GET /v1/workloads/{id}/migrations/{migration}. (The workload route
// POST /v1/workloads/{id} already dispatches :approve and :reject, and a
// migration is an object of its own, authorized as its workload.)
func (a *API) AddMigrations(o MigrationOptions) {
	svc := o.Service
	a.AddRoutes(func(a *API) []*Route {
		evacuate := map[string]Handle{
			"evacuate-plan": func(r *http.Request) (any, error) {
				id, _, _ := strings.Cut(r.PathValue("id"), ":")
				if err := decodeOptional(r, &struct{}{}); err != nil {
					return nil, err
				}
				ep, err := svc.PlanEvacuation(r.Context(), id)
				if err != nil {
					return nil, err
				}
				ep.Render(langOf(r.Context()))
				return ep.EvacuationPlan, nil
			},
			"evacuate": func(r *http.Request) (any, error) {
				id, _, _ := strings.Cut(r.PathValue("id"), ":")
				var req EvacuateRequest
				if err := decodeOptional(r, &req); err != nil {
					return nil, err
				}
				if req.Concurrency < 0 || req.Concurrency > 256 {
					var v model.Validator
					v.Add("concurrency", "migrate.field.concurrency")
					return nil, v.Err()
				}
				e, ep, err := svc.StartEvacuation(r.Context(), actor(r), id, req.Concurrency)
				if err != nil {
					return nil, err
				}
				ep.Render(langOf(r.Context()))
				p, err := svc.EvacuationProgress(r.Context(), e.ID)
				if err != nil {
					return nil, err
				}
				return Created{Value: EvacuationStarted{EvacuationProgress: p, Plan: ep.EvacuationPlan}, Location: "/v1/evacuations/" + e.ID}, nil
			},
		}
		return []*Route{
			{Method: "POST", Path: "/v1/workloads/{id}/migration-plan", Summary: "Plan moving a workload to a provider (to_provider) or off providers (exclude_providers): target sites, monthly cost change, steps and data to move; nothing changes",
				Tag: "operations", Auth: Object("workloads:write", "id"), Request: migrate.Target{}, Response: model.MigrationPlan{},
				Handle: withBody(func(r *http.Request, t migrate.Target) (any, error) {
					p, err := svc.Plan(r.Context(), r.PathValue("id"), t)
					if err != nil {
						return nil, err
					}
					p.Render(langOf(r.Context()))
					return p, nil
				})},
			{Method: "POST", Path: "/v1/workloads/{id}/migrations", Summary: "Migrate a workload (make-before-break): new replicas are created, the old ones deleted once all new ones run, or the new ones deleted if any fails; progress at GET /v1/workloads/{id}/migrations/{migration}",
				Tag: "operations", Auth: Object("workloads:write", "id"), Request: migrate.Target{}, Response: MigrationStatus{}, Status: http.StatusCreated,
				Handle: withBody(func(r *http.Request, t migrate.Target) (any, error) {
					m, _, err := svc.Execute(r.Context(), actor(r), r.PathValue("id"), t, "")
					if err != nil {
						return nil, err
					}
					v, err := a.migrationStatus(r.Context(), m.ID, langOf(r.Context()))
					if err != nil {
						return nil, err
					}
					return Created{Value: v, Location: "/v1/workloads/" + m.WorkloadID + "/migrations/" + m.ID}, nil
				})},
			{Method: "GET", Path: "/v1/workloads/{id}/migrations", Summary: "A workload's migrations, oldest first",
				Tag: "operations", Auth: Object("workloads:read", "id"), Query: []string{"state", "limit", "cursor"},
				Response: listPage[migrate.MigrationView]{},
				Handle: func(r *http.Request) (any, error) {
					q, err := ListQuery(r, []string{"state"})
					if err != nil {
						return nil, err
					}
					q.Filters["workload_id"] = r.PathValue("id")
					p, err := a.store.Read().Migrations().List(r.Context(), q)
					if err != nil {
						return nil, err
					}
					lang := langOf(r.Context())
					return pageOf(p.Items, p.Next, func(m model.Migration) migrate.MigrationView { return migrate.View(m, lang) }), nil
				}},
			{Method: "GET", Path: "/v1/workloads/{id}/migrations/{migration}", Summary: "A migration: its plan, state (running, done, rolled_back), reason and how many new replicas run",
				Tag: "operations", Auth: Object("workloads:read", "id"), Response: MigrationStatus{},
				Handle: func(r *http.Request) (any, error) {
					v, err := a.migrationStatus(r.Context(), r.PathValue("migration"), langOf(r.Context()))
					if err != nil {
						return nil, err
					}
					if v.WorkloadID != r.PathValue("id") {
						return nil, store.ErrNotFound
					}
					return v, nil
				}},
			{Method: "POST", Path: "/v1/providers/{id}", Summary: "Provider exit drill: {id}:evacuate-plan lists every workload on the provider with a feasible target or the reason none exists, the cost change and the data to move; {id}:evacuate (body: concurrency) migrates every feasible one, progress at GET /v1/evacuations/{id}",
				Tag: "operations", Auth: Object("providers:write", "id"), Request: EvacuateRequest{}, Response: EvacuationStarted{},
				OptionalBody: true,
				Actions: []Action{
					{Verb: "evacuate-plan", Summary: "Provider exit drill: every workload on the provider with a feasible target or the reason none exists, the cost change and the data to move", Response: model.EvacuationPlan{}, Status: http.StatusOK},
					{Verb: "evacuate", Summary: "Evacuate a provider: migrate every feasible workload (body: concurrency); progress at GET /v1/evacuations/{id}", Request: EvacuateRequest{}, Response: EvacuationStarted{}, Status: http.StatusCreated},
				},
				dispatch: func(r *http.Request) (Handle, error) {
					_, verb, _ := strings.Cut(r.PathValue("id"), ":")
					if h, ok := evacuate[verb]; ok {
						return h, nil
					}
					return nil, Errorf(http.StatusNotFound, "not-found", "problem.route-not-found.detail", r.Method, r.URL.Path)
				}},
			{Method: "GET", Path: "/v1/evacuations/{id}", Summary: "An evacuation's progress: queued, migrating, done, rolled back and skipped workloads",
				Tag: "operations", Auth: Platform("platform:read"), Response: model.EvacuationProgress{},
				Handle: func(r *http.Request) (any, error) {
					return svc.EvacuationProgress(r.Context(), r.PathValue("id"))
				}},
		}
	})
}

// migrationStatus is a migration with its new replicas counted.
func (a *API) migrationStatus(ctx context.Context, id string, lang i18n.Lang) (MigrationStatus, error) {
	tx := a.store.Read()
	m, err := tx.Migrations().Get(ctx, id)
	if err != nil {
		return MigrationStatus{}, err
	}
	v := MigrationStatus{MigrationView: migrate.View(m, lang)}
	var newIDs []string
	_ = json.Unmarshal([]byte(m.NewPlacements), &newIDs)
	v.NewTotal = len(newIDs)
	ps, err := tx.PlacementsOf(ctx, m.WorkloadID)
	if err != nil {
		return v, err
	}
	for _, p := range ps {
		if slices.Contains(newIDs, p.ID) && p.State == model.PlacementRunning {
			v.NewRunning++
		}
	}
	w, err := tx.Workloads().Get(ctx, m.WorkloadID)
	if err != nil {
		return v, err
	}
	v.WorkloadState = w.State
	return v, nil
}
