package client

// The wire types below are, where the server encodes one, that very type
// (an alias of an internal/model noun or view): what the API sends is what
// the SDK decodes, field for field. The *Spec types are request bodies:
// only the fields a caller sets (the server decodes them into its noun).

import (
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
)

// Meta is carried by every stored object. Version is its ETag.
type Meta = model.Meta

// Money is an exact amount: Minor units of Currency (ISO 4217); on the
// wire also its decimal "value", for people. Never a float.
type Money = money.Amount

// Patch is a JSON merge patch (RFC 7396) for the Update methods: only the
// members present change.
type Patch map[string]any

// DataPolicy is where an institution's data may live and whose law may reach it.
type DataPolicy = model.DataPolicy

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

// Institution is a public body (the tenant).
type Institution = model.Institution

// BudgetLineSpec is fiscal year + line code + amount, owned by an institution.
type BudgetLineSpec struct {
	InstitutionID string `json:"institution_id"`
	FiscalYear    int    `json:"fiscal_year"`
	Code          string `json:"code"`
	Name          string `json:"name"`
	Currency      string `json:"currency,omitempty"`
	AmountMinor   int64  `json:"amount_minor"`
}

// BudgetLine is a budget line with the ledger's figures (derived when read).
type BudgetLine = model.BudgetLine

// ProjectSpec is a unit of work of an institution, charged to one budget line.
type ProjectSpec struct {
	InstitutionID string `json:"institution_id"`
	BudgetLineID  string `json:"budget_line_id"`
	Name          string `json:"name"`
}

// Project is a stored project.
type Project = model.Project

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
type FXRate = model.FXRate

// Capacity is what a site can host.
type Capacity = model.Capacity

// Site is a data centre (region, zone or edge site) of a provider.
type Site = model.Site

// Offering is a machine size of the catalog.
type Offering = model.Offering

// Residency is where replicas may be placed.
type Residency = model.Residency

// Sovereignty is whose law may reach the workload: mode national,
// regional (with Jurisdictions) or any.
type Sovereignty = model.Sovereignty

// Redundancy spreads replicas.
type Redundancy = model.Redundancy

// Nearness keeps replicas within RadiusKm of a point.
type Nearness = model.Nearness

// NearPoint is a place that needs a replica of its own within RadiusKm.
type NearPoint = model.NearPoint

// WorkloadSpec is a request for a workload (also the body of a placement
// preview): the server's own declaration of that body.
type WorkloadSpec = model.WorkloadRequest

// WorkloadPolicy is the part of a WorkloadSpec that the workload keeps as
// asked: offering, replicas and where they may and should go.
type WorkloadPolicy = model.WorkloadPolicy

// WorkloadState is where a workload is in its life.
type WorkloadState = model.WorkloadState

// Workload states.
const (
	StatePendingApproval = model.StatePendingApproval
	StateApproved        = model.StateApproved
	StateProvisioning    = model.StateProvisioning
	StateRunning         = model.StateRunning
	StateMigrating       = model.StateMigrating
	StateDeleting        = model.StateDeleting
	StateDeleted         = model.StateDeleted
	StateRejected        = model.StateRejected
	StateFailed          = model.StateFailed
)

// Placement is one replica of a workload on a site.
type Placement = model.PlacementView

// WorkloadEvent is one step of a workload's timeline.
type WorkloadEvent = model.WorkloadEvent

// WorkloadCost is a workload's forecast and spend.
type WorkloadCost = model.WorkloadCost

// Workload is a workload as the API shows it, with its placements,
// timeline and cost.
type Workload = model.WorkloadView

// PreviewPlacement is where one replica would go.
type PreviewPlacement = model.PreviewPlacement

// PlacementPreview is where a request would be placed and what it would cost.
type PlacementPreview = model.PlacementPreview

// GrantSpec grants an outside user (a vendor) a role in one project until ExpiresAt.
type GrantSpec = model.GrantSpec

// Grant is a vendor grant.
type Grant = model.Grant

// RoleBindingSpec binds a role to a user at a scope (platform, provider,
// institution or project).
type RoleBindingSpec struct {
	UserID    string `json:"user_id"`
	Role      string `json:"role"`
	ScopeKind string `json:"scope_kind"`
	ScopeID   string `json:"scope_id,omitempty"`
}

// RoleBinding is a stored binding.
type RoleBinding = model.RoleBinding

// UserSpec creates a local user.
type UserSpec = model.UserRequest

// User is a person or a service account.
type User = model.UserView

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

// App is an app as the API shows it (its webhook secret only in the
// answers to its creation and to a rotation).
type App = model.AppView

// ReleaseSpec releases an image tag, digest or reference, site by site or
// in waves (Group or Sites, MaxParallel, Canary, FailureThreshold): the
// server's own declaration of the release's body.
type ReleaseSpec = model.ReleaseRequest

// StrategyRequest is the wave part of a ReleaseSpec.
type StrategyRequest = model.StrategyRequest

// Release is one rollout of an app with its progress (the server's view).
type Release = model.ReleaseView

// RolloutProgress counts a rollout's sites by state and its waves.
type RolloutProgress = model.RolloutProgress

// MigrationPlan is what moving a workload would do: target sites, cost
// change, steps and data to move.
type MigrationPlan = model.MigrationPlan

// EvacuationPlan accounts for every workload on a provider (an exit drill).
type EvacuationPlan = model.EvacuationPlan

// EvacuationProgress is how far a provider evacuation is.
type EvacuationProgress = model.EvacuationProgress

// AlertWebhookSpec registers a webhook; an empty Secret lets the server make one.
type AlertWebhookSpec = model.WebhookRequest

// AlertWebhook is a registered webhook (Secret only in the create answer).
type AlertWebhook = model.WebhookView

// SSHKeySpec adds an SSH public key: the caller's own, or a project's
// when ProjectID is set.
type SSHKeySpec = model.SSHKeyRequest

// SSHKey is an SSH public key (/v1/ssh-keys). Keys cannot be changed.
type SSHKey = model.SSHKey
