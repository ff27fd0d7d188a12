package model

import "time"

// LedgerKind is what a ledger line books: money set aside for a workload
// (commitment), given back (release), charged for use (charge) or
// corrected by hand (adjustment). Lines are append-only, so a kind never
// changes and has no transition table.
type LedgerKind string

// Ledger line kinds.
const (
	LedgerCommitment LedgerKind = "commitment"
	LedgerRelease    LedgerKind = "release"
	LedgerCharge     LedgerKind = "charge"
	LedgerAdjustment LedgerKind = "adjustment"
)

// LedgerKinds lists every ledger line kind.
var LedgerKinds = []LedgerKind{LedgerCommitment, LedgerRelease, LedgerCharge, LedgerAdjustment}

// LedgerLine is one append-only ledger line. ID is its idempotency key.
type LedgerLine struct {
	ID               string
	Kind             LedgerKind
	BookedAt         time.Time
	Period           string
	InstitutionID    string
	BudgetLineID     string
	ProjectID        string
	WorkloadID       string
	ProviderID       string
	IntervalID       string
	UsageFrom        time.Time // zero for commitments and releases
	UsageTo          time.Time
	Seconds          int64
	UnitPrice        string
	PriceID          string
	ProviderCurrency string
	ProviderMinor    int64
	Currency         string
	AmountMinor      int64
	FXRate           string
	FXDate           string
	FXInverse        bool
	Reverses         string
	Memo             string
}

// Balance is a budget line's running totals in minor units.
type Balance struct {
	CommittedMinor int64
	AccruedMinor   int64
}

// BudgetReduction records a budget line cut below what it carried
// (committed + accrued), with the reason its author gave. Rows are never
// changed or deleted.
type BudgetReduction struct {
	ID             string
	InstitutionID  string
	BudgetLineID   string
	Currency       string
	FromMinor      int64
	ToMinor        int64
	CommittedMinor int64
	AccruedMinor   int64
	Reason         string
	ActorID        string
	ActorName      string
	At             time.Time
}
