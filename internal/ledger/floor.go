package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/store"
)

// ErrBelowFloor: a budget line's amount would be cut below what it
// carries (committed + accrued) without a reduction reason. Errors
// carrying it are *BelowFloorError.
var ErrBelowFloor = errors.New("budget line amount below committed + accrued")

// MaxReasonLen bounds a reduction reason (characters).
const MaxReasonLen = 500

// BelowFloorError names the floor a budget line cannot be cut below: what
// is committed and accrued on it.
type BelowFloorError struct {
	BudgetLineID string
	LineCode     string
	// Amount is the amount asked for; Floor = Committed + Accrued.
	Amount    money.Amount
	Committed money.Amount
	Accrued   money.Amount
	Floor     money.Amount
}

func (e *BelowFloorError) Error() string {
	return fmt.Sprintf("%v: line %s cannot go to %s below %s (committed %s + accrued %s)",
		ErrBelowFloor, e.LineCode, e.Amount, e.Floor, e.Committed, e.Accrued)
}

// Unwrap exposes ErrBelowFloor.
func (e *BelowFloorError) Unwrap() error { return ErrBelowFloor }

// Args are the arguments of the "ledger.below_floor" message.
func (e *BelowFloorError) Args() []any {
	return []any{e.LineCode, Localized(e.Amount), Localized(e.Floor), Localized(e.Committed), Localized(e.Accrued)}
}

// Reduction is who cuts a line and why.
type Reduction struct {
	Reason    string
	ActorID   string
	ActorName string
}

// ErrBadReason: a reduction reason that is too long or not printable text.
var ErrBadReason = errors.New("reduction reason must be printable text of at most 500 characters")

// CheckAmount guards a budget line's change from old to next, in the
// transaction that makes it. Lowering the amount below what the line
// carries (committed + accrued) makes its available negative: that is
// refused with a *BelowFloorError unless red gives a reason, and then it
// is recorded as a budget reduction (returned) that the budget alerts
// show. A line that is not lowered, or lowered but not below its floor,
// needs nothing and returns nil.
func CheckAmount(ctx context.Context, tx *store.Tx, old, next model.BudgetLine, red Reduction) (*model.BudgetReduction, error) {
	if next.AmountMinor >= old.AmountMinor {
		return nil, nil
	}
	// Reservations run at READ COMMITTED: wait for those in flight and
	// keep new ones out, so that the floor read below is current.
	if err := tx.LockBudgetLineForUpdate(ctx, old.ID); err != nil {
		return nil, err
	}
	bals, err := Balances(ctx, tx, []model.BudgetLine{old})
	if err != nil {
		return nil, err
	}
	b := bals[0]
	floor := b.Committed.Minor + b.Accrued.Minor
	if next.AmountMinor >= floor {
		return nil, nil
	}
	reason := strings.TrimSpace(red.Reason)
	if reason == "" {
		return nil, &BelowFloorError{BudgetLineID: old.ID, LineCode: old.Code,
			Amount:    money.Amount{Minor: next.AmountMinor, Currency: b.Amount.Currency},
			Committed: b.Committed, Accrued: b.Accrued,
			Floor: money.Amount{Minor: floor, Currency: b.Amount.Currency}}
	}
	if !printable(reason) {
		return nil, ErrBadReason
	}
	r := &model.BudgetReduction{ID: model.NewID("bred"), InstitutionID: old.InstitutionID, BudgetLineID: old.ID,
		Currency: old.Currency, FromMinor: old.AmountMinor, ToMinor: next.AmountMinor,
		CommittedMinor: b.Committed.Minor, AccruedMinor: b.Accrued.Minor, Reason: reason,
		ActorID: red.ActorID, ActorName: red.ActorName}
	if err := tx.InsertBudgetReduction(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// printable reports valid UTF-8 of at most MaxReasonLen characters with
// no control or bidi-override characters.
func printable(s string) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxReasonLen {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return false
		}
	}
	return true
}
