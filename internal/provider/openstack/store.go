package openstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// settingKey is where a provider's config is kept. It is the one place the
// driver's credentials live: in the settings table, in clear text until
// the identity engineer's internal/secrets lands; then only StoreConfigs
// changes (seal in SaveConfig, open in Config).
func settingKey(providerID string) string { return "provider/openstack/" + providerID }

// StoreConfigs reads provider configs from the store's settings.
type StoreConfigs struct{ St *store.Store }

// Config reads a provider's config.
func (s StoreConfigs) Config(ctx context.Context, providerID string) (Config, error) {
	v, ok, err := s.St.Read().Setting(ctx, settingKey(providerID))
	if err != nil {
		return Config{}, err
	}
	if !ok {
		return Config{}, &Error{Reason: ReasonNoConfig, Op: "read config", Detail: providerID}
	}
	var c Config
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return Config{}, fmt.Errorf("%w: stored config of %s: %w", ErrInvalidConfig, providerID, err)
	}
	return c, nil
}

// SaveConfig validates and stores a provider's config in a transaction.
func SaveConfig(ctx context.Context, tx *store.Tx, providerID string, c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return tx.PutSetting(ctx, settingKey(providerID), string(b))
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
