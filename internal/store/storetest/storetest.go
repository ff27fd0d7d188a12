// Package storetest opens throwaway stores for tests: an SQLite file in a
// temporary directory, and — when SOBERANA_TEST_POSTGRES_URL is set — a
// fresh PostgreSQL database created for the test and dropped after it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // pgx database/sql driver

	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
)

// PostgresEnv names the variable that enables PostgreSQL tests.
const PostgresEnv = "SOBERANA_TEST_POSTGRES_URL"

// SQLite opens a migrated store in a temporary directory, removed after
// the test. Not t.TempDir: its cleanup fails the test when a file appears
// while it removes the directory, and SQLite may still be putting away its
// -wal and -shm files just after Close while parallel tests load the
// machine; the removal here tries again for a while and only logs.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	dir, err := os.MkdirTemp("", "soberana-storetest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeAll(t, dir) })
	return Open(t, filepath.Join(dir, "test.db"))
}

// Open opens the store at dsn, migrates it (nothing to do if another
// store did), and closes it when the test ends: with PostgresURL's
// database, one replica of several on it.
func Open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// PostgresURL creates a fresh database and returns its URL, or skips the
// test with a clear message when PostgreSQL is not configured.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := EnvOrSkip(t, PostgresEnv, "PostgreSQL tests skipped: set "+PostgresEnv+" (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable); .ci/run does")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "soberana_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("creating test database (is %s right?): %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Postgres opens a migrated store on a fresh PostgreSQL database.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	return Open(t, PostgresURL(t))
}

// Each runs fn against SQLite and, when configured, PostgreSQL.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// removeAll removes dir, trying again for up to five seconds while files
// still appear in it.
func removeAll(t testing.TB, dir string) {
	var err error
	for range 100 {
		if err = os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("removing %s: %v", dir, err)
}

// Box is a secrets box over st sealing with a new key named keyID (the
// tests' SOBERANA secrets key).
func Box(t testing.TB, st *store.Store, keyID string) *secrets.Box {
	t.Helper()
	kr, err := secrets.ParseKeyring(secrets.NewKeyLine(keyID))
	if err != nil {
		t.Fatal(err)
	}
	return secrets.NewBox(st, kr)
}

// ClearAppSecret writes the app's webhook secret in clear text into its
// row, as a start without a secrets key of an earlier version left it.
func ClearAppSecret(t testing.TB, st *store.Store, appID, secret string) {
	t.Helper()
	ctx := context.Background()
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		a, err := tx.Apps().Get(ctx, appID)
		if err != nil {
			return err
		}
		a.WebhookSecret = secret
		return tx.Apps().Update(ctx, &a)
	}); err != nil {
		t.Fatal(err)
	}
}

// EnvOrSkip returns the environment variable that points a test at an
// outside service (database, broker, cloud); unset, it skips the test
// saying why.
func EnvOrSkip(t testing.TB, name, why string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skip(why)
	}
	return v
}

// FailAtCommit makes tx's COMMIT fail for real: it breaks a constraint
// the database checks only at COMMIT (a deferred one, on temporary tables
// the rollback takes away again). It answers the store error the failed
// COMMIT maps to: store.ErrReference on SQLite, store.ErrDuplicate on
// PostgreSQL.
func FailAtCommit(ctx context.Context, tx *store.Tx) (want error, err error) {
	stmts := []string{
		`CREATE TEMP TABLE commit_parent (id INTEGER PRIMARY KEY)`,
		`CREATE TEMP TABLE commit_child (p INTEGER REFERENCES commit_parent (id) DEFERRABLE INITIALLY DEFERRED)`,
		`INSERT INTO commit_child VALUES (1)`,
	}
	want = store.ErrReference
	if tx.Dialect() == store.Postgres {
		stmts = []string{
			`CREATE TEMP TABLE commit_check (a INTEGER, CONSTRAINT commit_check_a UNIQUE (a) DEFERRABLE INITIALLY DEFERRED)`,
			`INSERT INTO commit_check VALUES (1), (1)`,
		}
		want = store.ErrDuplicate
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			return nil, err
		}
	}
	return want, nil
}
