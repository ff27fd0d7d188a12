package ledger

import (
	"errors"
	"fmt"

	"golang.org/x/text/language"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/workload"
)

// Sentinel errors; the API maps them to problem+json in one place.
var (
	// ErrOverBudget: a workload's commitment does not fit what its budget
	// line has available. Errors carrying it are *OverBudgetError.
	ErrOverBudget = errors.New("commitment does not fit the budget line")
	// ErrUnknownWorkload: metering or a query named a workload the ledger
	// never committed.
	ErrUnknownWorkload = errors.New("workload unknown to the ledger")
	// ErrInvalidMonth: a month is not YYYY-MM.
	ErrInvalidMonth = errors.New("month must be YYYY-MM")
	// ErrCommittedConcurrently: a workload's commitment was booked by
	// another transaction between the check and the booking; this one is
	// rolled back (its reservation with it).
	ErrCommittedConcurrently = errors.New("workload committed concurrently")
	// ErrMonthNotEnded: a month cannot be closed before it ends.
	ErrMonthNotEnded = errors.New("month has not ended")
	// ErrMonthClosed: the month is already closed.
	ErrMonthClosed = errors.New("month is already closed")
	// ErrNoPrice: no price was in force for the usage being rated.
	ErrNoPrice = errors.New("no price in force")
)

// OverBudgetError says which line refused a commitment, what was needed
// and how much is missing. It is also a *workload.BudgetError, so the
// workload service sees errors.Is(err, workload.ErrBudget).
type OverBudgetError struct {
	BudgetLineID string
	LineCode     string
	Need         money.Amount
	Available    money.Amount
	Shortfall    money.Amount
	// lang renders the workload-facing reason (the caller's language).
	lang i18n.Lang
}

func (e *OverBudgetError) Error() string {
	return fmt.Sprintf("%v: line %s needs %s, short by %s", ErrOverBudget, e.LineCode, e.Need, e.Shortfall)
}

// Unwrap exposes ErrOverBudget and the workload seam's BudgetError.
func (e *OverBudgetError) Unwrap() []error {
	return []error{ErrOverBudget, &workload.BudgetError{Reason: e.Reason(e.lang)}}
}

// Reason is the refusal as a localizable message, money formatted for lang.
func (e *OverBudgetError) Reason(lang i18n.Lang) workload.Msg {
	return workload.M("ledger.over_budget", e.LineCode, money.Format(e.Need, lang), money.Format(e.Shortfall, lang))
}

// Args are the arguments of the "ledger.over_budget" message, formatted in
// whatever language the message is rendered in.
func (e *OverBudgetError) Args() []any {
	return []any{e.LineCode, Localized(e.Need), Localized(e.Shortfall)}
}

// Localized formats an amount in the language of the i18n printer that
// renders it (money.Format), or in English outside one.
type Localized money.Amount

// Format implements fmt.Formatter.
func (l Localized) Format(f fmt.State, _ rune) {
	lang := i18n.EN
	if ls, ok := f.(interface{ Language() language.Tag }); ok {
		lang = i18n.Parse(ls.Language().String())
	}
	_, _ = fmt.Fprint(f, money.Format(money.Amount(l), lang))
}
