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
// deploy, SSH CA), validation, then the store's. Cases are tried in order
// and the first wins, so an error that wraps several answers with the most
// specific: a migration or a workload refused for its budget commitment
// wraps the ledger's refusal, and answers "budget-exceeded" with its
// members. Texts that depend on the language (the placement engine's
// explanation, a budget reason) render in lang.
func mapError(err error, lang i18n.Lang) *Error {
	var (
		ve  *model.ValidationError
		ee  *auth.EscalationError
		ae  *workload.ApprovalError
		ob  *ledger.OverBudgetError
		pol *workload.PolicyError
		pe  *workload.PlaceError
		se  *workload.StateError
		be  *workload.BudgetError
		ce  *workload.CapabilityError
		pfe *workload.ProviderError
		ie  *migrate.InfeasibleError
		fe  *deploy.FieldError
	)
	switch {
	// Authentication and authorization.
	case errors.As(err, &ee):
		return &Error{Status: http.StatusForbidden, Slug: "escalation", Key: "problem.escalation.detail", Args: []any{ee.Role, ee.Action}, Err: err}
	case errors.As(err, &ae):
		return &Error{Status: http.StatusForbidden, Slug: "segregation", Key: "problem.segregation." + ae.Reason, Err: err}
	case errors.Is(err, deploy.ErrRevoked):
		return &Error{Status: http.StatusForbidden, Slug: "credential-revoked", Key: "problem.credential-revoked.detail", Err: err}
	case authDecision(err) != nil:
		return authDecision(err)
	case errors.Is(err, auth.ErrInvalid):
		field := "body"
		if _, after, ok := strings.Cut(err.Error(), "invalid request: "); ok {
			field, _, _ = strings.Cut(after, " ")
		}
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "validation", Key: "problem.validation.detail", Args: []any{1},
			Params: []model.FieldError{{Field: field, Key: "field.invalid"}}}

	// The ledger: a refused commitment carries the line, the need and the
	// shortfall as problem members.
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

	// The workload service: placement, states, budgets, power and resizes.
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

	// Migrations and evacuations.
	case errors.Is(err, migrate.ErrTarget):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "validation", Key: "problem.migrate-target.detail", Err: err}
	case errors.Is(err, migrate.ErrNotRunning):
		return &Error{Status: http.StatusConflict, Slug: "state-conflict", Key: "problem.migrate-not-running.detail", Err: err}
	case errors.As(err, &ie):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "no-fit", Key: "problem.no-fit.detail", Args: []any{ie.Why}, Err: err}
	case errors.Is(err, migrate.ErrInfeasible):
		reason := strings.TrimPrefix(err.Error(), migrate.ErrInfeasible.Error()+": ")
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "no-fit", Key: "problem.no-fit.detail", Args: []any{reason}, Err: err}

	// Apps: deliveries, releases and their secrets.
	case errors.As(err, &fe):
		args := make([]any, len(fe.Msg.Args))
		for i, s := range fe.Msg.Args {
			args[i] = s
		}
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "validation", Key: "problem.validation.detail", Args: []any{1},
			Params: []model.FieldError{{Field: fe.Field, Key: fe.Msg.Key, Args: args}}, Err: err}
	case errors.Is(err, deploy.ErrSignature), errors.Is(err, deploy.ErrUnknownForge):
		return &Error{Status: http.StatusUnauthorized, Slug: "webhook-signature", Key: "problem.webhook-signature.detail", Err: err}
	case errors.Is(err, store.ErrReplayed):
		return &Error{Status: http.StatusConflict, Slug: "webhook-replayed", Key: "problem.webhook-replayed.detail", Err: err}
	case errors.Is(err, deploy.ErrNoSecretsKey), errors.Is(err, sshca.ErrNoSecretsKey):
		return &Error{Status: http.StatusServiceUnavailable, Slug: "secrets-unconfigured", Key: "problem.secrets-unconfigured.detail", Err: err}
	case errors.Is(err, deploy.ErrPayload):
		return &Error{Status: http.StatusBadRequest, Slug: "webhook-payload", Key: "problem.webhook-payload.detail", Args: []any{err.Error()}, Err: err}

	// The SSH certificate authority.
	case errors.Is(err, sshca.ErrAccessEnded):
		return &Error{Status: http.StatusForbidden, Slug: "access-ended", Key: "problem.access-ended.detail", Err: err}

	// Validation and the store.
	case errors.As(err, &ve):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "validation", Key: "problem.validation.detail", Args: []any{len(ve.Fields)}, Params: ve.Fields}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Slug: "not-found", Key: "problem.not-found.detail"}
	case errors.Is(err, store.ErrDuplicate):
		return &Error{Status: http.StatusConflict, Slug: "duplicate", Key: "problem.duplicate.detail"}
	case errors.Is(err, store.ErrInUse):
		return &Error{Status: http.StatusConflict, Slug: "in-use", Key: "problem.in-use.detail"}
	case errors.Is(err, store.ErrConflict):
		return &Error{Status: http.StatusPreconditionFailed, Slug: "precondition-failed", Key: "problem.precondition-failed.detail"}
	case errors.Is(err, store.ErrReference):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "validation", Key: "problem.reference.detail"}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusServiceUnavailable, Slug: "timeout", Key: "problem.timeout.detail"}
	}
	return &Error{Status: http.StatusInternalServerError, Slug: "internal", Key: "problem.internal.detail", Err: err}
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
	var e *Error
	if errors.As(err, &e) {
		if ra, ok := e.Ext["retry_after_seconds"]; ok {
			w.Header().Set("Retry-After", strings.TrimSpace(jsonString(ra)))
		}
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

func init() {
	i18n.Add(map[string]i18n.Text{
		"problem.validation":                    {ES: "Datos no válidos", PT: "Dados inválidos", EN: "Invalid input"},
		"problem.validation.detail":             {ES: "%d campo(s) no son válidos; vea invalid_params", PT: "%d campo(s) não são válidos; veja invalid_params", EN: "%d field(s) are not valid; see invalid_params"},
		"problem.reference.detail":              {ES: "un objeto referido no existe", PT: "um objeto referenciado não existe", EN: "a referenced object does not exist"},
		"problem.not-found":                     {ES: "No encontrado", PT: "Não encontrado", EN: "Not found"},
		"problem.not-found.detail":              {ES: "no existe o no tiene acceso a este objeto", PT: "não existe ou você não tem acesso a este objeto", EN: "it does not exist or you have no access to it"},
		"problem.route-not-found.detail":        {ES: "no hay ninguna ruta %s %s; vea /openapi.json", PT: "não há nenhuma rota %s %s; veja /openapi.json", EN: "there is no route %s %s; see /openapi.json"},
		"problem.duplicate":                     {ES: "Ya existe", PT: "Já existe", EN: "Already exists"},
		"problem.duplicate.detail":              {ES: "ya existe un objeto con el mismo nombre o clave; elija otro", PT: "já existe um objeto com o mesmo nome ou chave; escolha outro", EN: "an object with the same name or key already exists; choose another"},
		"problem.in-use":                        {ES: "En uso", PT: "Em uso", EN: "In use"},
		"problem.in-use.detail":                 {ES: "otros objetos se refieren a este; elimínelos primero", PT: "outros objetos se referem a este; remova-os primeiro", EN: "other objects refer to this one; delete them first"},
		"problem.precondition-failed":           {ES: "Versión obsoleta", PT: "Versão desatualizada", EN: "Stale version"},
		"problem.precondition-failed.detail":    {ES: "el objeto cambió desde que lo leyó; vuelva a leerlo y reintente con el nuevo ETag", PT: "o objeto mudou desde que você o leu; leia-o de novo e tente com o novo ETag", EN: "the object changed since you read it; read it again and retry with the new ETag"},
		"problem.timeout":                       {ES: "Tiempo agotado", PT: "Tempo esgotado", EN: "Timed out"},
		"problem.timeout.detail":                {ES: "la operación tardó demasiado; reintente en unos segundos", PT: "a operação demorou demais; tente de novo em alguns segundos", EN: "the operation took too long; retry in a few seconds"},
		"problem.internal":                      {ES: "Error interno", PT: "Erro interno", EN: "Internal error"},
		"problem.internal.detail":               {ES: "algo falló de nuestro lado; informe el request_id al operador", PT: "algo falhou do nosso lado; informe o request_id ao operador", EN: "something failed on our side; report the request_id to the operator"},
		"problem.unauthorized":                  {ES: "No autenticado", PT: "Não autenticado", EN: "Unauthenticated"},
		"problem.unauthorized.missing":          {ES: "falta la cabecera Authorization: Bearer <token>", PT: "falta o cabeçalho Authorization: Bearer <token>", EN: "the Authorization: Bearer <token> header is missing"},
		"problem.unauthorized.invalid":          {ES: "el token no es válido, expiró o fue revocado; pida uno nuevo", PT: "o token não é válido, expirou ou foi revogado; peça um novo", EN: "the token is not valid, has expired or was revoked; get a new one"},
		"problem.forbidden":                     {ES: "Prohibido", PT: "Proibido", EN: "Forbidden"},
		"problem.forbidden.detail":              {ES: "su rol no permite esta acción", PT: "seu papel não permite esta ação", EN: "your role does not allow this action"},
		"problem.malformed":                     {ES: "Cuerpo mal formado", PT: "Corpo malformado", EN: "Malformed body"},
		"problem.malformed.syntax":              {ES: "el cuerpo no es JSON válido (posición %d)", PT: "o corpo não é JSON válido (posição %d)", EN: "the body is not valid JSON (offset %d)"},
		"problem.malformed.empty":               {ES: "el cuerpo está vacío; envíe un objeto JSON", PT: "o corpo está vazio; envie um objeto JSON", EN: "the body is empty; send a JSON object"},
		"problem.malformed.trailing":            {ES: "hay datos después del objeto JSON", PT: "há dados depois do objeto JSON", EN: "there is data after the JSON object"},
		"problem.payload-too-large":             {ES: "Cuerpo demasiado grande", PT: "Corpo grande demais", EN: "Body too large"},
		"problem.payload-too-large.detail":      {ES: "el cuerpo supera %d bytes", PT: "o corpo excede %d bytes", EN: "the body exceeds %d bytes"},
		"problem.unsupported-media-type":        {ES: "Tipo de contenido no admitido", PT: "Tipo de conteúdo não suportado", EN: "Unsupported media type"},
		"problem.unsupported-media-type.detail": {ES: "envíe Content-Type: application/json", PT: "envie Content-Type: application/json", EN: "send Content-Type: application/json"},
		"problem.method-not-allowed":            {ES: "Método no permitido", PT: "Método não permitido", EN: "Method not allowed"},
		"problem.bad-request":                   {ES: "Solicitud incorrecta", PT: "Requisição incorreta", EN: "Bad request"},
		"problem.bad-request.cursor":            {ES: "el cursor no es válido; use el next_cursor de la página anterior", PT: "o cursor não é válido; use o next_cursor da página anterior", EN: "the cursor is not valid; use next_cursor from the previous page"},
		"problem.bad-request.limit":             {ES: "limit debe ser un entero entre 1 y 1000", PT: "limit deve ser um inteiro entre 1 e 1000", EN: "limit must be an integer between 1 and 1000"},
		"problem.bad-request.filter":            {ES: "no se puede filtrar por «%s»; filtros admitidos: %s", PT: "não é possível filtrar por «%s»; filtros aceitos: %s", EN: "cannot filter by %q; allowed filters: %s"},
		"problem.bad-request.if-match":          {ES: "If-Match debe ser un ETag como \"3\"", PT: "If-Match deve ser um ETag como \"3\"", EN: "If-Match must be an ETag such as \"3\""},
	})
}
