package workload

// UpdatePending exposes updatePending to the package's external tests.
var UpdatePending = updatePending
