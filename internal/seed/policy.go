package seed

import "github.com/soberana/soberana/internal/model"

// MarketPolicy opens the demo's data policies to the whole demo market:
// public and internal data may go to any provider in Brazil, Chile or
// Colombia, the foreign-jurisdiction one included; confidential and
// restricted data stay national. The demo institutions themselves are
// national at home; the scenario benchmarks and the operations tests,
// which fail over, migrate and evacuate across every provider, give it
// explicitly and say so.
var MarketPolicy = model.DataPolicy{Sovereignty: model.SovereigntyAny, Countries: []string{"BR", "CL", "CO"},
	MinSovereignty: map[string]string{model.ClassConfidential: model.SovereigntyNational, model.ClassRestricted: model.SovereigntyNational}}
