package store

import (
	"context"
	"sync/atomic"
)

// priceGen counts the changes to prices and exchange rates that this
// replica knows of: its own committed ones, and every notification on
// ChannelFleet (which every replica sends when it changes them, among
// other fleet changes). A value derived from prices and exchange rates
// alone (the ledger's price book) is reused only while the generation it
// was loaded at is current (PriceMemo).
type priceGen struct {
	n atomic.Uint64
	// listening: the ChannelFleet listener (ListenFleet) is connected, so
	// that another replica's change reaches this one. While it is not, a
	// PostgreSQL replica reads prices at every use.
	listening atomic.Bool
	memo      atomic.Pointer[priceMemo]
}

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
	return s.listenLoop(ctx, ChannelFleet, func() {
		s.prices.n.Add(1)
		s.prices.listening.Store(true)
		connected()
	}, func(payload string) {
		s.prices.n.Add(1)
		fn(payload)
	}, func() {
		s.prices.listening.Store(false)
		s.prices.n.Add(1)
	})
}

// PriceGeneration returns the current generation of prices and exchange
// rates and whether PriceMemo keeps values at all: always on SQLite (one
// process owns the database), on PostgreSQL only while ListenFleet is
// connected.
func (s *Store) PriceGeneration() (uint64, bool) {
	return s.prices.n.Load(), s.dialect != Postgres || s.prices.listening.Load()
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
	if m := s.prices.memo.Load(); m != nil && m.gen == gen {
		if v, ok := m.v.(T); ok {
			return v, nil
		}
	}
	v, err := load(ctx, t)
	if err != nil {
		return v, err
	}
	s.prices.memo.Store(&priceMemo{gen: gen, v: v})
	return v, nil
}

// pricesChanged records that t changed prices or exchange rates: every
// replica is told (PostgreSQL delivers the notification when the
// transaction commits; one per transaction), and this replica's
// generation moves on once the change is committed, so that the very
// next read here loads it. Prices and exchange rates are written with
// InTx (or outside a transaction), never through the group commit of
// Store.Write, which would not move the generation.
func (t *Tx) pricesChanged(ctx context.Context) error {
	if t.pricesDirty {
		return nil
	}
	if t.dialect == Postgres {
		if _, err := t.Exec(ctx, `SELECT pg_notify('`+ChannelFleet+`', '')`); err != nil {
			return err
		}
	}
	switch {
	case t.sqlTx != nil:
		t.pricesDirty = true
	case t.st != nil:
		t.st.prices.n.Add(1)
	}
	return nil
}
