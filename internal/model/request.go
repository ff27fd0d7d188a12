package model

// WorkloadRequest asks for a workload: the body of POST /v1/workloads and
// of a placement preview. The workload service validates it
// (workload.CreateRequest) and the public SDK sends it as
// client.WorkloadSpec, so the server and its clients share one
// declaration of the wire.
type WorkloadRequest struct {
	ProjectID      string      `json:"project_id"`
	OfferingID     string      `json:"offering_id"`
	Replicas       int         `json:"replicas"`
	Classification string      `json:"classification"`
	Residency      Residency   `json:"residency"`
	Sovereignty    Sovereignty `json:"sovereignty"`
	Redundancy     Redundancy  `json:"redundancy"`
	Nearness       *Nearness   `json:"nearness,omitempty"`
	// Near lists places (health posts, towns, state capitals) that each
	// need a replica of their own within radius_km.
	Near []NearPoint `json:"near,omitempty"`
	// PerSubdivision lists ISO 3166-2 subdivisions ("BR-SP") that each
	// need a replica of their own in them.
	PerSubdivision []string `json:"per_subdivision,omitempty"`
	Tier           string   `json:"tier,omitempty"`
	// CostCeilingMinor is the monthly ceiling in minor units of the
	// institution's currency (0: none).
	CostCeilingMinor int64  `json:"cost_ceiling_minor,omitempty"`
	Preference       string `json:"preference,omitempty"`
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
