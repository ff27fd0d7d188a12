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
	im := &importer{tx: tx, providerID: providerID, res: ImportResult{ProviderID: providerID, Subclouds: []Imported{}}}
	prov, err := tx.Providers().Get(ctx, providerID)
	if err != nil {
		return im.res, err
	}
	im.prov = prov
	if im.checkRequest(req); len(im.bad) > 0 {
		return im.res, &ImportError{Rows: im.bad}
	}
	if err := im.resolveGroups(ctx, req.Groups); err != nil {
		return im.res, err
	}
	if err := im.planRows(ctx, req.Subclouds); err != nil {
		return im.res, err
	}
	if len(im.bad) > 0 {
		return ImportResult{ProviderID: providerID, Subclouds: []Imported{}}, &ImportError{Rows: im.bad}
	}
	if err := im.write(ctx); err != nil {
		return im.res, err
	}
	return im.res, nil
}

// importer carries one import from validation to its writes: the invalid
// fields found so far (all of them, so that one answer lists everything
// the caller must fix) and what the valid rows will create.
type importer struct {
	tx         *store.Tx
	providerID string
	prov       model.Provider
	res        ImportResult
	bad        []RowError
	// groupID maps a group name to its ID: the provider's existing
	// groups and those the import declares.
	groupID   map[string]string
	newGroups []model.EdgeGroup
	sites     []model.Site
	scs       []model.Subcloud
}

// add records one invalid field of one row (row 0: the whole import).
func (im *importer) add(row int, field, key string, args ...any) {
	im.bad = append(im.bad, RowError{Row: row, Field: field, FieldError: model.FieldError{Field: field, Key: key, Args: args}})
}

// checkRequest refuses the import as a whole before any row is read: a
// provider that is not of kind edge, no rows, or more than MaxImportRows.
func (im *importer) checkRequest(req ImportRequest) {
	if im.prov.Kind != model.ProviderKindEdge {
		im.add(0, "provider_id", "field.not_edge", im.prov.Name)
		return
	}
	switch {
	case len(req.Subclouds) == 0:
		im.add(0, "subclouds", "field.no_rows")
	case len(req.Subclouds) > MaxImportRows:
		im.add(0, "subclouds", "field.too_many_rows", MaxImportRows)
	}
}

// resolveGroups maps every group name a row may use to its ID: the
// provider's existing groups, then the declared ones, validated (as row
// 0) and planned for creation unless one of that name exists already.
func (im *importer) resolveGroups(ctx context.Context, specs []GroupSpec) error {
	existing, err := im.tx.EdgeGroups().All(ctx)
	if err != nil {
		return err
	}
	im.groupID = map[string]string{}
	for _, g := range existing {
		if g.ProviderID == im.providerID {
			im.groupID[g.Name] = g.ID
		}
	}
	for i, gs := range specs {
		g := model.EdgeGroup{ProviderID: im.providerID, Name: gs.Name, Kind: gs.Kind, Description: gs.Description}
		if err := g.Validate(); err != nil {
			var ve *model.ValidationError
			if errors.As(err, &ve) {
				for _, f := range ve.Fields {
					im.add(0, fmt.Sprintf("groups[%d].%s", i, f.Field), f.Key, f.Args...)
				}
				continue
			}
			return err
		}
		if _, ok := im.groupID[g.Name]; ok {
			continue
		}
		g.ID = model.NewID("egrp")
		im.groupID[g.Name] = g.ID
		im.newGroups = append(im.newGroups, g)
	}
	return nil
}

// planRows validates every row (its name, group and site) and, for each
// valid one, plans its site and subcloud with fresh IDs. An invalid row
// plans nothing; the caller writes nothing if any was invalid.
func (im *importer) planRows(ctx context.Context, rows []Row) error {
	taken, err := im.tx.EdgeNames(ctx, im.providerID)
	if err != nil {
		return err
	}
	seen := make(map[string]int, len(rows))
	im.sites = make([]model.Site, 0, len(rows))
	im.scs = make([]model.Subcloud, 0, len(rows))
	for i, r := range rows {
		row := i + 1
		before := len(im.bad)
		name := im.checkName(row, r.Name, seen, taken)
		gid := im.checkGroup(row, r.Group)
		s, err := im.checkSite(row, name, r)
		if err != nil {
			return err
		}
		if len(im.bad) > before {
			continue
		}
		scID := model.NewID("sc")
		s.ID = model.NewID("site")
		s.FailureDomain = scID // each subcloud is its own failure domain
		im.sites = append(im.sites, s)
		im.scs = append(im.scs, model.Subcloud{Meta: model.Meta{ID: scID}, ProviderID: im.providerID, GroupID: gid, Name: name, Endpoint: r.Endpoint})
		im.res.Subclouds = append(im.res.Subclouds, Imported{Row: row, ID: scID, Name: name, GroupID: gid, SiteID: s.ID})
	}
	return nil
}

// checkName cleans a row's subcloud name and checks it: present, not too
// long, unique in the import (seen: name → first row) and not taken by
// the provider's existing subclouds or sites.
func (im *importer) checkName(row int, raw string, seen map[string]int, taken map[string]bool) string {
	name, key := model.CleanName(raw)
	switch {
	case key != "":
		im.add(row, "name", key)
	case strings.TrimSpace(name) == "":
		im.add(row, "name", "field.required")
	case len(name) > 200:
		im.add(row, "name", "field.too_long", 200)
	case seen[name] != 0:
		im.add(row, "name", "field.duplicate_name", name, seen[name])
	case taken[name]:
		im.add(row, "name", "field.name_taken", name)
	}
	if name != "" && seen[name] == 0 {
		seen[name] = row
	}
	return name
}

// checkGroup resolves a row's group name to its ID ("" when unknown or
// missing, which is recorded).
func (im *importer) checkGroup(row int, group string) string {
	gid, ok := im.groupID[group]
	if !ok {
		if strings.TrimSpace(group) == "" {
			im.add(row, "group", "field.required")
		} else {
			im.add(row, "group", "field.unknown_group", group)
		}
	}
	return gid
}

// checkSite builds a row's site (its country from the subdivision, tier
// edge unless given) and records its invalid fields and the endpoint's.
// The name was checked by checkName and the country follows from the
// subdivision, so the site's own errors on those are not repeated.
func (im *importer) checkSite(row int, name string, r Row) (model.Site, error) {
	var v model.Validator
	v.ValidEndpoint("endpoint", r.Endpoint)
	country := ""
	if len(r.Subdivision) >= 2 {
		country = r.Subdivision[:2]
	}
	s := model.Site{ProviderID: im.providerID, Name: name, Country: country, Subdivision: r.Subdivision,
		Latitude: r.Latitude, Longitude: r.Longitude, Tier: r.Tier, FailureDomain: "edge",
		Capacity: r.Capacity, Simulated: im.prov.Simulated}
	if s.Tier == "" {
		s.Tier = model.TierEdge
	}
	s.Defaults()
	if r.Subdivision == "" {
		v.Add("subdivision", "field.required")
	} else if err := s.Validate(); err != nil {
		var ve *model.ValidationError
		if !errors.As(err, &ve) {
			return s, err
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
			im.add(row, f.Field, f.Key, f.Args...)
		}
	}
	return s, nil
}

// write gives every planned subcloud its key pair (only now that every
// row is valid; the private key goes back once, in the result) and
// creates the groups, sites, subclouds and their links, in that order.
func (im *importer) write(ctx context.Context) error {
	pairs := make([][2]string, len(im.scs))
	for i := range im.scs {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		im.scs[i].PublicKey = base64.StdEncoding.EncodeToString(pub)
		im.res.Subclouds[i].PublicKey = im.scs[i].PublicKey
		im.res.Subclouds[i].PrivateKey = base64.StdEncoding.EncodeToString(priv.Seed())
		pairs[i] = [2]string{im.sites[i].ID, im.scs[i].ID}
	}
	if err := im.tx.EdgeGroups().CreateMany(ctx, im.newGroups, "egrp"); err != nil {
		return err
	}
	if err := im.tx.Sites().CreateMany(ctx, im.sites, "site"); err != nil {
		return err
	}
	if err := im.tx.Subclouds().CreateMany(ctx, im.scs, "sc"); err != nil {
		return err
	}
	if err := im.tx.LinkSubcloudSites(ctx, pairs); err != nil {
		return err
	}
	im.res.GroupsCreated = len(im.newGroups)
	store.AuditTarget(ctx, "provider", im.providerID)
	return nil
}
