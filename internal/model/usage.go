package model

import "time"

// UsageSample is what one replica used at one time (table replica_usage).
type UsageSample struct {
	PlacementID   string    `json:"placement_id"`
	WorkloadID    string    `json:"workload_id"`
	At            time.Time `json:"at"`
	CPUPermille   int64     `json:"cpu_permille"`
	MemoryUsedMiB int64     `json:"memory_used_mib"`
	MemoryMiB     int64     `json:"memory_mib"`
	Simulated     bool      `json:"simulated"`
}
