package client

import "time"

// Meta is carried by every stored object. Version is its ETag.
type Meta struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// Money is an exact amount: Minor units of Currency (ISO 4217); Value is
// the same amount as a decimal string, for people. Never a float.
type Money struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
	Value    string `json:"value,omitempty"`
}

// Patch is a JSON merge patch (RFC 7396) for the Update methods: only the
// members present change.
type Patch map[string]any

// DataPolicy is where an institution's data may live and whose law may reach it.
type DataPolicy struct {
	Sovereignty    string            `json:"sovereignty"`
	Jurisdictions  []string          `json:"jurisdictions,omitempty"`
	Countries      []string          `json:"countries,omitempty"`
	MinSovereignty map[string]string `json:"min_sovereignty,omitempty"`
}

// InstitutionSpec is what a caller sets on an institution (the tenant).
type InstitutionSpec struct {
	Name     string `json:"name"`
	Country  string `json:"country"`
	Currency string `json:"currency"`
	// AutoApproveMinor: workloads forecast at or below it (minor units of
	// Currency per month) are approved without a person.
	AutoApproveMinor       int64       `json:"auto_approve_minor"`
	AllowOverdraftRequests bool        `json:"allow_overdraft_requests"`
	DataPolicy             *DataPolicy `json:"data_policy,omitempty"`
}

// Institution is a public body.
type Institution struct {
	Meta
	InstitutionSpec
}

// BudgetLineSpec is fiscal year + line code + amount, owned by an institution.
type BudgetLineSpec struct {
	InstitutionID string `json:"institution_id"`
	FiscalYear    int    `json:"fiscal_year"`
	Code          string `json:"code"`
	Name          string `json:"name"`
	Currency      string `json:"currency,omitempty"`
	AmountMinor   int64  `json:"amount_minor"`
}

// BudgetLine adds the ledger's figures (derived when read).
type BudgetLine struct {
	Meta
	BudgetLineSpec
	Committed *Money `json:"committed,omitempty"`
	Accrued   *Money `json:"accrued,omitempty"`
	Available *Money `json:"available,omitempty"`
}

// ProjectSpec is a unit of work of an institution, charged to one budget line.
type ProjectSpec struct {
	InstitutionID string `json:"institution_id"`
	BudgetLineID  string `json:"budget_line_id"`
	Name          string `json:"name"`
}

// Project is a stored project.
type Project struct {
	Meta
	ProjectSpec
}

// FXRateSpec is a published exchange rate: one From is worth Rate To
// (a decimal string), from ValidOn (YYYY-MM-DD).
type FXRateSpec struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Rate    string `json:"rate"`
	ValidOn string `json:"valid_on"`
	Source  string `json:"source"`
}

// FXRate is a stored exchange rate.
type FXRate struct {
	Meta
	FXRateSpec
}

// Capacity is what a site can host.
type Capacity struct {
	VCPUs     int64 `json:"vcpus"`
	MemoryMiB int64 `json:"memory_mib"`
	DiskGiB   int64 `json:"disk_gib"`
}

// Site is a data centre of a provider.
type Site struct {
	Meta
	ProviderID    string   `json:"provider_id"`
	Name          string   `json:"name"`
	Country       string   `json:"country"`
	Subdivision   string   `json:"subdivision,omitempty"`
	City          string   `json:"city,omitempty"`
	Latitude      float64  `json:"latitude"`
	Longitude     float64  `json:"longitude"`
	Tier          string   `json:"tier"`
	FailureDomain string   `json:"failure_domain"`
	Certification string   `json:"certification,omitempty"`
	Capacity      Capacity `json:"capacity"`
	Health        string   `json:"health"`
	Simulated     bool     `json:"simulated"`
}

// Offering is a machine size of the catalog.
type Offering struct {
	Meta
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	VCPUs       int64  `json:"vcpus"`
	MemoryMiB   int64  `json:"memory_mib"`
	DiskGiB     int64  `json:"disk_gib"`
	Description string `json:"description,omitempty"`
}

// Residency is where replicas may be placed.
type Residency struct {
	Countries    []string `json:"countries"`
	Subdivisions []string `json:"subdivisions,omitempty"`
}

// Sovereignty is whose law may reach the workload: mode national,
// regional (with Jurisdictions) or any.
type Sovereignty struct {
	Mode          string   `json:"mode"`
	Jurisdictions []string `json:"jurisdictions,omitempty"`
}

// Redundancy spreads replicas.
type Redundancy struct {
	MinProviders      int     `json:"min_providers,omitempty"`
	MinFailureDomains int     `json:"min_failure_domains,omitempty"`
	MinDistanceKm     float64 `json:"min_distance_km,omitempty"`
}

// Nearness keeps replicas within RadiusKm of a point.
type Nearness struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	RadiusKm  float64 `json:"radius_km"`
}

// WorkloadSpec is a request for a workload (also the body of a placement preview).
type WorkloadSpec struct {
	ProjectID        string      `json:"project_id"`
	OfferingID       string      `json:"offering_id"`
	Replicas         int         `json:"replicas"`
	Classification   string      `json:"classification"`
	Residency        Residency   `json:"residency"`
	Sovereignty      Sovereignty `json:"sovereignty"`
	Redundancy       Redundancy  `json:"redundancy"`
	Nearness         *Nearness   `json:"nearness,omitempty"`
	Tier             string      `json:"tier,omitempty"`
	CostCeilingMinor int64       `json:"cost_ceiling_minor,omitempty"`
	Preference       string      `json:"preference,omitempty"`
	AllowSimulated   bool        `json:"allow_simulated,omitempty"`
}

// Workload states.
const (
	StatePendingApproval = "pending_approval"
	StateApproved        = "approved"
	StateProvisioning    = "provisioning"
	StateRunning         = "running"
	StateMigrating       = "migrating"
	StateDeleting        = "deleting"
	StateDeleted         = "deleted"
	StateRejected        = "rejected"
	StateFailed          = "failed"
)

// Placement is one replica of a workload on a site.
type Placement struct {
	Meta
	WorkloadID   string `json:"workload_id"`
	Replica      int    `json:"replica"`
	SiteID       string `json:"site_id"`
	ProviderID   string `json:"provider_id"`
	State        string `json:"state"`
	ResourceID   string `json:"resource_id,omitempty"`
	Reason       string `json:"reason,omitempty"`
	MonthlyMinor int64  `json:"monthly_minor"`
	VCPUs        int64  `json:"vcpus"`
	MemoryMiB    int64  `json:"memory_mib"`
	DiskGiB      int64  `json:"disk_gib"`
	Simulated    bool   `json:"simulated"`
}

// WorkloadEvent is one step of a workload's timeline.
type WorkloadEvent struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	Reason string    `json:"reason"`
}

// WorkloadCost is a workload's forecast and spend.
type WorkloadCost struct {
	WorkloadID      string `json:"workload_id"`
	Month           string `json:"month"`
	ForecastMonthly Money  `json:"forecast_monthly"`
	MonthToDate     Money  `json:"month_to_date"`
	Committed       Money  `json:"committed"`
}

// Workload is a workload as the API shows it.
type Workload struct {
	Meta
	WorkloadSpec
	InstitutionID        string          `json:"institution_id"`
	BudgetLineID         string          `json:"budget_line_id"`
	Currency             string          `json:"currency"`
	ForecastMonthlyMinor int64           `json:"forecast_monthly_minor"`
	State                string          `json:"state"`
	Reason               string          `json:"reason,omitempty"`
	CreatedBy            string          `json:"created_by,omitempty"`
	RequestedBy          string          `json:"requested_by,omitempty"`
	Simulated            bool            `json:"simulated"`
	Placements           []Placement     `json:"placements,omitempty"`
	Events               []WorkloadEvent `json:"events,omitempty"`
	Cost                 *WorkloadCost   `json:"cost,omitempty"`
}

// PreviewPlacement is where one replica would go.
type PreviewPlacement struct {
	Replica       int     `json:"replica"`
	SiteID        string  `json:"site_id"`
	ProviderID    string  `json:"provider_id"`
	Country       string  `json:"country"`
	Subdivision   string  `json:"subdivision,omitempty"`
	FailureDomain string  `json:"failure_domain"`
	DistanceKm    float64 `json:"distance_km,omitempty"`
	MonthlyMinor  int64   `json:"monthly_minor"`
}

// PlacementPreview is where a request would be placed and what it would cost.
type PlacementPreview struct {
	Feasible             bool               `json:"feasible"`
	Exact                bool               `json:"exact"`
	Currency             string             `json:"currency"`
	ForecastMonthlyMinor int64              `json:"forecast_monthly_minor"`
	ForecastMonthly      *Money             `json:"forecast_monthly,omitempty"`
	Explanation          string             `json:"explanation"`
	Placements           []PreviewPlacement `json:"placements"`
}

// GrantSpec grants an outside user (a vendor) a role in one project until ExpiresAt.
type GrantSpec struct {
	ProjectID   string     `json:"project_id"`
	UserID      string     `json:"user_id,omitempty"`
	Email       string     `json:"email,omitempty"`
	Role        string     `json:"role"`
	ExpiresAt   *time.Time `json:"expires_at"`
	SourceCIDRs []string   `json:"source_cidrs,omitempty"`
	Reason      string     `json:"reason,omitempty"`
}

// Grant is a vendor grant.
type Grant struct {
	Meta
	ProjectID     string     `json:"project_id"`
	InstitutionID string     `json:"institution_id"`
	UserID        string     `json:"user_id"`
	Role          string     `json:"role"`
	SourceCIDRs   []string   `json:"source_cidrs,omitempty"`
	Reason        string     `json:"reason,omitempty"`
	ExpiresAt     time.Time  `json:"expires_at"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokedBy     string     `json:"revoked_by,omitempty"`
	CreatedBy     string     `json:"created_by"`
}

// RoleBindingSpec binds a role to a user at a scope (platform, provider,
// institution or project).
type RoleBindingSpec struct {
	UserID    string `json:"user_id"`
	Role      string `json:"role"`
	ScopeKind string `json:"scope_kind"`
	ScopeID   string `json:"scope_id,omitempty"`
}

// RoleBinding is a stored binding.
type RoleBinding struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	Role      string    `json:"role"`
	ScopeKind string    `json:"scope_kind"`
	ScopeID   string    `json:"scope_id"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
}

// UserSpec creates a local user.
type UserSpec struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password,omitempty"`
}

// User is a person or a service account.
type User struct {
	Meta
	Email    string `json:"email"`
	Name     string `json:"name"`
	Disabled bool   `json:"disabled"`
}

// AppSpec is a container image served on the sites of a namespace workload.
type AppSpec struct {
	ProjectID  string            `json:"project_id"`
	WorkloadID string            `json:"workload_id,omitempty"`
	Name       string            `json:"name"`
	Image      string            `json:"image"`
	Port       int64             `json:"port"`
	Replicas   int64             `json:"replicas"`
	Env        map[string]string `json:"env,omitempty"`
	HealthPath string            `json:"health_path,omitempty"`
}

// App is an app as the API shows it.
type App struct {
	Meta
	AppSpec
	InstitutionID    string            `json:"institution_id"`
	CurrentReleaseID string            `json:"current_release_id,omitempty"`
	CreatedBy        string            `json:"created_by"`
	WebhookSecret    string            `json:"webhook_secret,omitempty"`
	WebhookURLs      map[string]string `json:"webhook_urls,omitempty"`
}

// ReleaseSpec releases an image tag, digest or reference.
type ReleaseSpec struct {
	Image  string `json:"image"`
	Commit string `json:"commit,omitempty"`
}

// Release is one rollout of an app.
type Release struct {
	Meta
	AppID      string `json:"app_id"`
	Seq        int64  `json:"seq"`
	Image      string `json:"image"`
	Commit     string `json:"commit,omitempty"`
	State      string `json:"state"`
	Reason     string `json:"reason,omitempty"`
	Source     string `json:"source,omitempty"`
	PreviousID string `json:"previous_id,omitempty"`
	RollbackOf string `json:"rollback_of,omitempty"`
	CreatedBy  string `json:"created_by,omitempty"`
}

// AlertWebhookSpec registers a webhook; an empty Secret lets the server make one.
type AlertWebhookSpec struct {
	Name   string `json:"name"`
	URL    string `json:"url"`
	Secret string `json:"secret,omitempty"`
}

// AlertWebhook is a registered webhook (Secret only in the create answer).
type AlertWebhook struct {
	Meta
	Name   string `json:"name"`
	URL    string `json:"url"`
	Secret string `json:"secret,omitempty"`
}

// SSHKeySpec adds an SSH public key: the caller's own, or a project's
// when ProjectID is set (every member who may ask for workloads there can
// use it).
type SSHKeySpec struct {
	Name string `json:"name"`
	// PublicKey is one key in authorized_keys form (a .pub file); never
	// the private key.
	PublicKey string `json:"public_key"`
	ProjectID string `json:"project_id,omitempty"`
}

// SSHKey is an SSH public key (/v1/ssh-keys). Keys cannot be changed.
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
