package model

// MigrationState is where a workload migration is in its life. The migrate
// service is its one writer and moves it by MigrationTransitions
// (Migration.SetState).
type MigrationState string

// Migration states.
const (
	MigrationRunning    MigrationState = "running"
	MigrationDone       MigrationState = "done"
	MigrationRolledBack MigrationState = "rolled_back"
)

// MigrationStates lists every migration state.
var MigrationStates = []MigrationState{MigrationRunning, MigrationDone, MigrationRolledBack}

// MigrationTransitions is the table of migration states: a running
// migration switches (done) or rolls back; both are final.
var MigrationTransitions = StateTable[MigrationState]{
	MigrationRunning: {MigrationDone, MigrationRolledBack},
}

// Migration is the durable record of one workload migration.
type Migration struct {
	Meta
	WorkloadID    string         `json:"workload_id"`
	EvacuationID  string         `json:"evacuation_id,omitempty"`
	State         MigrationState `json:"state"`
	Plan          string         `json:"-"`
	NewPlacements string         `json:"-"`
	OldPlacements string         `json:"-"`
	Reason        string         `json:"-"`
	CreatedBy     string         `json:"created_by"`
}

// SetState moves m to state to, checking MigrationTransitions. It only
// changes m; the caller stores it.
func (m *Migration) SetState(to MigrationState) error {
	return MigrationTransitions.Move("migration", &m.State, to)
}

// EvacuationState is where a provider evacuation is in its life. The
// migrate service is its one writer and moves it by EvacuationTransitions
// (Evacuation.SetState).
type EvacuationState string

// Evacuation states.
const (
	EvacuationRunning EvacuationState = "running"
	EvacuationDone    EvacuationState = "done"
)

// EvacuationStates lists every evacuation state.
var EvacuationStates = []EvacuationState{EvacuationRunning, EvacuationDone}

// EvacuationTransitions is the table of evacuation states: a running
// evacuation ends done, which is final.
var EvacuationTransitions = StateTable[EvacuationState]{
	EvacuationRunning: {EvacuationDone},
}

// Evacuation is the durable record of a provider evacuation.
type Evacuation struct {
	Meta
	ProviderID  string          `json:"provider_id"`
	State       EvacuationState `json:"state"`
	Concurrency int             `json:"concurrency"`
	Queue       string          `json:"-"`
	Total       int             `json:"total"`
	CreatedBy   string          `json:"created_by"`
}

// SetState moves e to state to, checking EvacuationTransitions. It only
// changes e; the caller stores it.
func (e *Evacuation) SetState(to EvacuationState) error {
	return EvacuationTransitions.Move("evacuation", &e.State, to)
}

// ReplicaMove is one replica's move.
type ReplicaMove struct {
	Replica          int    `json:"replica"`
	FromSite         string `json:"from_site"`
	FromProvider     string `json:"from_provider"`
	ToSite           string `json:"to_site"`
	ToProvider       string `json:"to_provider"`
	ToCountry        string `json:"to_country"`
	FromMonthlyMinor int64  `json:"from_monthly_minor"`
	ToMonthlyMinor   int64  `json:"to_monthly_minor"`
}

// DataMove says how one replica's data moves.
type DataMove struct {
	Replica int    `json:"replica"`
	DiskGiB int64  `json:"disk_gib"`
	Method  string `json:"method"` // snapshot or application
}

// MigrationPlan is what a migration would do.
type MigrationPlan struct {
	WorkloadID          string        `json:"workload_id"`
	Currency            string        `json:"currency"`
	Feasible            bool          `json:"feasible"`
	Reason              string        `json:"reason,omitempty"`
	Moves               []ReplicaMove `json:"moves"`
	CurrentMonthlyMinor int64         `json:"current_monthly_minor"`
	NewMonthlyMinor     int64         `json:"new_monthly_minor"`
	DeltaMonthlyMinor   int64         `json:"delta_monthly_minor"`
	// CommitmentDeltaMinor is what the switch would add to the budget
	// line's committed amount now (negative: free): the new forecast
	// committed to the end of the fiscal year, less what is still
	// committed for the workload.
	CommitmentDeltaMinor int64      `json:"commitment_delta_minor"`
	Data                 []DataMove `json:"data"`
	DataGiB              int64      `json:"data_gib"`
	Steps                []string   `json:"steps"`
}

// EvacuationItem is one workload of an evacuation plan.
type EvacuationItem struct {
	WorkloadID string        `json:"workload_id"`
	Feasible   bool          `json:"feasible"`
	Reason     string        `json:"reason,omitempty"`
	Plan       MigrationPlan `json:"plan"`
}

// EvacuationPlan accounts for every workload on a provider.
type EvacuationPlan struct {
	ProviderID string           `json:"provider_id"`
	Workloads  int              `json:"workloads"`
	Feasible   int              `json:"feasible"`
	Infeasible int              `json:"infeasible"`
	DataGiB    int64            `json:"data_gib"`
	DataByApp  int              `json:"data_moved_by_application"`
	Delta      map[string]int64 `json:"delta_monthly_minor_by_currency"`
	Items      []EvacuationItem `json:"items"`
}

// EvacuationProgress is an evacuation's state.
type EvacuationProgress struct {
	Evacuation
	Queued     int `json:"queued"`
	Migrating  int `json:"migrating"`
	Done       int `json:"done"`
	RolledBack int `json:"rolled_back"`
	Skipped    int `json:"skipped"`
}
