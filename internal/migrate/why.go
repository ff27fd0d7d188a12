package migrate

import (
	"errors"
	"fmt"

	"golang.org/x/text/language"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/workload"
)

// Why is a reason a plan is not feasible, rendered where it is shown, in
// the reader's language: a keyed message, or an explanation (the
// placement engine's reasons in numbers, a budget shortfall) that renders
// itself in any language.
type Why struct {
	msg    workload.Msg
	render func(i18n.Lang) string
}

// WhyMsg is a reason from a keyed message.
func WhyMsg(m workload.Msg) Why { return Why{msg: m} }

// Render returns the reason in lang.
func (w Why) Render(lang i18n.Lang) string {
	if w.render != nil {
		return w.render(lang)
	}
	return w.msg.Render(lang)
}

// IsZero reports an empty reason.
func (w Why) IsZero() bool { return w.render == nil && w.msg.IsZero() }

// Format renders the reason in the language of the i18n printer that
// formats it (a problem's detail), or in English outside one.
func (w Why) Format(f fmt.State, _ rune) {
	lang := i18n.EN
	if ls, ok := f.(interface{ Language() language.Tag }); ok {
		lang = i18n.Parse(ls.Language().String())
	}
	_, _ = fmt.Fprint(f, w.Render(lang))
}

// whyPlacement explains a placement failure in any language.
func (s *Service) whyPlacement(err error, currency, offering string) Why {
	var pe *workload.PlaceError
	if errors.As(s.svc.PlaceError(err, currency, offering), &pe) {
		return Why{render: pe.Explain}
	}
	return WhyMsg(workload.Msg{Text: err.Error()})
}

// whyBudget explains a budget commitment the line cannot take, in any
// language, money formatted for it.
func whyBudget(err error) Why {
	var ob *ledger.OverBudgetError
	if errors.As(err, &ob) {
		return Why{render: func(lang i18n.Lang) string {
			return i18n.T(lang, "migrate.reason.budget", ob.Reason(lang).Render(lang))
		}}
	}
	var be *workload.BudgetError
	if errors.As(err, &be) {
		return Why{render: func(lang i18n.Lang) string { return i18n.T(lang, "migrate.reason.budget", be.Reason.Render(lang)) }}
	}
	return WhyMsg(workload.Msg{Text: err.Error()})
}

// budgetMsg is the stored reason of a switch the budget line could no
// longer take (amounts as "BRL 1234.56", readable in every language).
func budgetMsg(err error) workload.Msg {
	var ob *ledger.OverBudgetError
	if errors.As(err, &ob) {
		return workload.M("migrate.reason.budget_switch", ob.LineCode, ob.Need.String(), ob.Shortfall.String())
	}
	var be *workload.BudgetError
	if errors.As(err, &be) {
		return be.Reason
	}
	return workload.Msg{Text: err.Error()}
}

// InfeasibleError is ErrInfeasible with its reason. A budget refusal also
// unwraps to the ledger's error (the API answers "budget-exceeded").
type InfeasibleError struct {
	Why Why
	// Err is the budget error behind the refusal, if that is the reason.
	Err error
}

func (e *InfeasibleError) Error() string { return ErrInfeasible.Error() + ": " + e.Why.Render(i18n.EN) }

// Unwrap makes errors.Is(err, ErrInfeasible) true.
func (e *InfeasibleError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInfeasible, e.Err}
	}
	return []error{ErrInfeasible}
}
