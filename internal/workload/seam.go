package workload

import (
	"context"
	"errors"
	"time"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Budget is the seam to the ledger: it encumbers a workload's forecast on a
// budget line. It is optional; a nil Budget means every workload fits.
//
// Commit runs inside the transaction that creates or approves the workload
// (so the commitment and the state change are one fact) and returns whether
// the forecast fits. When it does not fit and the institution refuses such
// requests, Commit returns an error wrapping ErrBudget (use *BudgetError to
// carry the reason); the transaction then rolls back. Release runs inside
// the transaction that ends the workload (deleted, rejected, failed) and
// frees what Commit encumbered. Both must be idempotent per workload: the
// service may call Commit again for a workload already committed (an
// approval after NeedsApproval) and Release for one never committed.
type Budget interface {
	// Commit runs inside the workload's create/approve transaction and encumbers its forecast.
	Commit(ctx context.Context, tx *store.Tx, w *model.Workload) (BudgetOutcome, error)
	Release(ctx context.Context, tx *store.Tx, w *model.Workload) error
}

// Meter is the seam to usage metering: the ledger accrues charges for the
// time each replica runs. It is optional; nil means nothing is metered.
// Start and Stop run in the same transaction as the placement's state
// change to or from running, so a crash never loses or doubles an interval.
type Meter interface {
	Start(ctx context.Context, tx *store.Tx, p *model.Placement, at time.Time) error // a replica started running
	Stop(ctx context.Context, tx *store.Tx, p *model.Placement, at time.Time) error  // it stopped (deleted/failed/moved)
}

// BatchMeter is a Meter that opens or closes many replicas' intervals at
// once, as Start or Stop would one by one (the reconciler's recorder
// starts a batch; a resize stops and starts all its replicas).
type BatchMeter interface {
	StartAll(ctx context.Context, tx *store.Tx, ps []*model.Placement, at time.Time) error
	StopAll(ctx context.Context, tx *store.Tx, ps []*model.Placement, at time.Time) error
}

// BudgetOutcome is what Budget.Commit decided.
type BudgetOutcome struct {
	// NeedsApproval is false when the forecast fits and was encumbered;
	// true when the workload must wait for a finance officer, for Reason.
	NeedsApproval bool
	Reason        Msg
	// Cost is the workload's cost as this commit left it, for a workload
	// that has not run: its forecast, nothing used and what the commit
	// booked. A create answers with it instead of reading it back (issue
	// #19); nil when not known without reading.
	Cost *model.WorkloadCost
}

// Fits is the outcome of a commitment that fits.
func Fits() BudgetOutcome { return BudgetOutcome{} }

// NeedsApproval is the outcome of a request that waits for a person.
func NeedsApproval(reason Msg) BudgetOutcome {
	return BudgetOutcome{NeedsApproval: true, Reason: reason}
}

// ErrBudget is wrapped by Budget.Commit errors for a forecast that does not
// fit the budget line. The API answers 422 with the reason.
var ErrBudget = errors.New("workload: forecast does not fit the budget")

// BudgetError carries the localizable reason a forecast does not fit.
type BudgetError struct{ Reason Msg }

func (e *BudgetError) Error() string { return ErrBudget.Error() + ": " + e.Reason.Render(i18n.EN) }

// Unwrap makes errors.Is(err, ErrBudget) true.
func (e *BudgetError) Unwrap() error { return ErrBudget }

// Msg is a localizable message: an i18n key with string arguments, stored
// as such and rendered in the reader's language. A Msg with an empty Key is
// free text written by a person (a rejection reason) and renders as Text.
type Msg struct {
	Key  string   `json:"key,omitempty"`
	Args []string `json:"args,omitempty"`
	Text string   `json:"text,omitempty"`
}

// M builds a Msg from a key registered with i18n.Add and its arguments.
func M(key string, args ...string) Msg { return Msg{Key: key, Args: args} }

// Render returns the message in lang.
func (m Msg) Render(lang i18n.Lang) string {
	if m.Key == "" {
		return m.Text
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = a
	}
	return i18n.T(lang, m.Key, args...)
}

// IsZero reports an empty message.
func (m Msg) IsZero() bool { return m.Key == "" && m.Text == "" }
