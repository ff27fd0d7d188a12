package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGroupCommitWhenBeginFails: when the group's transaction cannot even
// begin (here SQLite's write lock is held by another connection and the
// store does not wait for it), beginGroup answers the failure, no writer's
// fn runs inside the group, and — the group having failed — every writer
// run again alone gets the failure of its own BEGIN: each caller learns
// that its write did not happen, and nothing is committed. Once the lock
// is free the next write goes through (no transaction or connection was
// left holding anything).
func TestGroupCommitWhenBeginFails(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "g.db")
	owner, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = owner.Close() })
	if _, err := owner.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A second store on the same file that gives up at once on a held
	// write lock, instead of waiting DefaultSQLiteConfig's 10 s.
	db, err := sql.Open("sqlite", SQLiteConfig{BusyTimeout: time.Millisecond, Synchronous: "NORMAL"}.dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{db: db, dialect: SQLite, now: time.Now}
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()

	holder, err := owner.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		t.Fatal(err)
	}
	ran := make([]bool, 3)
	batch := providerWriters(ctx, "b", len(ran), func(i int, tx *Tx) error {
		ran[i] = true
		return nil
	})
	if tx, sqlTx, conn, err := s.beginGroup(ctx); err == nil || tx != nil || sqlTx != nil || conn != nil ||
		!strings.Contains(err.Error(), "beginning transaction") {
		t.Fatalf("beginGroup with the write lock held: %v %v %v %v, want a failure to begin", tx, sqlTx, conn, err)
	}
	if err := s.tryGroup(batch); err == nil || !strings.Contains(err.Error(), "beginning transaction") {
		t.Fatalf("tryGroup with the write lock held: %v, want the failure to begin", err)
	}
	for i, ok := range ran {
		if ok {
			t.Errorf("writer %d ran although the group never began", i)
		}
	}
	s.runGroup(batch)
	for i, w := range batch {
		wantWoken(t, i, w)
		if w.err == nil || w.panicked != nil {
			t.Errorf("writer %d: err %v, panicked %v, want the failure to begin", i, w.err, w.panicked)
		}
		if ran[i] {
			t.Errorf("writer %d ran although no transaction began", i)
		}
	}
	if err := holder.Rollback(); err != nil {
		t.Fatal(err)
	}
	wantProviders(t, owner, 0, "none: no write began")

	p := testProvider("after")
	if err := s.Write(ctx, func(tx *Tx) error { return tx.Providers().Create(ctx, &p, "prv") }); err != nil {
		t.Fatalf("the write after the lock was freed: %v", err)
	}
	wantProviders(t, owner, 1, "1: the write after the failure went through")
}

// wantWoken fails t unless writer i of a group that ran has been woken.
func wantWoken(t *testing.T, i int, w *groupWriter) {
	t.Helper()
	select {
	case <-w.done:
	default:
		t.Fatalf("writer %d not woken", i)
	}
}
