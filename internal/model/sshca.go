package model

import "time"

// SSHCA is an institution's SSH certificate authority (its public key in
// the authorized_keys format; the private key is sealed in secrets).
type SSHCA struct {
	InstitutionID string    `json:"institution_id"`
	PublicKey     string    `json:"public_key"`
	CreatedAt     time.Time `json:"created_at"`
}

// SSHCert is one SSH certificate soberana issued.
type SSHCert struct {
	Serial         int64      `json:"serial"`
	InstitutionID  string     `json:"institution_id"`
	ProjectID      string     `json:"project_id"`
	WorkloadID     string     `json:"workload_id"`
	UserID         string     `json:"user_id"`
	KeyID          string     `json:"key_id"`
	KeyFingerprint string     `json:"key_fingerprint"`
	Principal      string     `json:"principal"`
	GrantID        string     `json:"grant_id,omitempty"`
	ValidAfter     time.Time  `json:"valid_after"`
	ValidBefore    time.Time  `json:"valid_before"`
	RevokedAt      *time.Time `json:"revoked_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
}
