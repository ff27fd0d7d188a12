package model

import (
	"net/url"
	"time"
)

// ProviderKindEdge marks a provider that holds subclouds (docs/edge.md).
const ProviderKindEdge = "edge"

// ProviderKinds lists every provider kind but the empty one, a cloud,
// which the API leaves out (the OpenAPI enum).
var ProviderKinds = []string{ProviderKindEdge}

// Edge group kinds, as StarlingX's dcmanager groups subclouds.
const (
	GroupRegion   = "region"
	GroupOperator = "operator"
	GroupRing     = "ring"
)

// GroupKinds lists every edge group kind; the first is the default.
var GroupKinds = []string{GroupRegion, GroupOperator, GroupRing}

// EdgeGroup organises an edge provider's subclouds: a region, an
// operator or a rollout ring.
type EdgeGroup struct {
	Meta
	ProviderID  string `json:"provider_id"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Description string `json:"description,omitempty"`
}

// Validate checks a group.
func (g *EdgeGroup) Validate() error {
	var v Validator
	v.Required("provider_id", g.ProviderID)
	v.Name("name", &g.Name)
	if g.Kind == "" {
		g.Kind = GroupRegion
	}
	v.OneOf("kind", g.Kind, GroupKinds...)
	if len(g.Description) > 1000 {
		v.Add("description", "field.too_long", 1000)
	}
	return v.Err()
}

// Subcloud is one small cloud of an edge provider (a StarlingX subcloud,
// a small Kubernetes or OpenStack endpoint) with one or more sites.
type Subcloud struct {
	Meta
	ProviderID string `json:"provider_id"`
	GroupID    string `json:"group_id"`
	Name       string `json:"name"`
	Endpoint   string `json:"endpoint,omitempty"`
	// PublicKey is the base64 Ed25519 key that verifies its heartbeats.
	PublicKey string `json:"public_key"`
	// RevokedAt is when its credential was revoked (nil: valid).
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	// SiteIDs are its sites (derived when read).
	SiteIDs []string `json:"site_ids"`
}

// ValidEndpoint checks an endpoint URL (https or http, a host).
func (v *Validator) ValidEndpoint(field, s string) bool {
	if s == "" {
		return true
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s) > 500 {
		v.Add(field, "field.endpoint", s)
		return false
	}
	return true
}

// EdgeCredential is what verifies one subcloud's heartbeats: its key,
// whether it is revoked, and the sites it may speak for.
type EdgeCredential struct {
	SubcloudID, ProviderID, PublicKey string
	Revoked                           bool
	SiteIDs                           []string
}
