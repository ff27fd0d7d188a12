package store

import (
	"context"
	"sync/atomic"
)

// genKind names one kind of data whose changes a generation counts.
type genKind uint8

const (
	// genAuth: tokens, users, role bindings and grants (authgen.go).
	genAuth genKind = iota
	// genPrices: prices and exchange rates (pricegen.go).
	genPrices
	genKinds
)

// genChannel is the notification channel every replica sends on when it
// changes a kind of data.
var genChannel = [genKinds]string{genAuth: ChannelAuth, genPrices: ChannelFleet}

// generation counts the changes to one kind of data that this replica
// knows of: its own committed ones, and every notification on the kind's
// channel. A value derived from that data alone is reused only while the
// generation it was read at is current.
type generation struct {
	n atomic.Uint64
	// listening: the channel's listener is connected, so that another
	// replica's change reaches this one. While it is not, a PostgreSQL
	// replica cannot tell whether its values are current.
	listening atomic.Bool
}

// listen is listenLoop on channel that also keeps g: it moves on at every
// notification and at every (re)connection and loss of the connection (a
// change may have been missed while away). connected and fn are called
// after g moved on.
func (g *generation) listen(ctx context.Context, s *Store, channel string, connected func(), fn func(payload string)) error {
	return s.listenLoop(ctx, channel, func() {
		g.n.Add(1)
		g.listening.Store(true)
		connected()
	}, func(payload string) {
		g.n.Add(1)
		fn(payload)
	}, func() {
		g.listening.Store(false)
		g.n.Add(1)
	})
}

// changed records that t changed data of kind k: every replica is told
// (PostgreSQL delivers the notification when the transaction commits, not
// before), and this replica's generation moves on once the change is
// committed (Tx.committed, which every committing path calls: Store.InTx
// and the group commit of Store.Write alike), so that the very next read
// here sees it.
func (t *Tx) changed(ctx context.Context, k genKind) error {
	if t.dialect == Postgres {
		if _, err := t.Exec(ctx, `SELECT pg_notify('`+genChannel[k]+`', '')`); err != nil {
			return err
		}
	}
	switch {
	case t.sqlTx != nil:
		t.genDirty[k] = true
	case t.st != nil:
		t.st.gens[k].n.Add(1)
	}
	return nil
}

// committed moves on, after t's COMMIT, the generation of every kind of
// data t changed. Both ways a transaction commits call it (Store.tryTx,
// Store.tryGroup): a change written through the group commit of
// Store.Write moves the generation as one written with InTx does.
func (t *Tx) committed() {
	for k, dirty := range t.genDirty {
		if dirty {
			t.st.gens[k].n.Add(1)
		}
	}
}

// savepoint returns what t has recorded as changed so far; rollbackTo
// puts it back when the work since is rolled back to a savepoint (a
// writer of a group that failed): the change it recorded is gone, and so
// is its NOTIFY on PostgreSQL, so the next writer that changes the same
// kind must send its own instead of relying on one that was rolled back.
func (t *Tx) savepoint() [genKinds]bool { return t.genDirty }

func (t *Tx) rollbackTo(saved [genKinds]bool) { t.genDirty = saved }
