package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/deploy"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/migrate"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/sshca"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
	"github.com/soberana/soberana/problem"
)

// ProblemBase prefixes every problem type URI (package problem's Base).
const ProblemBase = problem.Base

// Error is an error that already knows its problem: status, type slug and
// a localizable detail. Domain packages stay HTTP-free by returning
// sentinels; Errorf is for the API layer itself and for adapters.
type Error struct {
	Status int
	Slug   string
	Key    string
	Args   []any
	Params []model.FieldError
	Ext    map[string]any
	Err    error
}

func (e *Error) Error() string {
	msg := i18n.T(i18n.EN, e.Key, e.Args...)
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error.
func Errorf(status int, slug, key string, args ...any) *Error {
	return &Error{Status: status, Slug: slug, Key: key, Args: args}
}

// problemFor maps any error to a problem, in one place.
func (a *API) problemFor(ctx context.Context, err error, lang i18n.Lang) problem.Problem {
	var e *Error
	if !errors.As(err, &e) {
		e = mapError(err, lang)
	}
	p := problem.Problem{
		Type:      ProblemBase + e.Slug,
		Title:     i18n.T(lang, "problem."+e.Slug),
		Status:    e.Status,
		Detail:    i18n.T(lang, e.Key, e.Args...),
		RequestID: requestID(ctx),
	}
	for _, f := range e.Params {
		p.InvalidParams = append(p.InvalidParams, problem.InvalidParam{Name: f.Field, Reason: f.Reason(lang)})
	}
	p.Extensions = e.Ext
	return p
}

// mapError is the API's one error mapper: every error a handler returns
// that is not already an *Error becomes a problem here — the domain
// packages' sentinels and typed errors (auth, ledger, workload, migrate,
// deploy, SSH CA), validation, then the store's. The mappers in
// problemMappers and the cases within each are tried in order and the
// first answer wins, so an error that wraps several answers with the most
// specific: a migration or a workload refused for its budget commitment
// wraps the ledger's refusal, and answers "budget-exceeded" with its
// members. Texts that depend on the language (the placement engine's
// explanation, a budget reason) render in lang.
func mapError(err error, lang i18n.Lang) *Error {
	for _, m := range problemMappers {
		if e := m(err, lang); e != nil {
			return e
		}
	}
	return &Error{Status: http.StatusInternalServerError, Slug: "internal", Key: "problem.internal.detail", Err: err}
}

// problemMappers are mapError's cases, one function per domain, in the
// order they are tried. Each answers the problem for an error it knows and
// nil for any other.
var problemMappers = []func(err error, lang i18n.Lang) *Error{
	authProblem,
	ledgerProblem,
	workloadProblem,
	migrateProblem,
	deliveryProblem,
	storeProblem,
}

// authProblem maps authentication and authorization refusals: a grant
// beyond the granter's rights, a segregation-of-duties refusal, a revoked
// credential, the auth decisions (hidden, forbidden, unauthenticated) and
// an invalid auth request.
func authProblem(err error, _ i18n.Lang) *Error {
	var (
		ee *auth.EscalationError
		ae *workload.ApprovalError
	)
	switch {
	case errors.As(err, &ee):
		return &Error{Status: http.StatusForbidden, Slug: "escalation", Key: "problem.escalation.detail", Args: []any{ee.Role, ee.Action}, Err: err}
	case errors.As(err, &ae):
		return &Error{Status: http.StatusForbidden, Slug: "segregation", Key: "problem.segregation." + ae.Reason, Err: err}
	case errors.Is(err, deploy.ErrRevoked):
		return &Error{Status: http.StatusForbidden, Slug: "credential-revoked", Key: "problem.credential-revoked.detail", Err: err}
	}
	if e := authDecision(err); e != nil {
		return e
	}
	if errors.Is(err, auth.ErrInvalid) {
		return invalidRequestProblem(err)
	}
	return nil
}

// invalidRequestProblem is the validation problem for an auth.ErrInvalid,
// naming the field its message names ("invalid request: scope ...") or
// "body" when it names none.
func invalidRequestProblem(err error) *Error {
	field := "body"
	if _, after, ok := strings.Cut(err.Error(), "invalid request: "); ok {
		field, _, _ = strings.Cut(after, " ")
	}
	return validationProblem(model.FieldError{Field: field, Key: "field.invalid"})
}

// ledgerProblem maps the ledger's errors: a refused commitment carries the
// line, the need and the shortfall as problem members; bad, open and
// closed months and an unknown workload.
func ledgerProblem(err error, _ i18n.Lang) *Error {
	var ob *ledger.OverBudgetError
	switch {
	case errors.As(err, &ob):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "budget-exceeded", Key: "ledger.over_budget",
			Args: ob.Args(), Err: err, Ext: map[string]any{
				"budget_line_id": ob.BudgetLineID, "need": ob.Need, "available": ob.Available, "shortfall": ob.Shortfall}}
	case errors.Is(err, ledger.ErrInvalidMonth):
		return &Error{Status: http.StatusBadRequest, Slug: "bad-request", Key: "ledger.month", Err: err}
	case errors.Is(err, ledger.ErrMonthNotEnded):
		return &Error{Status: http.StatusConflict, Slug: "month-open", Key: "ledger.month_not_ended", Err: err}
	case errors.Is(err, ledger.ErrMonthClosed):
		return &Error{Status: http.StatusConflict, Slug: "month-closed", Key: "ledger.month_closed", Err: err}
	case errors.Is(err, ledger.ErrUnknownWorkload):
		return &Error{Status: http.StatusNotFound, Slug: "not-found", Key: "problem.not-found.detail", Err: err}
	}
	return nil
}

// workloadProblem maps the workload service's errors: data policy,
// placement (explained in lang), states, budgets (the reason rendered in
// lang), idempotency, and power actions the provider cannot do or failed.
func workloadProblem(err error, lang i18n.Lang) *Error {
	var (
		pol *workload.PolicyError
		pe  *workload.PlaceError
		se  *workload.StateError
		be  *workload.BudgetError
		ce  *workload.CapabilityError
		pfe *workload.ProviderError
		rce *workload.ReplicaChangedError
		wce *workload.WorkloadChangedError
	)
	switch {
	case errors.As(err, &pol):
		return policyProblem(pol)
	case errors.As(err, &pe) && errors.Is(err, placement.ErrInvalidRequest):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "validation", Key: "problem.no-fit.detail", Args: []any{pe.Explain(lang)}, Err: err}
	case errors.As(err, &pe):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "no-fit", Key: "problem.no-fit.detail", Args: []any{pe.Explain(lang)}, Err: err}
	case errors.Is(err, placement.ErrNoFit), errors.Is(err, placement.ErrCostCeiling):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "no-fit", Key: "problem.no-fit.detail", Args: []any{err.Error()}, Err: err}
	case errors.Is(err, placement.ErrContention):
		return &Error{Status: http.StatusServiceUnavailable, Slug: "timeout", Key: "problem.timeout.detail", Err: err}
	case errors.As(err, &se):
		return &Error{Status: http.StatusConflict, Slug: "state-conflict", Key: "problem.state-conflict.detail", Args: []any{se.Action, se.State}, Err: err}
	case errors.As(err, &be):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "budget", Key: "problem.budget.detail", Args: []any{be.Reason.Render(lang)}, Err: err}
	case errors.Is(err, workload.ErrBudget):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "budget", Key: "problem.budget.detail", Args: []any{err.Error()}, Err: err}
	case errors.Is(err, workload.ErrIdempotencyMismatch):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "idempotency-mismatch", Key: "problem.idempotency-mismatch.detail", Err: err}
	case errors.As(err, &ce):
		return &Error{Status: http.StatusConflict, Slug: "unsupported", Key: "problem.unsupported.power", Args: []any{ce.Provider, ce.Action}, Err: err}
	case errors.As(err, &pfe):
		return &Error{Status: http.StatusBadGateway, Slug: "provider-failed", Key: "problem.provider-failed.power", Args: []any{pfe.Action, pfe.Replica, pfe.Err.Error()}, Err: err}
	case errors.As(err, &rce):
		return &Error{Status: http.StatusConflict, Slug: "replica-changed", Key: "problem.replica-changed.detail", Args: []any{rce.Replica, rce.Action}, Err: err}
	case errors.As(err, &wce):
		return &Error{Status: http.StatusConflict, Slug: "workload-changed", Key: "problem.workload-changed.detail", Args: []any{wce.Action}, Err: err}
	}
	return nil
}

// migrateProblem maps migrations' and evacuations' errors: a bad target, a
// migration that is not running, and an infeasible one with its reason.
func migrateProblem(err error, _ i18n.Lang) *Error {
	var ie *migrate.InfeasibleError
	switch {
	case errors.Is(err, migrate.ErrTarget):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "validation", Key: "problem.migrate-target.detail", Err: err}
	case errors.Is(err, migrate.ErrNotRunning):
		return &Error{Status: http.StatusConflict, Slug: "state-conflict", Key: "problem.migrate-not-running.detail", Err: err}
	case errors.As(err, &ie):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "no-fit", Key: "problem.no-fit.detail", Args: []any{ie.Why}, Err: err}
	case errors.Is(err, migrate.ErrInfeasible):
		reason := strings.TrimPrefix(err.Error(), migrate.ErrInfeasible.Error()+": ")
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "no-fit", Key: "problem.no-fit.detail", Args: []any{reason}, Err: err}
	}
	return nil
}

// deliveryProblem maps the errors of apps (deliveries, releases, their
// webhooks and secrets) and of the SSH certificate authority.
func deliveryProblem(err error, _ i18n.Lang) *Error {
	var fe *deploy.FieldError
	switch {
	case errors.As(err, &fe):
		return deployFieldProblem(fe, err)
	case errors.Is(err, deploy.ErrSignature), errors.Is(err, deploy.ErrUnknownForge):
		return &Error{Status: http.StatusUnauthorized, Slug: "webhook-signature", Key: "problem.webhook-signature.detail", Err: err}
	case errors.Is(err, store.ErrReplayed):
		return &Error{Status: http.StatusConflict, Slug: "webhook-replayed", Key: "problem.webhook-replayed.detail", Err: err}
	case errors.Is(err, deploy.ErrNoSecretsKey), errors.Is(err, sshca.ErrNoSecretsKey):
		return &Error{Status: http.StatusServiceUnavailable, Slug: "secrets-unconfigured", Key: "problem.secrets-unconfigured.detail", Err: err}
	case errors.Is(err, deploy.ErrPayload):
		return &Error{Status: http.StatusBadRequest, Slug: "webhook-payload", Key: "problem.webhook-payload.detail", Args: []any{err.Error()}, Err: err}
	case errors.Is(err, sshca.ErrAccessEnded):
		return &Error{Status: http.StatusForbidden, Slug: "access-ended", Key: "problem.access-ended.detail", Err: err}
	}
	return nil
}

// deployFieldProblem is the validation problem naming a deploy field and
// its reason, keeping err as its cause.
func deployFieldProblem(fe *deploy.FieldError, err error) *Error {
	args := make([]any, len(fe.Msg.Args))
	for i, s := range fe.Msg.Args {
		args[i] = s
	}
	e := validationProblem(model.FieldError{Field: fe.Field, Key: fe.Msg.Key, Args: args})
	e.Err = err
	return e
}

// storeProblem maps validation errors and the store's sentinels, and a
// deadline exceeded. As before the split, only busy keeps its cause in
// Err.
func storeProblem(err error, _ i18n.Lang) *Error {
	var ve *model.ValidationError
	switch {
	case errors.As(err, &ve):
		return validationProblem(ve.Fields...)
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Slug: "not-found", Key: "problem.not-found.detail"}
	case errors.Is(err, store.ErrDuplicate):
		return &Error{Status: http.StatusConflict, Slug: "duplicate", Key: "problem.duplicate.detail"}
	case errors.Is(err, store.ErrInUse):
		return &Error{Status: http.StatusConflict, Slug: "in-use", Key: "problem.in-use.detail"}
	case errors.Is(err, store.ErrBusy):
		return &Error{Status: http.StatusServiceUnavailable, Slug: "busy", Key: "problem.busy.detail",
			Ext: map[string]any{"retry_after_seconds": 1}, Err: err}
	case errors.Is(err, store.ErrConflict):
		return &Error{Status: http.StatusPreconditionFailed, Slug: "precondition-failed", Key: "problem.precondition-failed.detail"}
	case errors.Is(err, store.ErrReference):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "validation", Key: "problem.reference.detail"}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusServiceUnavailable, Slug: "timeout", Key: "problem.timeout.detail"}
	}
	return nil
}

func (a *API) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	lang := langOf(r.Context())
	p := a.problemFor(r.Context(), err, lang)
	p.Instance = r.URL.Path
	if p.Status >= 500 {
		a.log.ErrorContext(r.Context(), "request failed", "err", err, "status", p.Status)
	} else {
		a.log.DebugContext(r.Context(), "request refused", "err", err, "status", p.Status)
	}
	if ra, ok := p.Extensions["retry_after_seconds"]; ok {
		w.Header().Set("Retry-After", strings.TrimSpace(jsonString(ra)))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", string(lang))
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p)
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
