// Package workload is the service behind /v1/workloads: it validates a
// request, places its replicas (reserving capacity in the placement engine),
// asks the budget seam, and persists the workload, its placements and the
// first event in one transaction; it approves, rejects and deletes; and it
// owns the state machine pending_approval → approved → provisioning →
// running → deleting → deleted, with rejected and failed as ends. Every
// transition is stored as an event with actor, time and a localizable
// reason.
//
// The ledger plugs in through two small interfaces declared here, Budget
// and Meter; both are optional.
package workload
