package api

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"testing"

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
)

// TestMapErrorEveryCase pins each of mapError's answers — status, type,
// detail key, arguments, extension members and whether the cause is kept
// for the log — and the order that picks between errors that match
// several cases.
func TestMapErrorEveryCase(t *testing.T) {
	invalidRequest := (*workload.Service)(nil).PlaceError(&placement.InvalidRequestError{}, "EUR", "o1")
	noFit := (*workload.Service)(nil).PlaceError(&placement.NoFitError{}, "EUR", "o1")
	overBudget := &ledger.OverBudgetError{BudgetLineID: "bl1", LineCode: "L-1"}
	infeasible := &migrate.InfeasibleError{Why: migrate.WhyMsg(workload.Msg{Text: "no host left"})}
	type want struct {
		status  int
		slug    string
		key     string
		args    string // fmt.Sprint of Args; "-" skips the check
		keepErr bool
		ext     []string
		params  []string
	}
	cases := []struct {
		name string
		err  error
		want want
	}{
		{"escalation", &auth.EscalationError{Role: "admin", Action: "grant"},
			want{403, "escalation", "problem.escalation.detail", "[admin grant]", true, nil, nil}},
		{"segregation", fmt.Errorf("approve: %w", &workload.ApprovalError{Reason: "self"}),
			want{403, "segregation", "problem.segregation.self", "[]", true, nil, nil}},
		{"revoked", deploy.ErrRevoked,
			want{403, "credential-revoked", "problem.credential-revoked.detail", "[]", true, nil, nil}},
		{"auth decision", fmt.Errorf("x: %w", auth.ErrForbidden),
			want{403, "forbidden", "problem.forbidden.detail", "[]", false, nil, nil}},
		{"auth hidden", auth.ErrHidden,
			want{404, "not-found", "problem.not-found.detail", "[]", false, nil, nil}},
		{"auth invalid names its field", fmt.Errorf("%w: scope is empty", auth.ErrInvalid),
			want{422, "validation", "problem.validation.detail", "[1]", false, nil, []string{"scope"}}},
		{"auth invalid without field", auth.ErrInvalid,
			want{422, "validation", "problem.validation.detail", "[1]", false, nil, []string{"body"}}},
		{"over budget", overBudget,
			want{422, "budget-exceeded", "ledger.over_budget", "-", true, []string{"available", "budget_line_id", "need", "shortfall"}, nil}},
		{"migration refused for budget answers over budget", &migrate.InfeasibleError{Why: migrate.WhyMsg(workload.Msg{Text: "x"}), Err: overBudget},
			want{422, "budget-exceeded", "ledger.over_budget", "-", true, []string{"available", "budget_line_id", "need", "shortfall"}, nil}},
		{"invalid month", ledger.ErrInvalidMonth,
			want{400, "bad-request", "ledger.month", "[]", true, nil, nil}},
		{"month not ended", ledger.ErrMonthNotEnded,
			want{409, "month-open", "ledger.month_not_ended", "[]", true, nil, nil}},
		{"month closed", ledger.ErrMonthClosed,
			want{409, "month-closed", "ledger.month_closed", "[]", true, nil, nil}},
		{"ledger unknown workload", ledger.ErrUnknownWorkload,
			want{404, "not-found", "problem.not-found.detail", "[]", true, nil, nil}},
		{"data policy", &workload.PolicyError{InstitutionID: "i1", Institution: "Uni", Summary: "eu-only"},
			want{422, "data-policy", "problem.data-policy.detail", "[Uni eu-only]", true, []string{"data_policy", "institution_id"}, nil}},
		{"placement invalid request", invalidRequest,
			want{422, "validation", "problem.no-fit.detail", "-", true, nil, nil}},
		{"placement no fit explained", noFit,
			want{422, "no-fit", "problem.no-fit.detail", "-", true, nil, nil}},
		{"no fit bare", placement.ErrNoFit,
			want{422, "no-fit", "problem.no-fit.detail", fmt.Sprint([]any{placement.ErrNoFit.Error()}), true, nil, nil}},
		{"cost ceiling bare", placement.ErrCostCeiling,
			want{422, "no-fit", "problem.no-fit.detail", fmt.Sprint([]any{placement.ErrCostCeiling.Error()}), true, nil, nil}},
		{"contention", placement.ErrContention,
			want{503, "timeout", "problem.timeout.detail", "[]", true, nil, nil}},
		{"state", &workload.StateError{Action: "start", State: "deleted"},
			want{409, "state-conflict", "problem.state-conflict.detail", "[start deleted]", true, nil, nil}},
		{"budget reason", &workload.BudgetError{Reason: workload.Msg{Text: "too dear"}},
			want{422, "budget", "problem.budget.detail", "[too dear]", true, nil, nil}},
		{"budget bare", workload.ErrBudget,
			want{422, "budget", "problem.budget.detail", fmt.Sprint([]any{workload.ErrBudget.Error()}), true, nil, nil}},
		{"idempotency", workload.ErrIdempotencyMismatch,
			want{422, "idempotency-mismatch", "problem.idempotency-mismatch.detail", "[]", true, nil, nil}},
		{"capability", &workload.CapabilityError{Action: "stop", Provider: "static"},
			want{409, "unsupported", "problem.unsupported.power", "[static stop]", true, nil, nil}},
		{"provider", &workload.ProviderError{Action: "stop", Replica: 2, Err: errors.New("nova down")},
			want{502, "provider-failed", "problem.provider-failed.power", "[stop 2 nova down]", true, nil, nil}},
		{"replica changed", &workload.ReplicaChangedError{Action: "resize", Replica: 1},
			want{409, "replica-changed", "problem.replica-changed.detail", "[1 resize]", true, nil, nil}},
		{"workload changed", &workload.WorkloadChangedError{Action: "resize"},
			want{409, "workload-changed", "problem.workload-changed.detail", "[resize]", true, nil, nil}},
		{"migrate target", migrate.ErrTarget,
			want{422, "validation", "problem.migrate-target.detail", "[]", true, nil, nil}},
		{"migrate not running", migrate.ErrNotRunning,
			want{409, "state-conflict", "problem.migrate-not-running.detail", "[]", true, nil, nil}},
		{"infeasible why", infeasible,
			want{422, "no-fit", "problem.no-fit.detail", "[no host left]", true, nil, nil}},
		{"infeasible bare keeps the reason", fmt.Errorf("%w: capacity", migrate.ErrInfeasible),
			want{422, "no-fit", "problem.no-fit.detail", "[capacity]", true, nil, nil}},
		{"deploy field", &deploy.FieldError{Field: "repo", Msg: deploy.Msg{Key: "field.invalid", Args: []string{"a"}}},
			want{422, "validation", "problem.validation.detail", "[1]", true, nil, []string{"repo"}}},
		{"signature", deploy.ErrSignature,
			want{401, "webhook-signature", "problem.webhook-signature.detail", "[]", true, nil, nil}},
		{"unknown forge", deploy.ErrUnknownForge,
			want{401, "webhook-signature", "problem.webhook-signature.detail", "[]", true, nil, nil}},
		{"replayed", store.ErrReplayed,
			want{409, "webhook-replayed", "problem.webhook-replayed.detail", "[]", true, nil, nil}},
		{"deploy secrets key", deploy.ErrNoSecretsKey,
			want{503, "secrets-unconfigured", "problem.secrets-unconfigured.detail", "[]", true, nil, nil}},
		{"sshca secrets key", sshca.ErrNoSecretsKey,
			want{503, "secrets-unconfigured", "problem.secrets-unconfigured.detail", "[]", true, nil, nil}},
		{"payload", fmt.Errorf("%w: not json", deploy.ErrPayload),
			want{400, "webhook-payload", "problem.webhook-payload.detail", fmt.Sprint([]any{deploy.ErrPayload.Error() + ": not json"}), true, nil, nil}},
		{"access ended", sshca.ErrAccessEnded,
			want{403, "access-ended", "problem.access-ended.detail", "[]", true, nil, nil}},
		{"validation", &model.ValidationError{Fields: []model.FieldError{{Field: "name", Key: "field.required"}, {Field: "size", Key: "field.invalid"}}},
			want{422, "validation", "problem.validation.detail", "[2]", false, nil, []string{"name", "size"}}},
		{"not found", store.ErrNotFound,
			want{404, "not-found", "problem.not-found.detail", "[]", false, nil, nil}},
		{"duplicate", store.ErrDuplicate,
			want{409, "duplicate", "problem.duplicate.detail", "[]", false, nil, nil}},
		{"in use", store.ErrInUse,
			want{409, "in-use", "problem.in-use.detail", "[]", false, nil, nil}},
		{"busy", store.ErrBusy,
			want{503, "busy", "problem.busy.detail", "[]", true, []string{"retry_after_seconds"}, nil}},
		{"conflict", store.ErrConflict,
			want{http.StatusPreconditionFailed, "precondition-failed", "problem.precondition-failed.detail", "[]", false, nil, nil}},
		{"reference", store.ErrReference,
			want{422, "validation", "problem.reference.detail", "[]", false, nil, nil}},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded),
			want{503, "timeout", "problem.timeout.detail", "[]", false, nil, nil}},
		{"anything else", errors.New("boom"),
			want{500, "internal", "problem.internal.detail", "[]", true, nil, nil}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := mapError(c.err, i18n.EN)
			if e.Status != c.want.status || e.Slug != c.want.slug || e.Key != c.want.key {
				t.Fatalf("got %d %s %s, want %d %s %s", e.Status, e.Slug, e.Key, c.want.status, c.want.slug, c.want.key)
			}
			if got := fmt.Sprint(e.Args); c.want.args != "-" && got != c.want.args {
				t.Errorf("args %s, want %s", got, c.want.args)
			}
			if c.want.args == "-" && len(e.Args) == 0 {
				t.Error("no args")
			}
			if (e.Err != nil) != c.want.keepErr {
				t.Errorf("cause kept: %v, want %v", e.Err != nil, c.want.keepErr)
			}
			if e.Err != nil && !errors.Is(e.Err, c.err) {
				t.Errorf("cause %v is not %v", e.Err, c.err)
			}
			if got := sortedKeys(e.Ext); !reflect.DeepEqual(got, c.want.ext) {
				t.Errorf("ext %v, want %v", got, c.want.ext)
			}
			var params []string
			for _, p := range e.Params {
				params = append(params, p.Field)
			}
			if !reflect.DeepEqual(params, c.want.params) {
				t.Errorf("params %v, want %v", params, c.want.params)
			}
		})
	}
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
