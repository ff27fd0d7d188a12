package cli

import (
	"context"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// benchOpenPolicy is the data policy the scenario benchmarks give the
// demo's Brazilian ministry: public and internal data may go to any
// provider in Brazil, Chile or Colombia, the foreign-jurisdiction one
// included; confidential and restricted data stay national. The demo's
// own policy is national at home; the benchmarks measure placement,
// failover and evacuation over the whole demo market, as they did before
// institutions had data policies, and say so here.
var benchOpenPolicy = model.DataPolicy{Sovereignty: model.SovereigntyAny, Countries: []string{"BR", "CL", "CO"},
	MinSovereignty: map[string]string{model.ClassConfidential: model.SovereigntyNational, model.ClassRestricted: model.SovereigntyNational}}

// openBenchPolicy gives the institution of a project benchOpenPolicy.
func openBenchPolicy(ctx context.Context, st *store.Store, project string) error {
	return st.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Projects().Get(ctx, project)
		if err != nil {
			return err
		}
		in, err := tx.Institutions().Get(ctx, p.InstitutionID)
		if err != nil {
			return err
		}
		in.DataPolicy = benchOpenPolicy
		return tx.Institutions().Update(ctx, &in)
	})
}
