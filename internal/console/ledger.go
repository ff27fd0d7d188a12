package console

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/soberana/soberana/internal/model"
)

// The ledger's API (budget balances, statements) is read here. Its routes
// are looked up in the API's table, so these parts of the console appear
// when the ledger is served and stay hidden before.

// balancePath is the ledger's balance of one budget line.
const balancePath = "/v1/budget-lines/{id}/balance"

// balances returns committed / accrued / available per budget line, or an
// empty map while the ledger is not served.
func (c *Console) balances(ctx context.Context, v *view) map[string]*balance {
	out := map[string]*balance{}
	if !c.hasRoute("GET", balancePath) {
		return out
	}
	bls, err := listAll[model.BudgetLine](ctx, c, v, "/v1/budget-lines", nil)
	if err != nil {
		return out
	}
	for _, b := range bls {
		var raw map[string]any
		if err := c.get(ctx, v, "/v1/budget-lines/"+url.PathEscape(b.ID)+"/balance", &raw); err != nil {
			continue
		}
		out[b.ID] = newBalance(b.AmountMinor, minorOf(raw, "committed"), minorOf(raw, "accrued"))
	}
	return out
}

// minorOf reads an amount field that is either {"minor": n, …} or a
// plain integer named field or field_minor.
func minorOf(m map[string]any, field string) int64 {
	switch x := m[field].(type) {
	case map[string]any:
		if n, ok := x["minor"].(float64); ok {
			return int64(n)
		}
	case float64:
		return int64(x)
	case json.Number:
		n, _ := x.Int64()
		return n
	}
	if n, ok := m[field+"_minor"].(float64); ok {
		return int64(n)
	}
	return 0
}
