// Package edge holds a telco edge provider's subclouds and groups: the
// all-or-nothing bulk import, the signed heartbeats that agents push
// through NATS, and the tracker that turns missed heartbeats into site
// health (docs/edge.md).
package edge

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// MaxImportRows bounds one import (StarlingX: 5,000 subclouds per system
// controller; two controllers' worth in one call).
const MaxImportRows = 20000

// GroupSpec declares a group an import may create (an existing group of
// the same name is used as is).
type GroupSpec struct {
	Name        string `json:"name" yaml:"name"`
	Kind        string `json:"kind,omitempty" yaml:"kind"`
	Description string `json:"description,omitempty" yaml:"description"`
}

// Row is one subcloud of an import, with its one site.
type Row struct {
	Name        string         `json:"name" yaml:"name"`
	Latitude    float64        `json:"latitude" yaml:"latitude"`
	Longitude   float64        `json:"longitude" yaml:"longitude"`
	Subdivision string         `json:"subdivision" yaml:"subdivision"`
	Tier        string         `json:"tier,omitempty" yaml:"tier"`
	Capacity    model.Capacity `json:"capacity" yaml:"capacity"`
	Endpoint    string         `json:"endpoint,omitempty" yaml:"endpoint"`
	// Group is the name of the subcloud's group.
	Group string `json:"group" yaml:"group"`
}

// ImportRequest is the body of POST /v1/providers/{id}/subclouds:import.
type ImportRequest struct {
	Groups    []GroupSpec `json:"groups,omitempty" yaml:"groups"`
	Subclouds []Row       `json:"subclouds" yaml:"subclouds"`
}

// Imported is one registered subcloud with its credential.
type Imported struct {
	Row        int    `json:"row"`
	ID         string `json:"id"`
	Name       string `json:"name"`
	GroupID    string `json:"group_id"`
	SiteID     string `json:"site_id"`
	PublicKey  string `json:"public_key"`
	PrivateKey string `json:"private_key"`
}

// ImportResult answers an import. PrivateKey is shown once and never
// stored: the agent at the site signs its heartbeats with it.
type ImportResult struct {
	ProviderID    string     `json:"provider_id"`
	GroupsCreated int        `json:"groups_created"`
	Subclouds     []Imported `json:"subclouds"`
}

// RowError is one invalid field of one row (Row 0: the whole import).
type RowError struct {
	Row   int
	Field string
	model.FieldError
}

// ImportError lists every invalid row; nothing was written.
type ImportError struct{ Rows []RowError }

func (e *ImportError) Error() string {
	parts := make([]string, 0, min(len(e.Rows), 5))
	for i, r := range e.Rows {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("… %d more", len(e.Rows)-5))
			break
		}
		parts = append(parts, fmt.Sprintf("row %d %s: %s", r.Row, r.Field, r.Reason(i18n.EN)))
	}
	return "invalid import: " + strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, model.ErrInvalid) true.
func (e *ImportError) Unwrap() error { return model.ErrInvalid }

// ErrNotEdge: the provider is not of kind edge.
var ErrNotEdge = errors.New("provider is not of kind edge")

// Import validates every row of req first and, only when all are valid,
// creates the groups, sites, subclouds and credentials in tx. Row numbers
// count from 1 in req.Subclouds.
func Import(ctx context.Context, tx *store.Tx, providerID string, req ImportRequest) (ImportResult, error) {
	res := ImportResult{ProviderID: providerID, Subclouds: []Imported{}}
	prov, err := tx.Providers().Get(ctx, providerID)
	if err != nil {
		return res, err
	}
	var bad []RowError
	add := func(row int, field, key string, args ...any) {
		bad = append(bad, RowError{Row: row, Field: field, FieldError: model.FieldError{Field: field, Key: key, Args: args}})
	}
	if prov.Kind != model.ProviderKindEdge {
		add(0, "provider_id", "field.not_edge", prov.Name)
		return res, &ImportError{Rows: bad}
	}
	switch {
	case len(req.Subclouds) == 0:
		add(0, "subclouds", "field.no_rows")
	case len(req.Subclouds) > MaxImportRows:
		add(0, "subclouds", "field.too_many_rows", MaxImportRows)
	}
	if len(bad) > 0 {
		return res, &ImportError{Rows: bad}
	}

	existing, err := tx.EdgeGroups().All(ctx)
	if err != nil {
		return res, err
	}
	groupID := map[string]string{}
	for _, g := range existing {
		if g.ProviderID == providerID {
			groupID[g.Name] = g.ID
		}
	}
	var newGroups []model.EdgeGroup
	for i, gs := range req.Groups {
		g := model.EdgeGroup{ProviderID: providerID, Name: gs.Name, Kind: gs.Kind, Description: gs.Description}
		if err := g.Validate(); err != nil {
			var ve *model.ValidationError
			if errors.As(err, &ve) {
				for _, f := range ve.Fields {
					add(0, fmt.Sprintf("groups[%d].%s", i, f.Field), f.Key, f.Args...)
				}
				continue
			}
			return res, err
		}
		if _, ok := groupID[g.Name]; ok {
			continue
		}
		g.ID = model.NewID("egrp")
		groupID[g.Name] = g.ID
		newGroups = append(newGroups, g)
	}

	taken, err := tx.EdgeNames(ctx, providerID)
	if err != nil {
		return res, err
	}
	seen := make(map[string]int, len(req.Subclouds))
	sites := make([]model.Site, 0, len(req.Subclouds))
	scs := make([]model.Subcloud, 0, len(req.Subclouds))
	for i, r := range req.Subclouds {
		row := i + 1
		before := len(bad)
		name, key := model.CleanName(r.Name)
		switch {
		case key != "":
			add(row, "name", key)
		case strings.TrimSpace(name) == "":
			add(row, "name", "field.required")
		case len(name) > 200:
			add(row, "name", "field.too_long", 200)
		case seen[name] != 0:
			add(row, "name", "field.duplicate_name", name, seen[name])
		case taken[name]:
			add(row, "name", "field.name_taken", name)
		}
		if name != "" && seen[name] == 0 {
			seen[name] = row
		}
		gid, ok := groupID[r.Group]
		if !ok {
			if strings.TrimSpace(r.Group) == "" {
				add(row, "group", "field.required")
			} else {
				add(row, "group", "field.unknown_group", r.Group)
			}
		}
		var v model.Validator
		v.ValidEndpoint("endpoint", r.Endpoint)
		country := ""
		if len(r.Subdivision) >= 2 {
			country = r.Subdivision[:2]
		}
		s := model.Site{ProviderID: providerID, Name: name, Country: country, Subdivision: r.Subdivision,
			Latitude: r.Latitude, Longitude: r.Longitude, Tier: r.Tier, FailureDomain: "edge",
			Capacity: r.Capacity, Simulated: prov.Simulated}
		if s.Tier == "" {
			s.Tier = model.TierEdge
		}
		s.Defaults()
		if r.Subdivision == "" {
			v.Add("subdivision", "field.required")
		} else if err := s.Validate(); err != nil {
			var ve *model.ValidationError
			if !errors.As(err, &ve) {
				return res, err
			}
			for _, f := range ve.Fields {
				if f.Field == "name" || f.Field == "country" {
					continue // reported above / follows from the subdivision
				}
				v.Add(f.Field, f.Key, f.Args...)
			}
		}
		if err := v.Err(); err != nil {
			var ve *model.ValidationError
			errors.As(err, &ve)
			for _, f := range ve.Fields {
				add(row, f.Field, f.Key, f.Args...)
			}
		}
		if len(bad) > before {
			continue
		}
		scID := model.NewID("sc")
		s.ID = model.NewID("site")
		s.FailureDomain = scID // each subcloud is its own failure domain
		sites = append(sites, s)
		scs = append(scs, model.Subcloud{Meta: model.Meta{ID: scID}, ProviderID: providerID, GroupID: gid, Name: name, Endpoint: r.Endpoint})
		res.Subclouds = append(res.Subclouds, Imported{Row: row, ID: scID, Name: name, GroupID: gid, SiteID: s.ID})
	}
	if len(bad) > 0 {
		return ImportResult{ProviderID: providerID, Subclouds: []Imported{}}, &ImportError{Rows: bad}
	}

	// Credentials only once every row is valid.
	pairs := make([][2]string, len(scs))
	for i := range scs {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return res, err
		}
		scs[i].PublicKey = base64.StdEncoding.EncodeToString(pub)
		res.Subclouds[i].PublicKey = scs[i].PublicKey
		res.Subclouds[i].PrivateKey = base64.StdEncoding.EncodeToString(priv.Seed())
		pairs[i] = [2]string{sites[i].ID, scs[i].ID}
	}
	if err := tx.EdgeGroups().CreateMany(ctx, newGroups, "egrp"); err != nil {
		return res, err
	}
	if err := tx.Sites().CreateMany(ctx, sites, "site"); err != nil {
		return res, err
	}
	if err := tx.Subclouds().CreateMany(ctx, scs, "sc"); err != nil {
		return res, err
	}
	if err := tx.LinkSubcloudSites(ctx, pairs); err != nil {
		return res, err
	}
	res.GroupsCreated = len(newGroups)
	store.AuditTarget(ctx, "provider", providerID)
	return res, nil
}
