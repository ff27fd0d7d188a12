package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
)

// scratchDatabase is the database a scenario runs on: url, or, when url is
// empty, a SQLite file in a new temporary directory named after the
// scenario. kind is "sqlite" or "postgres" (the result's Database);
// cleanup removes the temporary directory (a no-op for a given url).
func scratchDatabase(url, scenario string) (dbURL, kind string, cleanup func(), err error) {
	if url != "" {
		return url, "postgres", func() {}, nil
	}
	dir, err := os.MkdirTemp("", "soberana-bench-"+scenario+"-")
	if err != nil {
		return "", "", nil, err
	}
	return filepath.Join(dir, "bench.db"), "sqlite", func() { os.RemoveAll(dir) }, nil
}

// scratchStore is openMigrated on scratchDatabase(url, scenario): the
// migrated store, its kind (the result's Database) and done, which closes
// the store and removes a temporary directory.
func scratchStore(ctx context.Context, url, scenario, writes string) (st *store.Store, kind string, done func(), err error) {
	url, kind, cleanup, err := scratchDatabase(url, scenario)
	if err != nil {
		return nil, "", nil, err
	}
	if st, err = openMigrated(ctx, url, writes); err != nil {
		cleanup()
		return nil, "", nil, err
	}
	return st, kind, func() { _ = st.Close(); cleanup() }, nil
}

// Head opens every scenario's JSON line: the scenario's name and the
// database it ran on ("sqlite" or "postgres").
type Head struct {
	Scenario string `json:"scenario"`
	Database string `json:"database"`
}

// openMigrated opens the store at url and migrates it. With a non-empty
// writes (what the bench writes there, for the error) it first refuses a
// database that already has migrations applied: a bench fills its
// database with synthetic rows and must not be pointed at a real one. On
// an error the store is closed.
func openMigrated(ctx context.Context, url, writes string) (*store.Store, error) {
	st, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := migrateEmpty(ctx, st, writes); err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}

func migrateEmpty(ctx context.Context, st *store.Store, writes string) error {
	if writes != "" {
		if applied, _, err := st.MigrationStatus(ctx); err != nil {
			return err
		} else if applied > 0 {
			return fmt.Errorf("the bench %s: give it an empty database, not one with %d migrations applied", writes, applied)
		}
	}
	_, err := st.Migrate(ctx)
	return err
}

// positive sets *v to def unless it is above zero: an option left at zero
// (or set below it) takes its default.
func positive(v *int, def int) {
	if *v <= 0 {
		*v = def
	}
}

// scratchBox is a secrets box over st sealing with a new key of its own:
// what a scenario seals (an app's webhook secret, a CA's private key) is
// never read outside the run.
func scratchBox(st *store.Store) (*secrets.Box, error) {
	kr, err := secrets.ParseKeyring(secrets.NewKeyLine("bench"))
	if err != nil {
		return nil, err
	}
	return secrets.NewBox(st, kr), nil
}
