package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoNotify: the database has no change notifications (SQLite: one
// process owns the file, so there is nobody else to tell).
var ErrNoNotify = errors.New("store: change notifications need PostgreSQL")

// ChannelFleet is the notification channel for changes to the fleet
// tables (providers, sites, prices, exchange rates, institutions).
const ChannelFleet = "soberana_fleet"

// Notify tells every listener of channel (every replica on this database)
// that something changed; on SQLite it does nothing. PostgreSQL delivers
// the notification to listeners once; listeners must reload on (re)connect
// since notifications sent while they were away are lost.
func (s *Store) Notify(ctx context.Context, channel, payload string) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, payload)
	return err
}

// Listen holds one connection of the pool LISTENing on channel and calls
// fn for each notification until ctx ends. connected is called each time
// the listener (re)connects, before any notification, so that the caller
// reloads what it may have missed. A broken connection is retried with
// backoff. It returns ErrNoNotify on SQLite.
func (s *Store) Listen(ctx context.Context, channel string, connected func(), fn func(payload string)) error {
	return s.listenLoop(ctx, channel, connected, fn, func() {})
}

// listenLoop is Listen with disconnected, called each time the listening
// connection is lost (before the retry).
func (s *Store) listenLoop(ctx context.Context, channel string, connected func(), fn func(payload string), disconnected func()) error {
	if s.dialect != Postgres {
		return ErrNoNotify
	}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, channel, func() { backoff = 100 * time.Millisecond; connected() }, fn)
		disconnected()
		if ctx.Err() != nil {
			return nil
		}
		_ = err
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(backoff*2, 5*time.Second)
	}
	return nil
}

func (s *Store) listenOnce(ctx context.Context, channel string, connected func(), fn func(string)) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return onPgx(conn, "listen", func(pc *pgx.Conn) error {
		if _, err := pc.Exec(ctx, `LISTEN "`+channel+`"`); err != nil {
			return fmt.Errorf("%w: %v", driver.ErrBadConn, err)
		}
		connected()
		for {
			n, err := pc.WaitForNotification(ctx)
			if err != nil {
				// The connection is LISTENing (or broken): never hand it
				// back to the pool.
				return fmt.Errorf("%w: %v", driver.ErrBadConn, err)
			}
			fn(n.Payload)
		}
	})
}
