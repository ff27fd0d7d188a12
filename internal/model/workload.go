package model

import (
	"time"

	"github.com/soberana/soberana/internal/money"
)

// WorkloadState is where a workload is in its life. The workload service
// is its one writer and moves it by its transition table
// (workload.WorkloadTransitions); every move is recorded as a
// WorkloadEvent with actor, time and reason.
type WorkloadState string

// Workload states.
const (
	StatePendingApproval WorkloadState = "pending_approval"
	StateApproved        WorkloadState = "approved"
	StateProvisioning    WorkloadState = "provisioning"
	StateRunning         WorkloadState = "running"
	StateMigrating       WorkloadState = "migrating"
	StateDeleting        WorkloadState = "deleting"
	StateDeleted         WorkloadState = "deleted"
	StateRejected        WorkloadState = "rejected"
	StateFailed          WorkloadState = "failed"
)

// WorkloadStates lists every workload state (the OpenAPI enum, the
// metrics and the transition table's test use it).
var WorkloadStates = []WorkloadState{
	StatePendingApproval, StateApproved, StateProvisioning, StateRunning,
	StateMigrating, StateDeleting, StateDeleted, StateRejected, StateFailed,
}

// PlacementState is where one replica (placement) is in its life. The
// workload service is its one writer and moves it by its transition table
// (workload.PlacementTransitions).
type PlacementState string

// Placement (replica) states.
const (
	PlacementPending      PlacementState = "pending"
	PlacementProvisioning PlacementState = "provisioning"
	PlacementRunning      PlacementState = "running"
	PlacementDeleting     PlacementState = "deleting"
	PlacementDeleted      PlacementState = "deleted"
	PlacementFailed       PlacementState = "failed"
)

// PlacementStates lists every placement state.
var PlacementStates = []PlacementState{
	PlacementPending, PlacementProvisioning, PlacementRunning,
	PlacementDeleting, PlacementDeleted, PlacementFailed,
}

// Names lists a closed set of typed string constants (states) as plain
// strings, for enums, form options and metric labels.
func Names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// Sovereignty modes.
const (
	SovereigntyNational = "national"
	SovereigntyRegional = "regional"
	SovereigntyAny      = "any"
)

// Residency is where the data may live.
type Residency struct {
	Countries    []string `json:"countries"`
	Subdivisions []string `json:"subdivisions,omitempty"`
}

// Sovereignty constrains the provider's own jurisdiction.
type Sovereignty struct {
	Mode          string   `json:"mode"`
	Jurisdictions []string `json:"jurisdictions,omitempty"`
}

// Redundancy asks for replicas spread apart.
type Redundancy struct {
	MinProviders      int     `json:"min_providers,omitempty"`
	MinFailureDomains int     `json:"min_failure_domains,omitempty"`
	MinDistanceKm     float64 `json:"min_distance_km,omitempty"`
}

// Nearness asks for sites within RadiusKm of a point (edge workloads).
type Nearness struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	RadiusKm  float64 `json:"radius_km"`
}

// NearPoint is a place where people are (a health post, a town, a state
// capital): a replica of its own must run within RadiusKm of it. Label is
// what explanations call it.
type NearPoint struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	RadiusKm  float64 `json:"radius_km"`
	Label     string  `json:"label,omitempty"`
}

// WorkloadPolicy is what a workload asks for and keeps as asked: the
// offering, how many replicas and where they may and should go. A
// WorkloadRequest and the Workload made from it embed it, so the request
// and the record declare these fields once and in the same wire order.
type WorkloadPolicy struct {
	OfferingID     string      `json:"offering_id"`
	Replicas       int         `json:"replicas"`
	Classification string      `json:"classification"`
	Residency      Residency   `json:"residency"`
	Sovereignty    Sovereignty `json:"sovereignty"`
	Redundancy     Redundancy  `json:"redundancy"`
	Nearness       *Nearness   `json:"nearness,omitempty"`
	// Near lists places (health posts, towns, state capitals) that each
	// need a replica of their own within radius_km.
	Near []NearPoint `json:"near,omitempty"`
	// PerSubdivision lists ISO 3166-2 subdivisions ("BR-SP") that each
	// need a replica of their own in them. Replicas is at least the number
	// of near points and subdivisions; the others go wherever the rest of
	// the policy allows.
	PerSubdivision []string `json:"per_subdivision,omitempty"`
	Tier           string   `json:"tier,omitempty"`
	// CostCeilingMinor is the monthly ceiling in minor units of the
	// institution's currency (0: none).
	CostCeilingMinor int64  `json:"cost_ceiling_minor,omitempty"`
	Preference       string `json:"preference,omitempty"`
}

// Workload is what an institution asked for.
type Workload struct {
	Meta
	ProjectID     string `json:"project_id"`
	InstitutionID string `json:"institution_id"`
	BudgetLineID  string `json:"budget_line_id"`
	WorkloadPolicy
	// Currency is the institution's national currency.
	Currency string `json:"currency"`
	// ForecastMonthlyMinor is the forecast monthly cost of all replicas.
	ForecastMonthlyMinor int64         `json:"forecast_monthly_minor"`
	State                WorkloadState `json:"state"`
	Reason               string        `json:"reason,omitempty"`
	CreatedBy            string        `json:"created_by,omitempty"`
	// RequestedBy is the person who asked for the workload (a user id; for
	// a service token, the person it derives from): its approver must be
	// another one.
	RequestedBy string `json:"requested_by,omitempty"`
	// AllowSimulated is the request's explicit consent to simulated sites:
	// without it all replicas are on real providers or all on simulated
	// ones, and a replica on a real provider is never moved to a
	// simulated one.
	AllowSimulated bool `json:"allow_simulated,omitempty"`
	// Image is the operating system family the replicas boot (empty: the
	// provider's default image for the offering).
	Image string `json:"image,omitempty"`
	// SSHKeys are the keys the replicas authorize, as they were when the
	// workload was asked for.
	SSHKeys []WorkloadKey `json:"ssh_keys,omitempty"`
	// UserData is the requester's cloud-init user-data (#cloud-config or a
	// #! script); it is merged into each replica's cloud-init document.
	UserData string `json:"user_data,omitempty"`
}

// Placement is the site chosen for one replica, with the provider's id.
type Placement struct {
	Meta
	WorkloadID string         `json:"workload_id"`
	Replica    int            `json:"replica"`
	SiteID     string         `json:"site_id"`
	ProviderID string         `json:"provider_id"`
	State      PlacementState `json:"state"`
	// ResourceID is the provider's id of the resource (server, namespace).
	ResourceID string `json:"resource_id,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// MonthlyMinor is this replica's forecast in the workload's currency.
	MonthlyMinor int64 `json:"monthly_minor"`
	VCPUs        int64 `json:"vcpus"`
	MemoryMiB    int64 `json:"memory_mib"`
	DiskGiB      int64 `json:"disk_gib"`
	Simulated    bool  `json:"simulated"`
	// Power is the power state soberana gave the replica while it runs
	// (see PowerState); empty reads as running.
	Power PowerState `json:"power,omitempty"`
	// Addresses are the replica's addresses as its provider reports them.
	Addresses []Address `json:"addresses,omitempty"`
}

// WorkloadEvent is one recorded transition or notable fact.
type WorkloadEvent struct {
	ID         string        `json:"id"`
	WorkloadID string        `json:"workload_id"`
	At         time.Time     `json:"at"`
	Actor      string        `json:"actor"`
	From       WorkloadState `json:"from,omitempty"`
	To         WorkloadState `json:"to,omitempty"`
	Reason     string        `json:"reason"`
}

// WorkloadView is a workload as the API shows it: reasons rendered in the
// caller's language, with its placements and timeline.
type WorkloadView struct {
	Workload
	// Simulated is true when any replica lives on a simulated provider.
	Simulated  bool            `json:"simulated"`
	Placements []PlacementView `json:"placements,omitempty"`
	Events     []WorkloadEvent `json:"events,omitempty"`
	// Cost is the forecast monthly cost, the month-to-date cost and what
	// stays committed; absent until the budget holds the workload.
	Cost *WorkloadCost `json:"cost,omitempty"`
}

// PlacementView is one replica's placement, with how often acting on it
// failed and when the reconciler looks at it next. It is the API's own
// view of the store's placement row (which also holds bookkeeping the
// wire does not show).
type PlacementView struct {
	Placement
	Attempts      int        `json:"attempts"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
}

// WorkloadCost is a workload's predictable cost.
type WorkloadCost struct {
	WorkloadID      string       `json:"workload_id"`
	ForecastMonthly money.Amount `json:"forecast_monthly"`
	MonthToDate     money.Amount `json:"month_to_date"`
	// Committed is what is still encumbered on the budget line for it.
	Committed money.Amount `json:"committed"`
	Month     string       `json:"month"`
}

// PlacementPreview is the answer of POST /v1/placements:preview: where the
// request would go and its monthly forecast, or why nothing fits. Nothing
// is reserved or stored.
type PlacementPreview struct {
	Feasible bool `json:"feasible"`
	// Exact is true when the set is proven the cheapest (N ≤ 5).
	Exact                bool               `json:"exact"`
	Currency             string             `json:"currency"`
	ForecastMonthlyMinor int64              `json:"forecast_monthly_minor"`
	ForecastMonthly      *money.Amount      `json:"forecast_monthly,omitempty"`
	Placements           []PreviewPlacement `json:"placements"`
	// Explanation says why these sites, or why nothing fits, in the
	// caller's language.
	Explanation string `json:"explanation"`
}

// PreviewPlacement is one replica's site in a preview.
type PreviewPlacement struct {
	Replica       int     `json:"replica"`
	SiteID        string  `json:"site_id"`
	ProviderID    string  `json:"provider_id"`
	Country       string  `json:"country"`
	Subdivision   string  `json:"subdivision,omitempty"`
	FailureDomain string  `json:"failure_domain"`
	MonthlyMinor  int64   `json:"monthly_minor"`
	DistanceKm    float64 `json:"distance_km,omitempty"`
	// Serves is the near point's label or the subdivision code this
	// replica covers (requests with near or per_subdivision).
	Serves string `json:"serves,omitempty"`
	// ServesDistanceKm is its distance to the near point it serves.
	ServesDistanceKm float64 `json:"serves_distance_km,omitempty"`
}
