package store

import "context"

// priceMemo is the value PriceMemo keeps and the price generation it was
// loaded at. The price generation (Store.gens[genPrices]) counts the
// changes to prices and exchange rates that this replica knows of: its
// own committed ones, and every notification on ChannelFleet (which every
// replica sends when it changes them, among other fleet changes). A value
// derived from prices and exchange rates alone (the ledger's price book)
// is reused only while the generation it was loaded at is current.
type priceMemo struct {
	gen uint64
	v   any
}

// ListenFleet is Listen on ChannelFleet that also keeps the price
// generation: it moves on at every notification and at every
// (re)connection and loss of the connection (a change may have been
// missed while away), and the memo of PriceMemo is used only while the
// listener is connected. It returns ErrNoNotify on SQLite.
func (s *Store) ListenFleet(ctx context.Context, connected func(), fn func(payload string)) error {
	return s.gens[genPrices].listen(ctx, s, ChannelFleet, connected, fn)
}

// PriceGeneration returns the current generation of prices and exchange
// rates and whether PriceMemo keeps values at all: always on SQLite (one
// process owns the database), on PostgreSQL only while ListenFleet is
// connected.
func (s *Store) PriceGeneration() (uint64, bool) {
	g := &s.gens[genPrices]
	return g.n.Load(), s.dialect != Postgres || g.listening.Load()
}

// PriceMemo returns what load derives from the prices and exchange rates
// (and nothing else: no clock, no other table), reusing the value of an
// earlier call while no change to prices or exchange rates has been
// committed here or announced by another replica since. It loads afresh,
// and keeps nothing, inside a transaction (whose snapshot may predate the
// current generation, or which may have changed prices itself) and on a
// PostgreSQL replica whose ChannelFleet listener is not connected. The
// store keeps one value: only the ledger's price book uses it. The value
// is shared between goroutines and must not be changed.
func PriceMemo[T any](ctx context.Context, t *Tx, load func(context.Context, *Tx) (T, error)) (T, error) {
	s := t.st
	if s == nil || t.sqlTx != nil {
		return load(ctx, t)
	}
	// The generation is read before loading: a change committed while
	// loading moves it on after its commit, so a value that may predate
	// the change is never kept under the new generation.
	gen, ok := s.PriceGeneration()
	if !ok {
		return load(ctx, t)
	}
	if m := s.priceMemo.Load(); m != nil && m.gen == gen {
		if v, ok := m.v.(T); ok {
			return v, nil
		}
	}
	v, err := load(ctx, t)
	if err != nil {
		return v, err
	}
	s.priceMemo.Store(&priceMemo{gen: gen, v: v})
	return v, nil
}

// pricesChanged records that t changed prices or exchange rates: every
// replica is told (PostgreSQL delivers the notification when the
// transaction commits; one per transaction, or per group writer after
// one whose savepoint was rolled back), and this replica's generation
// moves on once the change is committed, however it commits (InTx, the
// group commit of Store.Write, or a statement outside a transaction), so
// that the very next read here loads it. The repositories of the prices
// and fx_rates tables call it on every write (their entity's changed
// hook), so no caller has to remember it.
func (t *Tx) pricesChanged(ctx context.Context) error {
	if t.genDirty[genPrices] {
		return nil
	}
	return t.changed(ctx, genPrices)
}
