package catalog_test

import (
	"context"
	"errors"
	"testing"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/catalog"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// memConfig records what the catalog asked it to save.
type memConfig struct {
	provider string
	sites    []string
	fail     error
}

func (m *memConfig) Save(_ context.Context, tx *store.Tx, providerID string, siteIDs []string) (bool, error) {
	m.provider, m.sites = providerID, siteIDs
	return true, m.fail
}

func newProvider() (model.Provider, []model.Site) {
	return model.Provider{Name: "Nube QRO", Driver: model.DriverKubernetes, Jurisdiction: "MX", Certification: model.ClassInternal, Currency: "mxn"},
		[]model.Site{{Name: "QRO 1a", Country: "MX", FailureDomain: "qro-1a"}, {Name: "QRO 1b", Country: "MX", FailureDomain: "qro-1b"}}
}

// TestAddProviderIsAudited: the provider, its sites, the driver config and
// the operator's audit event commit together; the config learns the ids.
func TestAddProviderIsAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p, sites := newProvider()
		cfg := &memConfig{}
		added, err := catalog.New(st).AddProvider(ctx, audit.Operator("ana", "", "", ""), p, sites, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !added.Sealed || cfg.provider != added.Provider.ID || len(cfg.sites) != 2 || cfg.sites[1] != added.Sites[1].ID || added.Provider.Currency != "MXN" {
			t.Fatalf("added %+v, config saved for %s %v", added, cfg.provider, cfg.sites)
		}
		if got, err := st.Read().Sites().List(ctx, store.ListOptions{Filters: map[string]string{"provider_id": added.Provider.ID}, Limit: 10}); err != nil || len(got.Items) != 2 {
			t.Fatalf("sites of the new provider: %v %v", got, err)
		}
		evs, err := st.Read().AuditEvents(ctx, store.AuditFilter{Limit: 10})
		if err != nil || len(evs) != 1 {
			t.Fatalf("events: %v %v", evs, err)
		}
		if e := evs[0]; e.Action != "providers.create" || e.ActorKind != audit.ActorOperator || e.ActorID != "ana" || e.TargetID != added.Provider.ID {
			t.Fatalf("recorded %+v", e)
		}
	})
}

// TestAddProviderFailsWhole: when the driver config cannot be saved,
// neither the provider nor its audit event remain.
func TestAddProviderFailsWhole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p, sites := newProvider()
		boom := errors.New("boom")
		if _, err := catalog.New(st).AddProvider(ctx, audit.Operator("ana", "", "", ""), p, sites, &memConfig{fail: boom}); !errors.Is(err, boom) {
			t.Fatalf("err %v", err)
		}
		if ps, err := st.Read().Providers().List(ctx, store.ListOptions{Limit: 10}); err != nil || len(ps.Items) != 0 {
			t.Fatalf("providers after a failed add: %v %v", ps, err)
		}
		if evs, err := st.Read().AuditEvents(ctx, store.AuditFilter{Limit: 10}); err != nil || len(evs) != 0 {
			t.Fatalf("events after a failed add: %v %v", evs, err)
		}
		p.Jurisdiction = "XX"
		if _, err := catalog.New(st).AddProvider(ctx, audit.Operator("ana", "", "", ""), p, sites, &memConfig{}); err == nil {
			t.Fatal("an invalid provider was added")
		}
	})
}
