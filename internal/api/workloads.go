package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// WorkloadView is a workload as the API shows it (model.WorkloadView).
type WorkloadView = model.WorkloadView

// PlacementView is one replica's placement as the API shows it
// (model.PlacementView).
type PlacementView = model.PlacementView

// placementView is the wire view of a stored placement.
func placementView(p store.PlacementRow) PlacementView {
	return PlacementView{Placement: p.Placement, Attempts: p.Attempts, NextAttemptAt: p.NextAttemptAt}
}

// EventView is one entry of the timeline.
type EventView = model.WorkloadEvent

// ActionRequest is the body of :approve and :reject.
type ActionRequest struct {
	Reason string `json:"reason"`
}

// WorkloadOptions wire the workload routes.
type WorkloadOptions struct {
	Service *workload.Service
}

var workloadFilters = []string{"project_id", "institution_id", "state", "offering_id"}

// AddWorkloads registers /v1/workloads; the workload service's errors are
// mapped by mapError.
func (a *API) AddWorkloads(o WorkloadOptions) {
	svc := o.Service
	a.AddRoutes(func(a *API) []*Route {
		base := "/v1/workloads"
		// decision is {id}:approve or {id}:reject: an optional reason, then
		// the workload as it stands after decide.
		decision := func(decide func(r *http.Request, id, reason string) error) Handle {
			return func(r *http.Request) (any, error) {
				id, _, _ := strings.Cut(r.PathValue("id"), ":")
				var body ActionRequest
				if err := decodeOptional(r, &body); err != nil {
					return nil, err
				}
				if err := decide(r, id, body.Reason); err != nil {
					return nil, err
				}
				return a.workloadView(r.Context(), id, langOf(r.Context()))
			}
		}
		actions := map[string]Handle{
			"approve": decision(func(r *http.Request, id, reason string) error {
				_, err := svc.Approve(r.Context(), approver(r), id, reason)
				return err
			}),
			"reject": decision(func(r *http.Request, id, reason string) error {
				_, err := svc.Reject(r.Context(), actor(r), id, reason)
				return err
			}),
		}
		addPowerActions(a, svc, actions)
		return []*Route{
			previewRoute(svc),
			{Method: "POST", Path: base, Summary: "Ask for a workload: validated, placed (capacity reserved) and stored in one transaction; an Idempotency-Key header makes retries return the first result",
				Tag: "workloads", Auth: InScope("workloads:write", "project_id", auth.Project), Request: workload.CreateRequest{}, Response: WorkloadView{}, Status: http.StatusCreated,
				Handle: func(r *http.Request) (any, error) {
					body, err := readBody(r)
					if err != nil {
						return nil, err
					}
					var req workload.CreateRequest
					if err := DecodeBytes(body, &req); err != nil {
						return nil, err
					}
					var idem *workload.Idempotency
					if k := strings.TrimSpace(r.Header.Get("Idempotency-Key")); k != "" {
						if len(k) > 200 {
							return nil, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.idempotency-key")
						}
						idem = &workload.Idempotency{Key: k, BodyHash: workload.HashBody(body)}
					}
					c, replayed, err := svc.CreateWritten(r.Context(), actor(r), req, idem)
					if err != nil {
						return nil, err
					}
					a.knowWorkload(c.Workload)
					if replayed {
						// The workload may have moved on since: read it.
						return a.workloadView(r.Context(), c.Workload.ID, langOf(r.Context()))
					}
					// Answered from what the create stored, not read back;
					// its cost too when the create knows it.
					lang := langOf(r.Context())
					var v WorkloadView
					if c.CostKnown {
						v = viewOf(c.Workload, c.Placements, c.Events, c.Cost, lang)
					} else if v, err = a.fullView(r.Context(), a.store.Read(), c.Workload, c.Placements, c.Events, lang); err != nil {
						return nil, err
					}
					return Created{Value: v, Location: base + "/" + c.Workload.ID}, nil
				}},
			{Method: "GET", Path: base, Summary: "List workloads", Tag: "workloads", Auth: Any("workloads:read"),
				Response: listPage[WorkloadView]{}, Query: append([]string{"limit", "cursor"}, workloadFilters...),
				Handle: func(r *http.Request) (any, error) {
					o, err := ListQuery(r, workloadFilters)
					if err != nil {
						return nil, err
					}
					o.Restrict = Restrict(r, "workloads:read", ScopeColumns{Institution: "institution_id", Project: "project_id"})
					p, err := a.store.Read().Workloads().List(r.Context(), o)
					if err != nil {
						return nil, err
					}
					lang := langOf(r.Context())
					return pageOf(p.Items, p.Next, func(w model.Workload) WorkloadView {
						a.knowWorkload(w)
						w.Reason = renderReason(w.Reason, lang)
						return WorkloadView{Workload: w}
					}), nil
				}},
			{Method: "GET", Path: base + "/{id}", Summary: "Get a workload with its placements, state and timeline", Tag: "workloads", Auth: Object("workloads:read", "id"),
				Response: WorkloadView{}, Handle: func(r *http.Request) (any, error) {
					return a.workloadView(r.Context(), r.PathValue("id"), langOf(r.Context()))
				}},
			{Method: "DELETE", Path: base + "/{id}", Summary: "Delete a workload: its replicas are deleted at the providers and their capacity freed",
				Tag: "workloads", Auth: Object("workloads:write", "id"), Response: WorkloadView{}, Handle: func(r *http.Request) (any, error) {
					if _, err := svc.Delete(r.Context(), actor(r), r.PathValue("id")); err != nil {
						return nil, err
					}
					return a.workloadView(r.Context(), r.PathValue("id"), langOf(r.Context()))
				}},
			{Method: "POST", Path: base + "/{id}", Summary: "Approve ({id}:approve) or reject ({id}:reject, reason required) a workload that awaits approval; " + powerSummary,
				Tag: "workloads", Auth: Object("workloads:approve", "id"), Request: ActionRequest{}, Response: WorkloadView{}, authFor: powerAuth,
				OptionalBody: true, Errors: []int{http.StatusConflict},
				Actions: []Action{
					{Verb: "approve", Summary: "Approve a workload that awaits approval (by a person other than its requester)", Request: ActionRequest{}, Response: WorkloadView{}},
					{Verb: "reject", Summary: "Reject a workload that awaits approval, with a reason", Request: ActionRequest{}, Response: WorkloadView{}},
					{Verb: "start", Summary: "Start a stopped workload's replicas (or one, with {\"replica\": N}); needs workloads:write", Request: PowerRequest{}, Response: WorkloadView{}, Errors: []int{http.StatusUnprocessableEntity}},
					{Verb: "stop", Summary: "Stop a running workload's replicas (or one, with {\"replica\": N}); needs workloads:write", Request: PowerRequest{}, Response: WorkloadView{}, Errors: []int{http.StatusUnprocessableEntity}},
					{Verb: "reboot", Summary: "Reboot a running workload's replicas (or one, with {\"replica\": N}); needs workloads:write", Request: PowerRequest{}, Response: WorkloadView{}, Errors: []int{http.StatusUnprocessableEntity}},
					{Verb: "resize", Summary: "Move a running workload to another offering at the same sites, re-committing its budget; needs workloads:write", Request: workload.ResizeRequest{}, Response: WorkloadView{}, Errors: []int{http.StatusUnprocessableEntity}},
				},
				dispatch: func(r *http.Request) (Handle, error) {
					_, verb, _ := strings.Cut(r.PathValue("id"), ":")
					if h, ok := actions[verb]; ok {
						return h, nil
					}
					return nil, Errorf(http.StatusNotFound, "not-found", "problem.route-not-found.detail", r.Method, r.URL.Path)
				}},
		}
	})
}

// knowWorkload remembers where a workload the API just stored or read
// sits in the scope tree (its project and institution never change), so
// that the next request on it here — a read, an approval, a delete —
// authorizes without reading its scope from the database (issue #19: the
// mixed load's reads of new workloads made that read at most requests).
func (a *API) knowWorkload(w model.Workload) {
	if w.ID != "" && w.InstitutionID != "" && w.ProjectID != "" {
		a.owners.put("workloads", w.ID, auth.Target{Institution: w.InstitutionID, Project: w.ProjectID})
	}
}

func decodeOptional(r *http.Request, dst any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	return DecodeBytes(body, dst)
}

func actor(r *http.Request) workload.Actor {
	p, _ := PrincipalOf(r.Context())
	// The principal: the user (session or personal token), else the
	// token. It scopes idempotency keys, so it is never empty for a
	// signed-in caller.
	id := p.ActorID()
	name := p.Name
	if name == "" {
		name = id
	}
	return workload.Actor{Name: name + " (" + id + ")", ID: id, Person: p.Person}
}

// workloadView is a workload as GET /v1/workloads/{id} shows it, read in
// one round trip on PostgreSQL (ledger.WorkloadWithCost).
func (a *API) workloadView(ctx context.Context, id string, lang i18n.Lang) (WorkloadView, error) {
	now := a.store.Now()
	in, c, known, err := ledger.WorkloadWithCost(ctx, a.store.Read(), id, now)
	if err != nil {
		return WorkloadView{}, err
	}
	var cost *WorkloadCost
	if known {
		v := costView(id, now, c)
		cost = &v
	}
	return viewOf(in.Workload, in.Placements, in.Events, cost, lang), nil
}

// fullView is the view of a workload with its placements, cost and
// timeline (events in id order, as EventsOf returns them): placements and
// events as given, the cost read.
func (a *API) fullView(ctx context.Context, tx *store.Tx, w model.Workload, ps []store.PlacementRow, evs []model.WorkloadEvent, lang i18n.Lang) (WorkloadView, error) {
	var cost *WorkloadCost
	switch c, err := workloadCost(ctx, tx, w.ID, a.store.Now()); {
	case err == nil:
		cost = &c
	case !errors.Is(err, store.ErrNotFound) && !errors.Is(err, ledger.ErrUnknownWorkload):
		return WorkloadView{}, err
	}
	return viewOf(w, ps, evs, cost, lang), nil
}

// viewOf is the view of a workload with its placements, events and cost
// (nil: none) as given.
func viewOf(w model.Workload, ps []store.PlacementRow, evs []model.WorkloadEvent, cost *WorkloadCost, lang i18n.Lang) WorkloadView {
	w.Reason = renderReason(w.Reason, lang)
	v := WorkloadView{Workload: w, Cost: cost}
	for _, p := range ps {
		p.Reason = renderReason(p.Reason, lang)
		if p.State == model.PlacementRunning {
			p.Power = p.Power.Or()
		}
		v.Simulated = v.Simulated || p.Simulated
		v.Placements = append(v.Placements, placementView(p))
	}
	for _, e := range evs {
		e.Reason = renderReason(e.Reason, lang)
		v.Events = append(v.Events, e)
	}
	return v
}
