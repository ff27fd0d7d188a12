package provider

import "context"

// Faults is the setting of one provider, as operators change it.
type Faults struct {
	ErrorRate string `json:"error_rate"`
	LatencyMs int64  `json:"latency_ms"`
	DelayMs   int64  `json:"provisioning_delay_ms"`
}

// StateStopped is the state of a simulated resource stopped outside
// soberana (Tamper); it still exists and holds its capacity.
const StateStopped = "stopped"

// FaultInjector is the simulated provider's control surface, as the API's
// /v1/sim routes drive it: the API holds this contract, not the driver.
type FaultInjector interface {
	// SetProviderFaults stores a provider's faults and applies them at once.
	SetProviderFaults(ctx context.Context, providerID string, f Faults) error
	// SetOutage starts (out) or ends an outage of a site.
	SetOutage(ctx context.Context, providerID, siteID string, out bool) error
}
