// Package model holds the domain nouns of soberana — providers, sites,
// offerings, prices, institutions, budget lines, projects — and their
// validation. It does no I/O: the store persists these types and the API
// encodes them.
package model

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"github.com/soberana/soberana/internal/money"
	"strings"
	"sync/atomic"
	"time"
)

// Classification of data, ordered: public < internal < confidential < restricted.
const (
	ClassPublic       = "public"
	ClassInternal     = "internal"
	ClassConfidential = "confidential"
	ClassRestricted   = "restricted"
)

// Classifications lists the data classifications in increasing order.
var Classifications = []string{ClassPublic, ClassInternal, ClassConfidential, ClassRestricted}

// ClassRank returns the order of a classification (0 = public), or -1.
func ClassRank(c string) int {
	for i, v := range Classifications {
		if v == c {
			return i
		}
	}
	return -1
}

// Site tiers.
const (
	TierCore = "core"
	TierEdge = "edge"
)

// Site and provider health.
const (
	HealthHealthy  = "healthy"
	HealthDegraded = "degraded"
	HealthDown     = "down"
)

// Offering kinds.
const (
	KindVM        = "vm"
	KindNamespace = "namespace"
	KindVolume    = "volume"
)

// Provider drivers.
const (
	DriverSim        = "sim"
	DriverOpenStack  = "openstack"
	DriverKubernetes = "kubernetes"
)

// Meta is carried by every stored object.
type Meta struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version increments on every update; it is the object's ETag.
	Version int64 `json:"version"`
}

// GetMeta gives generic code access to the metadata.
func (m *Meta) GetMeta() *Meta { return m }

// Provider is a company that runs clouds.
type Provider struct {
	Meta
	Name string `json:"name"`
	// Driver reaches the provider's clouds: sim, openstack or kubernetes.
	Driver string `json:"driver"`
	// Jurisdiction is the ISO 3166-1 country where the parent company is
	// incorporated; sovereignty policies are checked against it.
	Jurisdiction string `json:"jurisdiction"`
	// Certification is the highest data classification it may host.
	Certification string `json:"certification"`
	// Currency is the ISO 4217 currency of its price list.
	Currency string `json:"currency"`
	// Simulated is true for the built-in sim driver; shown everywhere.
	Simulated bool   `json:"simulated"`
	Health    string `json:"health"`
	// Kind is "edge" for a provider that holds subclouds whose health
	// comes from pushed heartbeats (docs/edge.md); empty: a cloud.
	Kind string `json:"kind,omitempty"`
}

// Capacity of a site.
type Capacity struct {
	VCPUs     int64 `json:"vcpus"`
	MemoryMiB int64 `json:"memory_mib"`
	DiskGiB   int64 `json:"disk_gib"`
}

// Overcommit ratios per resource, as decimal strings ("4.0").
type Overcommit struct {
	VCPU   string `json:"vcpu"`
	Memory string `json:"memory"`
	Disk   string `json:"disk"`
}

// Site is a region, availability zone or edge site of a provider.
type Site struct {
	Meta
	ProviderID    string     `json:"provider_id"`
	Name          string     `json:"name"`
	Country       string     `json:"country"`
	Subdivision   string     `json:"subdivision,omitempty"`
	City          string     `json:"city,omitempty"`
	Latitude      float64    `json:"latitude"`
	Longitude     float64    `json:"longitude"`
	Tier          string     `json:"tier"`
	FailureDomain string     `json:"failure_domain"`
	Certification string     `json:"certification,omitempty"`
	Capacity      Capacity   `json:"capacity"`
	Overcommit    Overcommit `json:"overcommit"`
	Health        string     `json:"health"`
	// Simulated mirrors the provider's flag for display.
	Simulated bool `json:"simulated"`
}

// Offering is something that can be asked for.
type Offering struct {
	Meta
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	VCPUs       int64  `json:"vcpus"`
	MemoryMiB   int64  `json:"memory_mib"`
	DiskGiB     int64  `json:"disk_gib"`
	Description string `json:"description,omitempty"`
}

// Price is a provider's unit price per hour for an offering, in the
// provider's currency, valid from a day on.
type Price struct {
	Meta
	ProviderID string `json:"provider_id"`
	OfferingID string `json:"offering_id"`
	Currency   string `json:"currency"`
	// PerHour is an exact decimal string with up to 9 decimals.
	PerHour string `json:"per_hour"`
	// ValidFrom is a day, YYYY-MM-DD.
	ValidFrom string `json:"valid_from"`
	// StoppedPerHour is what a stopped replica costs per hour, an exact
	// decimal string like PerHour; empty: the full PerHour (a stopped
	// replica keeps its capacity reserved).
	StoppedPerHour string `json:"stopped_per_hour,omitempty"`
}

// Institution is a public body; the tenant.
type Institution struct {
	Meta
	Name    string `json:"name"`
	Country string `json:"country"`
	// Currency is the national currency its budget is kept in.
	Currency string `json:"currency"`
	// AutoApproveMinor: workloads whose forecast monthly cost is at or below
	// this (minor units of Currency) are approved without a person.
	AutoApproveMinor int64 `json:"auto_approve_minor"`
	// AllowOverdraftRequests sends requests that do not fit the budget to a
	// finance officer instead of refusing them.
	AllowOverdraftRequests bool `json:"allow_overdraft_requests"`
	// DataPolicy is where its data may live and whose law may reach it;
	// every request inherits it and may only narrow it.
	DataPolicy DataPolicy `json:"data_policy"`
}

// BudgetLine is fiscal year + line code + amount, owned by an institution.
type BudgetLine struct {
	Meta
	InstitutionID string `json:"institution_id"`
	FiscalYear    int    `json:"fiscal_year"`
	Code          string `json:"code"`
	Name          string `json:"name"`
	Currency      string `json:"currency"`
	// AmountMinor is in minor units of Currency.
	AmountMinor int64 `json:"amount_minor"`
	// Committed, Accrued and Available (= amount − committed − accrued) are
	// derived from the ledger when the line is read; never stored.
	Committed *money.Amount `json:"committed,omitempty"`
	Accrued   *money.Amount `json:"accrued,omitempty"`
	Available *money.Amount `json:"available,omitempty"`
	// ReductionReason is write-only: a change that lowers AmountMinor
	// below Committed + Accrued is refused without it, and recorded as a
	// budget reduction (an alert) with it. Never stored on the line.
	ReductionReason string `json:"reduction_reason,omitempty"`
}

// Project is a unit of work of an institution, charged to one budget line.
type Project struct {
	Meta
	InstitutionID string `json:"institution_id"`
	BudgetLineID  string `json:"budget_line_id"`
	Name          string `json:"name"`
}

// FXRate is a published exchange rate: one unit of From is worth Rate
// units of To, valid from ValidOn until the next published rate.
type FXRate struct {
	Meta
	From    string `json:"from"`
	To      string `json:"to"`
	Rate    string `json:"rate"`
	ValidOn string `json:"valid_on"`
	// Source names who published it (central bank, treasury, operator).
	Source string `json:"source"`
}

// Token is an API bearer token. Only its hash is stored.
type Token struct {
	Meta
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	Hash      string     `json:"-"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	LastUsed  *time.Time `json:"last_used_at,omitempty"`
	Revoked   bool       `json:"revoked"`
}

var idCounter atomic.Uint32

var idEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// NewID returns prefix_ + 26 characters that sort by creation time, so that
// cursor pagination by id follows creation order.
func NewID(prefix string) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(time.Now().UnixMicro()))
	binary.BigEndian.PutUint32(b[8:12], idCounter.Add(1))
	_, _ = rand.Read(b[12:])
	return prefix + "_" + strings.ToLower(idEncoding.EncodeToString(b[:]))
}
