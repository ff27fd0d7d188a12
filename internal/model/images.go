package model

// Image maps an operating system family (ubuntu-24.04, debian-12, rocky-9)
// to the image a provider boots it from at one site.
type Image struct {
	Meta
	ProviderID string `json:"provider_id"`
	SiteID     string `json:"site_id"`
	// Family is "<os_distro>-<os_version>", lower case.
	Family string `json:"family"`
	// ImageRef is the provider's id of the image (a Glance id); ImageName
	// its name there.
	ImageRef  string `json:"image_ref"`
	ImageName string `json:"image_name"`
	// Simulated marks the sim provider's simulated catalogue.
	Simulated bool `json:"simulated"`
}

// SSHKey is an SSH public key of a user (ProjectID empty) or of a project.
type SSHKey struct {
	Meta
	Name string `json:"name"`
	// OwnerID is the user (or token) that added it.
	OwnerID       string `json:"owner_id"`
	InstitutionID string `json:"institution_id,omitempty"`
	ProjectID     string `json:"project_id,omitempty"`
	// PublicKey is the key in authorized_keys form.
	PublicKey string `json:"public_key"`
	// Fingerprint is the SHA256 fingerprint ("SHA256:…").
	Fingerprint string `json:"fingerprint"`
	KeyType     string `json:"key_type"`
}

// SSHKeyRequest is the body of POST /v1/ssh-keys.
type SSHKeyRequest struct {
	Name      string `json:"name"`
	PublicKey string `json:"public_key"`
	// ProjectID makes it a key of the project (every member who may ask
	// for workloads there can use it); empty: the caller's own key.
	ProjectID string `json:"project_id,omitempty"`
}

// WorkloadKey is a key a workload asked for, as it was at request time.
type WorkloadKey struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint"`
	PublicKey   string `json:"public_key"`
}
