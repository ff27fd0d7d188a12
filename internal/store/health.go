package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Readiness (GET /readyz) asks the database on a handle of its own, not
// on the pool the requests share: under load every pooled connection is
// busy and a ping queued behind them waited out its deadline although the
// database answered, so the load balancer took a replica that was serving
// out of rotation — in the one-replica phase of `soberana bench ha`, the
// only one, and creates got 503 (issue #19). database/sql cannot set a
// connection of its pool aside, and a *sql.Conn held from it would, once
// broken (the database restarted), be replaced only after every request
// queued for the pool; so the handle is a pool of one connection carved
// out of the replica's budget: on PostgreSQL the requests' pool opens
// pgPoolSize-1 connections and readiness the last one, so that a replica
// never opens more than pgPoolSize against max_connections, and readiness
// fails only when the database itself does not answer. (SQLite has no
// connection budget: its readiness handle is one more file handle.)

// pgPoolSize is how many PostgreSQL connections one replica opens at
// most: its requests' pool, the listeners and the audit sealer in it,
// and the readiness handle.
const pgPoolSize = 20

// pingDeadline bounds one readiness ping: long enough for a database that
// is merely slow under load, shorter than the load balancer's check
// timeout (`timeout check 5s` in docs/operations.md) so that the replica
// answers 503 with its reason instead of the check timing out.
const pingDeadline = 4 * time.Second

func openHealth(driverName, dsn string) (*sql.DB, error) {
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("opening the readiness connection: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	return db, nil
}

// Ping checks that the database answers (readiness), on the readiness
// handle's own connection, within pingDeadline (or ctx's, if sooner). A
// broken connection (the database restarted) is replaced on the next
// ping; while the database is unreachable, Ping fails.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingDeadline)
	defer cancel()
	if s.health == nil { // a store opened for a backup's check only
		return s.db.PingContext(ctx)
	}
	return s.health.PingContext(ctx)
}
