package workload

import (
	"errors"

	"github.com/soberana/soberana/internal/model"
)

// ErrSegregation is wrapped by an ApprovalError: the approver may not
// approve this workload (segregation of duties).
var ErrSegregation = errors.New("workload: segregation of duties")

// Why an approval is refused.
const (
	// NotFinanceOfficer: only a finance officer of the workload's
	// institution approves spending.
	NotFinanceOfficer = "not-finance-officer"
	// OwnRequest: the approver asked for the workload.
	OwnRequest = "own-request"
)

// ApprovalError says why an approval was refused (Reason: one of the
// constants above).
type ApprovalError struct{ Reason string }

func (e *ApprovalError) Error() string { return "workload: approval refused: " + e.Reason }

// Unwrap makes an ApprovalError an ErrSegregation.
func (e *ApprovalError) Unwrap() error { return ErrSegregation }

// requester is who a workload records as having asked for it.
func (a Actor) requester() string {
	if a.Person != "" {
		return a.Person
	}
	return a.ID
}

// mayApprove is segregation of duties, as public financial rules demand:
// a workload that waits for approval (over the institution's automatic
// approval threshold, or beyond its budget line) commits public money, so
// its approver must be a finance officer of the institution and not the
// person who asked for it.
func mayApprove(who Actor, w model.Workload) error {
	if who.FinanceOfficerOf == nil || !who.FinanceOfficerOf(w.InstitutionID) {
		return &ApprovalError{Reason: NotFinanceOfficer}
	}
	own := w.RequestedBy != "" && w.RequestedBy == who.requester()
	// Workloads from before requested_by was recorded name their
	// requester in created_by only.
	own = own || w.RequestedBy == "" && w.CreatedBy == who.Name
	if own {
		return &ApprovalError{Reason: OwnRequest}
	}
	return nil
}
