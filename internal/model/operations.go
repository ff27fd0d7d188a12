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
