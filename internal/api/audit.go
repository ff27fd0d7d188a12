package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Audit outcomes (model.AuditOutcomes).
const (
	OutcomeSuccess         = model.OutcomeSuccess
	OutcomeDenied          = model.OutcomeDenied
	OutcomeUnauthenticated = model.OutcomeUnauthenticated
	OutcomeRefused         = model.OutcomeRefused
	OutcomeFailed          = model.OutcomeFailed
)

// newAudit starts the audit event of a changing request.
func (a *API) newAudit(r *http.Request, rt *Route) *store.PendingAudit {
	status := rt.Status
	if status == 0 {
		status = http.StatusOK
	}
	p := &store.PendingAudit{}
	p.Event = model.AuditEvent{
		ActorKind: model.ActorAnonymous, Action: rt.Method + " " + rt.Path, TargetKind: rt.Auth.resource(),
		RequestID: requestID(r.Context()), SourceIP: SourceIP(r), Outcome: OutcomeSuccess, Status: int64(status),
	}
	return p
}

// auditDecision records who acted, through what, on what.
func auditDecision(e *model.AuditEvent, p *auth.Principal, rt *Route, d decision) {
	if p != nil {
		e.ActorKind, e.ActorID, e.ActorName = p.Kind, p.ActorID(), p.Name
		switch {
		case d.binding.Via != "" && d.binding.Via != "role":
			e.Via = d.binding.Via
		case p.TokenID != "":
			e.Via = "token:" + p.TokenID
		case p.SessionID != "":
			e.Via = "session:" + p.SessionID
		}
	}
	if d.id != "" {
		e.TargetID = d.id
	}
	e.InstitutionID, e.ProjectID = d.target.Institution, d.target.Project
	if e.InstitutionID == "" && rt.Auth.resource() == "institutions" {
		e.InstitutionID = d.id
	}
}

// finishAudit writes the event of a request that committed no change
// (refused, failed, or a change without a transaction) in its own small
// transaction.
func (a *API) finishAudit(r *http.Request, p *store.PendingAudit, code int) {
	p.Update(func(e *model.AuditEvent) {
		e.Status = int64(code)
		switch {
		case e.Outcome != OutcomeSuccess: // decided already (a hidden object)
		case code == http.StatusUnauthorized:
			e.Outcome = OutcomeUnauthenticated
		case code == http.StatusForbidden:
			e.Outcome = OutcomeDenied
		case code >= 500:
			e.Outcome = OutcomeFailed
		case code >= 400:
			e.Outcome = OutcomeRefused
		}
	})
	// InTx appends the pending event that the context carries; the
	// context is detached so that a client that hung up is still audited.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	if err := a.store.InTx(ctx, func(*store.Tx) error { return nil }); err != nil {
		a.log.ErrorContext(ctx, "writing audit event", "err", err)
	}
}

// AuditView is an event as GET /v1/audit shows it.
type AuditView = model.AuditEvent

type auditPage struct {
	Items      []AuditView `json:"items"`
	NextCursor string      `json:"next_cursor,omitempty"`
}

var auditFilters = []string{"actor_id", "action", "target_id", "outcome", "institution_id", "since", "until"}

func (a *API) auditRoutes() []*Route {
	return []*Route{
		{Method: "GET", Path: "/v1/audit", Summary: "The audit log in chain order (auditors: all; institution admins: their institution's events); since/until are RFC 3339 times",
			Tag: "audit", Auth: Any("audit:read"), Response: auditPage{}, Query: append([]string{"limit", "cursor"}, auditFilters...),
			Handle: func(r *http.Request) (any, error) {
				q := r.URL.Query()
				f := store.AuditFilter{ActorID: q.Get("actor_id"), Action: q.Get("action"), TargetID: q.Get("target_id"),
					Outcome: q.Get("outcome"), InstitutionID: q.Get("institution_id"), Limit: 100}
				for k := range q {
					known := k == "limit" || k == "cursor"
					for _, a := range auditFilters {
						known = known || a == k
					}
					if !known {
						return nil, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.filter", k, "limit, cursor, actor_id, action, target_id, outcome, institution_id, since, until")
					}
				}
				if v := q.Get("limit"); v != "" {
					n, err := strconv.Atoi(v)
					if err != nil || n < 1 || n > 1000 {
						return nil, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.limit")
					}
					f.Limit = n
				}
				if v := q.Get("cursor"); v != "" {
					c, err := DecodeCursor(v)
					if err != nil {
						return nil, err
					}
					n, err := strconv.ParseInt(c, 10, 64)
					if err != nil {
						return nil, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.cursor")
					}
					f.After = n
				}
				for name, dst := range map[string]**time.Time{"since": &f.Since, "until": &f.Until} {
					if v := q.Get(name); v != "" {
						t, err := time.Parse(time.RFC3339, v)
						if err != nil {
							return nil, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.time", name)
						}
						*dst = &t
					}
				}
				f.Restrict = Restrict(r, "audit:read", ScopeColumns{Institution: "institution_id", Project: "project_id"})
				want := f.Limit
				f.Limit = want + 1
				evs, err := a.store.Read().AuditEvents(r.Context(), f)
				if err != nil {
					return nil, err
				}
				var page auditPage
				page.Items, page.NextCursor = trimPage(evs, want, func(e AuditView) string { return strconv.FormatInt(e.Seq, 10) })
				return page, nil
			}},
		{Method: "GET", Path: "/v1/audit/checkpoints", Summary: "Signed checkpoints of the audit chain head (verify them with the public key of GET /v1/audit/public-key)",
			Tag: "audit", Auth: Platform("audit:read"), Response: []model.AuditCheckpoint{},
			Handle: func(r *http.Request) (any, error) {
				return a.store.Read().AuditCheckpoints(r.Context())
			}},
	}
}
