package model

import "time"

// App is a deployable application of a project, placed on the sites of
// one of its namespace workloads.
type App struct {
	Meta
	ProjectID     string  `json:"project_id"`
	InstitutionID string  `json:"institution_id"`
	WorkloadID    string  `json:"workload_id"`
	Name          string  `json:"name"`
	Image         string  `json:"image"`
	Port          int64   `json:"port"`
	Replicas      int64   `json:"replicas"`
	Env           EnvVars `json:"env"`
	HealthPath    string  `json:"health_path,omitempty"`
	// WebhookSecret is sealed; it never leaves the server in a response.
	WebhookSecret    string `json:"-"`
	CurrentReleaseID string `json:"current_release_id,omitempty"`
	CreatedBy        string `json:"created_by"`
	// SecretBy is the principal the webhook secret derives from (its
	// creator, or whoever rotated it since) and GrantID the vendor grant it
	// acted through (empty: a role binding): the secret dies with them.
	SecretBy string `json:"secret_by,omitempty"`
	GrantID  string `json:"grant_id,omitempty"`
}

// AppView is an app as the API shows it; WebhookSecret is only set in the
// answer to its creation.
type AppView struct {
	App
	WebhookSecret string `json:"webhook_secret,omitempty"`
	// WebhookURLs are the paths each forge posts to.
	WebhookURLs map[string]string `json:"webhook_urls"`
}

// EnvVars are an app's environment variables.
type EnvVars map[string]string

// ReleaseState is where a release's rollout is. The deploy service is its
// one writer and moves it by its transition table
// (deploy.ReleaseTransitions).
type ReleaseState string

// Release states.
const (
	ReleaseQueued      ReleaseState = "queued"
	ReleaseRollingOut  ReleaseState = "rolling_out"
	ReleaseRollingBack ReleaseState = "rolling_back"
	ReleaseSucceeded   ReleaseState = "succeeded"
	ReleaseFailed      ReleaseState = "failed"
)

// ReleaseStates lists every release state (the OpenAPI enum and the
// transition table's test use it).
var ReleaseStates = []ReleaseState{
	ReleaseQueued, ReleaseRollingOut, ReleaseRollingBack, ReleaseSucceeded, ReleaseFailed,
}

// StepState is where one site of a rollout is. The deploy service is its
// one writer and moves it by its transition table (deploy.StepTransitions).
type StepState string

// Step (rollout site) states.
const (
	StepPending    StepState = "pending"
	StepWaiting    StepState = "waiting"
	StepAvailable  StepState = "available"
	StepFailed     StepState = "failed"
	StepRolledBack StepState = "rolled_back"
)

// StepStates lists every step state.
var StepStates = []StepState{StepPending, StepWaiting, StepAvailable, StepFailed, StepRolledBack}

// Release is one version of an app and its rollout.
type Release struct {
	Meta
	AppID      string `json:"app_id"`
	Seq        int64  `json:"seq"`
	Image      string `json:"image"`
	Commit     string `json:"commit,omitempty"`
	Source     string `json:"source"`
	RollbackOf string `json:"rollback_of,omitempty"`
	// PreviousID is the release that was current when this one started:
	// what a failed rollout returns the sites to.
	PreviousID    string       `json:"previous_id,omitempty"`
	State         ReleaseState `json:"state"`
	Reason        string       `json:"reason,omitempty"`
	Steps         Steps        `json:"steps"`
	CreatedBy     string       `json:"created_by"`
	NextAttemptAt *time.Time   `json:"-"`
	// Strategy is a wave rollout's strategy and progress (nil: site by
	// site over the app's workload).
	Strategy *Strategy `json:"strategy,omitempty"`
}

// ReleaseView is a release with its reasons in the reader's language.
type ReleaseView struct {
	Release
	// Progress counts the rollout's sites by state and its waves.
	Progress RolloutProgress `json:"progress"`
}

// RolloutProgress is a rollout's progress, as the API, the CLI and the console
// show it.
type RolloutProgress struct {
	// WavesDone and WavesTotal: 0 for a site-by-site rollout.
	WavesDone  int `json:"waves_done"`
	WavesTotal int `json:"waves_total"`
	// Wave is the wave in progress (1-based; 0 when not rolling out in waves).
	Wave          int `json:"wave"`
	SitesTotal    int `json:"sites_total"`
	SitesOK       int `json:"sites_ok"`
	SitesFailed   int `json:"sites_failed"`
	SitesPending  int `json:"sites_pending"`
	SitesInFlight int `json:"sites_in_flight"`
	// SitesRolledBack: sites returned to the previous release.
	SitesRolledBack int `json:"sites_rolled_back"`
}

// Strategy is how a release rolls out in waves over an edge group or a
// set of sites, and which wave it is in.
type Strategy struct {
	// GroupID and GroupName: the edge group targeted ("" with SiteIDs).
	GroupID   string `json:"group_id,omitempty"`
	GroupName string `json:"group_name,omitempty"`
	// SiteIDs: the sites targeted when no group is.
	SiteIDs []string `json:"site_ids,omitempty"`
	// MaxParallel is the number of sites of every wave after the canary.
	MaxParallel int `json:"max_parallel"`
	// Canary is the size of the first wave (0: no canary wave).
	Canary int `json:"canary"`
	// FailureThreshold is the share of a wave's sites that may fail
	// (a decimal from 0 to 1, e.g. "0.2"); more stops the rollout.
	FailureThreshold string `json:"failure_threshold"`
	// Wave is the wave in progress (0-based); Waves is their number.
	Wave  int `json:"wave"`
	Waves int `json:"waves"`
}

// Step is one site of a rollout.
type Step struct {
	SiteID     string     `json:"site_id"`
	ProviderID string     `json:"provider_id"`
	Namespace  string     `json:"namespace"`
	State      StepState  `json:"state"`
	Reason     string     `json:"reason,omitempty"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	DoneAt     *time.Time `json:"done_at,omitempty"`
	// URL is where the site serves the release once available (an
	// Ingress host or a Service name; a simulated URL on the sim).
	URL string `json:"url,omitempty"`
	// Simulated: the site is the sim provider's.
	Simulated bool `json:"simulated,omitempty"`
	// RolledBack: a failed step whose site was returned to the previous
	// release; RollbackAttempts counts the tries that did not answer.
	RolledBack       bool `json:"rolled_back,omitempty"`
	RollbackAttempts int  `json:"rollback_attempts,omitempty"`
	// Wave is the wave of a wave rollout the site is in (0-based).
	Wave int `json:"wave,omitempty"`
}

// Steps are a rollout's sites in order.
type Steps []Step

// Installation is this soberana installation as the clouds know it: the id
// every provider resource it creates carries, so that it never takes
// another installation's resources for its own orphans.
type Installation struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
}
