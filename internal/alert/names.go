package alert

import (
	"context"

	"github.com/soberana/soberana/internal/store"
)

// namer resolves, once per evaluation, the names people read in an
// alert's summary (issue #18 item 8): sites and providers from the fleet,
// budget lines, projects and users from the store. The ids stay in the
// alert's target fields; a name that cannot be read falls back to its id.
type namer struct {
	ctx   context.Context
	e     *Engine
	tx    *store.Tx
	cache map[string]string
}

func (e *Engine) namer(ctx context.Context, tx *store.Tx) *namer {
	return &namer{ctx: ctx, e: e, tx: tx, cache: map[string]string{}}
}

func (n *namer) get(kind, id string, read func() (string, error)) string {
	if v, ok := n.cache[kind+id]; ok {
		return v
	}
	name, err := read()
	if err != nil || name == "" {
		name = id
	}
	n.cache[kind+id] = name
	return name
}

func (n *namer) site(id string) string {
	return n.get("site", id, func() (string, error) {
		s, _ := n.e.fleet.Site(id)
		return s.Name, nil
	})
}

func (n *namer) provider(id string) string {
	return n.get("provider", id, func() (string, error) {
		p, _ := n.e.fleet.Provider(id)
		return p.Name, nil
	})
}

func (n *namer) budgetLine(id string) string {
	return n.get("budget_line", id, func() (string, error) {
		b, err := n.tx.BudgetLines().Get(n.ctx, id)
		if err != nil || b.Code == "" {
			return b.Name, err
		}
		return b.Code + " " + b.Name, nil
	})
}

func (n *namer) project(id string) string {
	return n.get("project", id, func() (string, error) {
		p, err := n.tx.Projects().Get(n.ctx, id)
		return p.Name, err
	})
}
