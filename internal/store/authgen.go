package store

import (
	"context"
	"sync/atomic"
)

// ChannelAuth is the notification channel for changes to what
// authentication reads: tokens, users, role bindings and grants.
const ChannelAuth = "soberana_auth"

// authGen counts the changes to what authentication reads that this
// replica knows of: its own committed ones, and every notification on
// ChannelAuth. A cache of resolved principals (internal/api) keeps an
// entry only while the generation it was read at is current.
type authGen struct {
	n atomic.Uint64
	// listening: the ChannelAuth listener is connected, so that another
	// replica's change reaches this one. While it is not, AuthGeneration
	// says nothing can be cached.
	listening atomic.Bool
}

// AuthGeneration returns the current generation of authentication data
// and whether a cached principal may be used at all: only on PostgreSQL
// while ListenAuth is connected (SQLite, and a replica whose listener is
// down, read the database at every request).
func (s *Store) AuthGeneration() (uint64, bool) {
	return s.auth.n.Load(), s.dialect == Postgres && s.auth.listening.Load()
}

// ListenAuth holds a connection LISTENing on ChannelAuth until ctx ends,
// moving the generation on at every notification and at every
// (re)connection (a change may have been missed while away). It returns
// ErrNoNotify on SQLite.
func (s *Store) ListenAuth(ctx context.Context) error {
	return s.listenLoop(ctx, ChannelAuth, func() {
		s.auth.n.Add(1)
		s.auth.listening.Store(true)
	}, func(string) { s.auth.n.Add(1) }, func() {
		s.auth.listening.Store(false)
		s.auth.n.Add(1)
	})
}

// authChanged records that t changed tokens, users, role bindings or
// grants: every replica is told (PostgreSQL delivers the notification
// when the transaction commits, not before), and this replica's
// generation moves on once the change is committed, so that the very
// next request here reads it.
func (t *Tx) authChanged(ctx context.Context) error {
	if t.dialect == Postgres {
		if _, err := t.Exec(ctx, `SELECT pg_notify('`+ChannelAuth+`', '')`); err != nil {
			return err
		}
	}
	switch {
	case t.sqlTx != nil:
		t.authDirty = true
	case t.st != nil:
		t.st.auth.n.Add(1)
	}
	return nil
}
