// Package catalog is the service that owns writes to the provider catalog
// made outside an API request: registering a provider with its sites and
// its driver's config (the operator's `provider add` and `provider
// add-kubernetes`, run where the database is). Every write appends its
// audit event in the same transaction, so a provider is never registered
// without a record of who registered it.
package catalog

import (
	"context"
	"fmt"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// DriverConfig is the config of a provider being registered. The catalog
// saves it in the transaction that creates the provider and its sites,
// once their ids are known.
type DriverConfig interface {
	// Save stores the config of providerID in tx; siteIDs are the ids of
	// the new sites in the order they were given to AddProvider. It
	// reports whether the config was sealed with the secrets key.
	Save(ctx context.Context, tx *store.Tx, providerID string, siteIDs []string) (sealed bool, err error)
}

// Service writes the catalog.
type Service struct{ st *store.Store }

// New returns the catalog service over st.
func New(st *store.Store) *Service { return &Service{st: st} }

// Added is what AddProvider created.
type Added struct {
	Provider model.Provider `json:"provider"`
	Sites    []model.Site   `json:"sites"`
	Sealed   bool           `json:"sealed"`
}

// AddProvider validates and creates p, its sites and its driver's config
// in one transaction, with the audit event ev (an operator's, see
// audit.Operator) naming the new provider. Sites get p's id; their
// defaults are filled in first.
func (s *Service) AddProvider(ctx context.Context, ev model.AuditEvent, p model.Provider, sites []model.Site, cfg DriverConfig) (Added, error) {
	p.Defaults()
	if err := p.Validate(); err != nil {
		return Added{}, err
	}
	sites = append([]model.Site(nil), sites...)
	for i := range sites {
		sites[i].ProviderID = "pending"
		sites[i].Defaults()
		if err := sites[i].Validate(); err != nil {
			return Added{}, fmt.Errorf("site %s: %w", sites[i].Name, err)
		}
	}
	sealed := false
	ev.Action, ev.TargetKind = "providers.create", "providers"
	err := audit.Write(ctx, s.st, ev, func(tx *store.Tx, e *model.AuditEvent) error {
		if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
			return err
		}
		ids := make([]string, len(sites))
		for i := range sites {
			sites[i].ProviderID = p.ID
			if err := tx.Sites().Create(ctx, &sites[i], "site"); err != nil {
				return err
			}
			ids[i] = sites[i].ID
		}
		var err error
		if sealed, err = cfg.Save(ctx, tx, p.ID, ids); err != nil {
			return err
		}
		e.TargetID = p.ID
		return nil
	})
	if err != nil {
		return Added{}, err
	}
	return Added{Provider: p, Sites: sites, Sealed: sealed}, nil
}
