package model

import "time"

// ReplicaBoot is the first-boot document rendered for one replica.
type ReplicaBoot struct {
	PlacementID string    `json:"placement_id"`
	WorkloadID  string    `json:"workload_id"`
	ImageRef    string    `json:"image_ref,omitempty"`
	CloudInit   string    `json:"cloud_init"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}
