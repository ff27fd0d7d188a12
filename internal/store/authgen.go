package store

import "context"

// ChannelAuth is the notification channel for changes to what
// authentication reads: tokens, users, role bindings and grants.
const ChannelAuth = "soberana_auth"

// AuthGeneration returns the current generation of authentication data
// and whether a cached principal may be used at all: only on PostgreSQL
// while ListenAuth is connected (SQLite, and a replica whose listener is
// down, read the database at every request).
func (s *Store) AuthGeneration() (uint64, bool) {
	g := &s.gens[genAuth]
	return g.n.Load(), s.dialect == Postgres && g.listening.Load()
}

// ListenAuth holds a connection LISTENing on ChannelAuth until ctx ends,
// moving the generation on at every notification and at every
// (re)connection (a change may have been missed while away). It returns
// ErrNoNotify on SQLite.
func (s *Store) ListenAuth(ctx context.Context) error {
	return s.gens[genAuth].listen(ctx, s, ChannelAuth, func() {}, func(string) {})
}

// authChanged records that t changed tokens, users, role bindings or
// grants: every replica is told (PostgreSQL delivers the notification
// when the transaction commits, not before), and this replica's
// generation moves on once the change is committed, so that the very
// next request here reads it.
func (t *Tx) authChanged(ctx context.Context) error { return t.changed(ctx, genAuth) }
