package bench

import (
	"context"

	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/store"
)

// OpenMarketPolicy gives the institution of a project the demo market's
// open data policy (seed.MarketPolicy): the scenario benchmarks measure
// placement, failover and evacuation over the whole demo market, as they
// did before institutions had data policies.
func OpenMarketPolicy(ctx context.Context, st *store.Store, project string) error {
	return st.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Projects().Get(ctx, project)
		if err != nil {
			return err
		}
		in, err := tx.Institutions().Get(ctx, p.InstitutionID)
		if err != nil {
			return err
		}
		in.DataPolicy = seed.MarketPolicy
		return tx.Institutions().Update(ctx, &in)
	})
}
