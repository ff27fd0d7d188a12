package model

import "time"

// SimResource is a resource of the built-in simulated provider.
type SimResource struct {
	ResourceID string    `json:"resource_id"`
	ProviderID string    `json:"provider_id"`
	SiteID     string    `json:"site_id"`
	ReplicaID  string    `json:"replica_id"`
	WorkloadID string    `json:"workload_id"`
	State      string    `json:"state"`
	VCPUs      int64     `json:"vcpus"`
	MemoryMiB  int64     `json:"memory_mib"`
	DiskGiB    int64     `json:"disk_gib"`
	CreatedAt  time.Time `json:"created_at"`
}

// SimFault is injected into the simulated provider: per provider an API
// error rate, extra latency per call and a provisioning delay; per site an
// outage.
type SimFault struct {
	Scope      string    `json:"scope"`
	ProviderID string    `json:"provider_id,omitempty"`
	SiteID     string    `json:"site_id,omitempty"`
	ErrorRate  string    `json:"error_rate"`
	LatencyMs  int64     `json:"latency_ms"`
	DelayMs    int64     `json:"provisioning_delay_ms"`
	Outage     bool      `json:"outage"`
	UpdatedAt  time.Time `json:"updated_at"`
}
