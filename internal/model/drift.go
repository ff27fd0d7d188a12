package model

import (
	"slices"
	"time"
)

// DriftKind is how a replica's resource differs from what soberana placed.
type DriftKind string

// Drift kinds.
const (
	DriftDeleted DriftKind = "deleted"
	DriftStopped DriftKind = "stopped"
	DriftResized DriftKind = "resized"
	DriftMoved   DriftKind = "moved"
)

// DriftKinds lists every drift kind.
var DriftKinds = []DriftKind{DriftDeleted, DriftStopped, DriftResized, DriftMoved}

// EnumValues is the closed set (the OpenAPI enum).
func (DriftKind) EnumValues() []string { return Names(DriftKinds) }

// DriftAction is what soberana did about a drift. A drift is recorded
// once, with the action already taken, and never changes: it has no
// transition table.
type DriftAction string

// Drift actions.
const (
	DriftRecreated DriftAction = "recreated" // a vanished replica was placed again
	DriftFailed    DriftAction = "failed"    // a vanished replica was left failed (policy)
	DriftRestored  DriftAction = "restored"  // the resource was brought back to spec
	DriftAdopted   DriftAction = "adopted"   // the change was accepted as the new fact
	DriftReported  DriftAction = "reported"  // the driver cannot restore it; reported only
	// The provider failed the restore (a start, a resize back); it is
	// tried again at every resync.
	DriftRestoreFailed DriftAction = "restore_failed"
	// The difference of an open drift (reported, adopted or
	// restore_failed; in Detail) no longer holds: the resource was found
	// as placed again, put back by someone other than soberana. The same
	// change happening again is a new drift.
	DriftCleared DriftAction = "cleared"
)

// DriftActions lists every drift action.
var DriftActions = []DriftAction{DriftRecreated, DriftFailed, DriftRestored, DriftAdopted, DriftReported, DriftRestoreFailed, DriftCleared}

// Open reports whether a drift recorded with action a leaves its
// difference in place (reported, adopted, restore_failed): the difference
// is expected to hold at the next resyncs, which do not record it again,
// until a later drift of the replica and kind closes it (restored, or
// cleared when it is found gone).
func (a DriftAction) Open() bool {
	return slices.Contains(OpenDriftActions, a)
}

// OpenDriftActions lists the actions that leave a drift open (Open).
var OpenDriftActions = []DriftAction{DriftReported, DriftAdopted, DriftRestoreFailed}

// EnumValues is the closed set (the OpenAPI enum).
func (DriftAction) EnumValues() []string { return Names(DriftActions) }

// Drift is one difference found between a replica and its resource.
type Drift struct {
	ID            string      `json:"id"`
	PlacementID   string      `json:"placement_id"`
	WorkloadID    string      `json:"workload_id"`
	InstitutionID string      `json:"institution_id"`
	ProviderID    string      `json:"provider_id"`
	SiteID        string      `json:"site_id"`
	ResourceID    string      `json:"resource_id"`
	Kind          DriftKind   `json:"kind"`
	Detail        []Differs   `json:"detail"`
	Action        DriftAction `json:"action"`
	LastSeenAt    *time.Time  `json:"last_seen_at,omitempty"`
	DetectedAt    time.Time   `json:"detected_at"`
}

// Differs is one field of a drifted resource: what soberana wants and what
// the provider holds.
type Differs struct {
	Field string `json:"field"`
	Want  string `json:"want"`
	Got   string `json:"got"`
}

// DriftOnChange is what a workload wants done when a replica's resource
// changed (rather than vanished).
type DriftOnChange string

// Drift policies' OnChange values.
const (
	DriftRestore DriftOnChange = "restore"
	DriftAdopt   DriftOnChange = "adopt"
)

// DriftOnChanges lists every OnChange value.
var DriftOnChanges = []DriftOnChange{DriftRestore, DriftAdopt}

// EnumValues is the closed set (the OpenAPI enum).
func (DriftOnChange) EnumValues() []string { return Names(DriftOnChanges) }

// DriftPolicy is what a workload wants done when its replicas drift.
type DriftPolicy struct {
	// Recreate places a replica whose resource vanished again.
	Recreate bool `json:"recreate"`
	// OnChange is "restore" (bring the resource back to spec) or "adopt"
	// (accept the change).
	OnChange DriftOnChange `json:"on_change"`
}

// DefaultDriftPolicy is the policy of a workload that set none.
func DefaultDriftPolicy() DriftPolicy { return DriftPolicy{Recreate: true, OnChange: DriftRestore} }
