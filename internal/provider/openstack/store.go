package openstack

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
)

// configs is where the configs are kept (provider.DriverConfigs).
var configs = provider.DriverConfigs{Driver: "openstack", NoKey: ErrNoSecretsKey, Invalid: ErrInvalidConfig}

// The variables the server reads its secrets key from (internal/server's
// EnvSecretsKeyFile and EnvSecretsKey): a driver built by the provider
// registry, which hands it only the store, opens sealed configs with them.
const (
	envSecretsKeyFile = "SOBERANA_SECRETS_KEY_FILE"
	envSecretsKey     = "SOBERANA_SECRETS_KEY"
)

// ErrNoSecretsKey: the config is sealed but no secrets key is configured.
var ErrNoSecretsKey = fmt.Errorf("%w: openstack: the provider's config is encrypted and no secrets key is configured (SOBERANA_SECRETS_KEY_FILE)", provider.ErrMisconfigured)

// Box keeps secrets encrypted at rest (internal/secrets.Box): the config
// holds the clouds' credentials.
type Box = provider.SecretBox

// StoreConfigs reads and writes provider configs — the one place the
// clouds' credentials live. With a secrets key (a Box, or the server's
// SOBERANA_SECRETS_KEY_FILE / SOBERANA_SECRETS_KEY) the config is sealed
// in the secrets table and the settings row only says so; without one it
// is kept in clear text in the settings row (development and tests).
type StoreConfigs struct {
	St *store.Store
	// Box returns the secrets box, or nil (then the environment's key,
	// if any, is used).
	Box func() Box
}

func (s StoreConfigs) box() (Box, error) {
	if s.Box != nil {
		if b := s.Box(); b != nil {
			return b, nil
		}
	}
	kr, err := secrets.Load(os.Getenv, envSecretsKeyFile, envSecretsKey)
	if errors.Is(err, secrets.ErrNoKey) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return secrets.NewBox(s.St, kr), nil
}

// Config reads a provider's config.
func (s StoreConfigs) Config(ctx context.Context, providerID string) (Config, error) {
	var c Config
	ok, err := configs.Read(ctx, s.St.Read(), providerID, s.box, &c)
	if err != nil {
		return Config{}, err
	}
	if !ok {
		return Config{}, &Error{Reason: ReasonNoConfig, Op: "read config", Detail: providerID}
	}
	return c, nil
}

// Save validates and stores a provider's config in a transaction, sealed
// when a secrets key is configured. It reports whether it sealed it.
func (s StoreConfigs) Save(ctx context.Context, tx *store.Tx, providerID string, c Config) (sealed bool, err error) {
	if err := c.Validate(); err != nil {
		return false, err
	}
	box, err := s.box()
	if err != nil {
		return false, err
	}
	return configs.Write(ctx, tx, providerID, box, c)
}

// SealClear seals a provider's config that an earlier start kept in clear
// text in its settings row (no secrets key then), when a key is now
// configured; it reports whether it did.
func (s StoreConfigs) SealClear(ctx context.Context, tx *store.Tx, providerID string) (bool, error) {
	box, err := s.box()
	if err != nil {
		return false, err
	}
	return configs.SealClear(ctx, tx, providerID, box)
}

// MemConfigs holds configs in memory (tests, tools).
type MemConfigs map[string]Config

// Config returns the provider's config.
func (m MemConfigs) Config(_ context.Context, providerID string) (Config, error) {
	c, ok := m[providerID]
	if !ok {
		return Config{}, &Error{Reason: ReasonNoConfig, Op: "read config", Detail: providerID}
	}
	return c, nil
}

// StoreLookup reads tenants and needs from the store.
type StoreLookup struct{ St *store.Store }

// Tenant reads a workload's project, institution and offering.
func (s StoreLookup) Tenant(ctx context.Context, workloadID string) (Tenant, error) {
	tx := s.St.Read()
	w, err := tx.Workloads().Get(ctx, workloadID)
	if err != nil {
		return Tenant{}, err
	}
	t := Tenant{ProjectID: w.ProjectID, InstitutionID: w.InstitutionID}
	if p, err := tx.Projects().Get(ctx, w.ProjectID); err == nil {
		t.ProjectName = p.Name
	} else if !errors.Is(err, store.ErrNotFound) {
		return Tenant{}, err
	}
	if in, err := tx.Institutions().Get(ctx, w.InstitutionID); err == nil {
		t.InstitutionName = in.Name
	} else if !errors.Is(err, store.ErrNotFound) {
		return Tenant{}, err
	}
	o, err := tx.Offerings().Get(ctx, w.OfferingID)
	if err != nil {
		return Tenant{}, err
	}
	t.Offering = o.Name
	return t, nil
}

// ProjectNeeds adds up the live replicas of a project's workloads on a provider.
func (s StoreLookup) ProjectNeeds(ctx context.Context, projectID, providerID string) (Needs, error) {
	tx := s.St.Read()
	var n Needs
	after := ""
	for {
		page, err := tx.Workloads().List(ctx, store.ListOptions{Filters: map[string]string{"project_id": projectID}, After: after, Limit: 1000})
		if err != nil {
			return n, err
		}
		for _, w := range page.Items {
			ps, err := tx.PlacementsOf(ctx, w.ID)
			if err != nil {
				return n, err
			}
			for _, p := range ps {
				if p.ProviderID != providerID || p.State == model.PlacementDeleted || p.State == model.PlacementFailed {
					continue
				}
				n.Instances++
				n.VCPUs += p.VCPUs
				n.MemoryMiB += p.MemoryMiB
				n.DiskGiB += p.DiskGiB
			}
		}
		if page.Next == "" {
			return n, nil
		}
		after = page.Next
	}
}

// Offerings lists the VM offerings' names.
func (s StoreLookup) Offerings(ctx context.Context) ([]string, error) {
	list, err := s.St.Read().Offerings().List(ctx, store.ListOptions{Filters: map[string]string{"kind": model.KindVM}, Limit: 1000})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list.Items))
	for _, o := range list.Items {
		out = append(out, o.Name)
	}
	return out, nil
}

// NewProvider is the config c of a provider being registered (catalog's
// DriverConfig), stored with cfgs once its sites have ids.
func NewProvider(cfgs StoreConfigs, c Config) provider.NewConfig[Config] {
	return provider.NewConfig[Config]{Config: c, Store: cfgs.Save}
}

// WithSiteIDs gives the availability zones, in order, the new sites' ids.
func (c Config) WithSiteIDs(siteIDs []string) (Config, error) {
	var err error
	c.Sites, err = provider.WithSiteIDs("openstack", "availability zones", c.Sites, siteIDs, func(s *SiteMap, id string) { s.SiteID = id })
	return c, err
}
