package model

// WorkloadRequest asks for a workload: the body of POST /v1/workloads and
// of a placement preview. The workload service validates it
// (workload.CreateRequest) and the public SDK sends it as
// client.WorkloadSpec, so the server and its clients share one
// declaration of the wire.
type WorkloadRequest struct {
	ProjectID string `json:"project_id"`
	WorkloadPolicy
	// AllowSimulated lets the replicas go on simulated sites as well as
	// real ones (see Workload.AllowSimulated).
	AllowSimulated bool `json:"allow_simulated,omitempty"`
	// Image is the operating system family to boot (GET /v1/images).
	Image string `json:"image,omitempty"`
	// SSHKeys are names or ids of SSH keys (/v1/ssh-keys) of the caller
	// or of the project that the replicas authorize.
	SSHKeys []string `json:"ssh_keys,omitempty"`
	// UserData is cloud-init user-data: #cloud-config YAML or a #! script,
	// at most 16 KiB.
	UserData string `json:"user_data,omitempty"`
}

// ReleaseRequest asks for a release: the body of POST
// /v1/apps/{id}/releases. The deploy service validates it
// (deploy.ReleaseRequest) and the public SDK sends it as
// client.ReleaseSpec, so the server and its clients share one
// declaration of the wire.
type ReleaseRequest struct {
	// Image is a tag ("v1.4.2"), a digest ("sha256:…") or a whole
	// reference ("registry.gob.mx/salud/citas:v1.4.2").
	Image  string `json:"image"`
	Commit string `json:"commit,omitempty"`
	// The wave strategy (docs/edge.md "Wave rollouts"); none: site by
	// site over the app's workload.
	StrategyRequest
}

// StrategyRequest is the wave part of a release request.
type StrategyRequest struct {
	// Group is an edge group's name or id: the release rolls out to its
	// subclouds' sites.
	Group string `json:"group,omitempty"`
	// Sites are site ids to roll out to (instead of a group).
	Sites []string `json:"sites,omitempty"`
	// MaxParallel is the number of sites per wave (at least 1 when any
	// wave field is given).
	MaxParallel int `json:"max_parallel,omitempty"`
	// Canary is the size of the first wave (0: no canary wave).
	Canary int `json:"canary,omitempty"`
	// FailureThreshold is the share of a wave's sites that may fail, from
	// 0 to 1 (default 0: any failure stops the rollout).
	FailureThreshold *float64 `json:"failure_threshold,omitempty"`
}

// Waved reports whether the request asks for a wave rollout.
func (s StrategyRequest) Waved() bool {
	return s.Group != "" || len(s.Sites) > 0 || s.MaxParallel != 0 || s.Canary != 0 || s.FailureThreshold != nil
}
