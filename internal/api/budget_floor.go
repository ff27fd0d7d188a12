package api

import (
	"errors"
	"net/http"
	"sort"

	"github.com/soberana/soberana/internal/auth"

	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/store"
)

// ActionBudgetReduce is the audit action of a budget line cut below what
// it carries; its target is the budget reduction, which holds the reason.
const ActionBudgetReduce = "budget-lines:reduce-below-committed"

// budgetFloor refuses to lower a budget line below committed + accrued
// unless the body carries reduction_reason; with one, the reduction is
// recorded (a budget alert) and audited in the change's transaction.
func budgetFloor(r *http.Request, tx *store.Tx, old, v *model.BudgetLine) error {
	p := principalOf(r.Context())
	red := ledger.Reduction{Reason: v.ReductionReason}
	if p != nil {
		red.ActorID, red.ActorName = p.ActorID(), p.Name
	}
	v.ReductionReason = ""
	rec, err := ledger.CheckAmount(r.Context(), tx, *old, *v, red)
	var bf *ledger.BelowFloorError
	switch {
	case errors.As(err, &bf):
		return &Error{Status: http.StatusUnprocessableEntity, Slug: "below-committed", Key: "ledger.below_floor",
			Args: bf.Args(), Err: err, Params: []model.FieldError{{Field: "amount_minor", Key: "field.below_floor", Args: []any{ledger.Localized(bf.Floor)}}},
			Ext: map[string]any{"budget_line_id": bf.BudgetLineID, "floor": bf.Floor, "committed": bf.Committed, "accrued": bf.Accrued}}
	case errors.Is(err, ledger.ErrBadReason):
		var val model.Validator
		val.Add("reduction_reason", "ledger.bad_reason")
		return val.Err()
	case err != nil:
		return err
	case rec == nil:
		return nil
	}
	// The request's own event says the line changed; this one, in the same
	// transaction, says it was cut below what it carries and names the
	// reduction that keeps the reason.
	var e model.AuditEvent
	store.PendingAuditOf(r.Context()).Update(func(pe *model.AuditEvent) { e = *pe })
	if e.ActorKind == "" {
		e.ActorKind, e.ActorID, e.ActorName = model.ActorUser, red.ActorID, red.ActorName
	}
	e.Action, e.TargetKind, e.TargetID = ActionBudgetReduce, "budget-reductions", rec.ID
	e.InstitutionID, e.Outcome, e.Status = old.InstitutionID, OutcomeSuccess, http.StatusOK
	e.Seq, e.PrevHash, e.Hash, e.At = 0, "", "", tx.Now()
	return tx.AppendAudit(r.Context(), &e)
}

// reductionAlerts are the budget reductions in the caller's scopes, as
// alerts: Used is what the line carried, Amount what it was cut to.
func reductionAlerts(r *http.Request, tx *store.Tx, institutionID, lineID string) ([]BudgetAlertView, error) {
	rs, err := tx.BudgetReductions(r.Context(), institutionID, lineID)
	if err != nil {
		return nil, err
	}
	out := make([]BudgetAlertView, 0, len(rs))
	for _, rd := range rs {
		if AllowAt(r, "budget-lines:read", auth.Target{Institution: rd.InstitutionID}) != nil {
			continue
		}
		cur, err := money.ParseCurrency(rd.Currency)
		if err != nil {
			return nil, err
		}
		out = append(out, BudgetAlertView{ID: rd.ID, InstitutionID: rd.InstitutionID, BudgetLineID: rd.BudgetLineID,
			Threshold: 100, At: rd.At, Kind: BudgetAlertReduction, Reason: rd.Reason, By: rd.ActorName,
			Used:   money.Amount{Minor: rd.CommittedMinor + rd.AccruedMinor, Currency: cur},
			Amount: money.Amount{Minor: rd.ToMinor, Currency: cur}})
	}
	return out, nil
}

// mergeAlerts merges two lists sorted by time into one.
func mergeAlerts(a, b []BudgetAlertView) []BudgetAlertView {
	out := make([]BudgetAlertView, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}
