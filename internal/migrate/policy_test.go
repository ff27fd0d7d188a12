package migrate_test

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/migrate"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
)

// TestPlanHonoursCurrentPolicy: a workload created under an open policy
// (any jurisdiction, Brazil or Colombia) may move to the US-jurisdiction
// provider's Colombian site. Once the ministry's policy is national in
// Brazil, a migration plans only what the policy allows now: the US
// provider is infeasible, and moving off it lands on a Brazilian
// provider in Brazil.
func TestPlanHonoursCurrentPolicy(t *testing.T) {
	t.Parallel()
	h, _, d := opstest.StartDemo(t, config.Monitoring{})
	ctx := context.Background()
	srv := h.Server
	us := d.Providers["Global Hyperscale LatAm (sim)"]
	w := opstest.CreateRunning(t, h, d.Internal(1, model.SovereigntyAny, "BR", "CO"))
	p, err := srv.Ops.Migrate.Plan(ctx, w.ID, migrate.Target{ToProvider: us.ID})
	if err != nil || !p.Feasible {
		t.Fatalf("under the open policy the US provider is a target: %v %+v", err, p)
	}

	opstest.SetPolicy(t, srv.Store, w.InstitutionID, model.DataPolicy{Sovereignty: model.SovereigntyNational, Countries: []string{"BR"}})
	p, err = srv.Ops.Migrate.Plan(ctx, w.ID, migrate.Target{ToProvider: us.ID})
	if err != nil || p.Feasible {
		t.Fatalf("under a national policy the US provider is no target: %v %+v", err, p)
	}
	p, err = srv.Ops.Migrate.Plan(ctx, w.ID, migrate.Target{ExcludeProviders: []string{us.ID}})
	if err != nil || !p.Feasible || len(p.Moves) != 1 {
		t.Fatalf("moving off the US provider: %v %+v", err, p)
	}
	to := p.Moves[0]
	if to.ToCountry != "BR" {
		t.Fatalf("moved to %+v", to)
	}
	prov, err := srv.Store.Read().Providers().Get(ctx, to.ToProvider)
	if err != nil || prov.Jurisdiction != "BR" {
		t.Fatalf("target provider %+v: %v", prov, err)
	}
}
