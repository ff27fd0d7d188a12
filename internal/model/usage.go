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

// UsageRollup is one replica's samples of one bucket, rolled up once they
// are older than the fine window: how many, and the sum and the largest
// of each value (the mean is the sum over the count).
type UsageRollup struct {
	PlacementID      string
	WorkloadID       string
	At               time.Time // the bucket's start
	Bucket           time.Duration
	Samples          int64
	CPUPermilleSum   int64
	CPUPermilleMax   int64
	MemoryUsedMiBSum int64
	MemoryUsedMiBMax int64
	MemoryMiBMax     int64
	Simulated        bool
}
