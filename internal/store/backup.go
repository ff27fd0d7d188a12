package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// SnapshotTo writes a consistent copy of an SQLite database to path while
// the database keeps serving (VACUUM INTO: one read transaction, so the
// copy is the state at one instant; writers are not blocked in WAL mode).
// The copy is compact and self-contained (no -wal file). path must not
// exist.
func (s *Store) SnapshotTo(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return errors.New("snapshot: only the embedded SQLite database is copied in-process; use pg_dump for PostgreSQL")
	}
	// The copy holds token hashes and sealed secrets: only the owner may
	// read it. VACUUM INTO accepts an empty file, created here 0600.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("snapshot: %s already exists; choose a new file name", path)
		}
		return fmt.Errorf("snapshot: %w", err)
	}
	_ = f.Close()
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("snapshot into %s: %w", path, err)
	}
	return nil
}

// OpenReadOnly opens an SQLite file (a backup) without changing it: no
// journal-mode switch, no locks, no writes.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1&_pragma=foreign_keys(1)")
	if err != nil {
		return nil, fmt.Errorf("opening sqlite: %w", err)
	}
	db.SetMaxOpenConns(2)
	s := &Store{db: db, dialect: SQLite, now: time.Now}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return s, nil
}

// SchemaVersion is the newest migration applied to the database (0 for a
// database that was never migrated) and the newest this binary carries.
func (s *Store) SchemaVersion(ctx context.Context) (applied, known int64, err error) {
	entries, err := migrations.ReadDir("migrations")
	if err != nil {
		return 0, 0, err
	}
	for _, e := range entries {
		n, _, _ := strings.Cut(e.Name(), "_")
		if v, err := strconv.ParseInt(n, 10, 64); err == nil && v > known {
			known = v
		}
	}
	for _, m := range goMigrations(s.dialect) {
		known = max(known, m.Version)
	}
	var v sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version WHERE is_applied`).Scan(&v)
	if err != nil {
		if strings.Contains(err.Error(), "goose_db_version") {
			return 0, known, nil // no migration table: never migrated
		}
		return 0, known, fmt.Errorf("reading the schema version: %w", err)
	}
	return v.Int64, known, nil
}

// BalanceDiff is a budget line whose running totals differ from the sums
// of its ledger lines.
type BalanceDiff struct {
	BudgetLineID string
	Balance      model.Balance // budget_balances
	Ledger       model.Balance // recomputed from ledger_lines
}

// BalanceDrift compares every budget line's running totals with the sums
// of its ledger lines and returns the lines that differ (none on a sound
// database). A line with ledger lines but no balance row, or the reverse,
// counts as zero on the missing side.
func (t *Tx) BalanceDrift(ctx context.Context) ([]BalanceDiff, error) {
	rows, err := t.Query(ctx, `
		SELECT id, CAST(SUM(bc) AS BIGINT), CAST(SUM(ba) AS BIGINT), CAST(SUM(lc) AS BIGINT), CAST(SUM(la) AS BIGINT) FROM (
			SELECT budget_line_id AS id, committed_minor AS bc, accrued_minor AS ba, 0 AS lc, 0 AS la FROM budget_balances
			UNION ALL
			SELECT budget_line_id, 0, 0,
				CASE WHEN kind IN ('commitment','release') THEN amount_minor ELSE 0 END,
				CASE WHEN kind IN ('charge','adjustment') THEN amount_minor ELSE 0 END
			FROM ledger_lines
		) AS x GROUP BY id ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("comparing budget balances with the ledger: %w", err)
	}
	defer rows.Close()
	var out []BalanceDiff
	for rows.Next() {
		var d BalanceDiff
		if err := rows.Scan(&d.BudgetLineID, &d.Balance.CommittedMinor, &d.Balance.AccruedMinor,
			&d.Ledger.CommittedMinor, &d.Ledger.AccruedMinor); err != nil {
			return nil, mapErr(err)
		}
		if d.Balance != d.Ledger {
			out = append(out, d)
		}
	}
	return out, mapErr(rows.Err())
}

// countedTables are the tables a backup report counts.
var countedTables = []string{"institutions", "budget_lines", "providers", "sites", "workloads", "placements",
	"ledger_lines", "audit_events", "users", "secrets"}

// TableCounts returns the row counts of the main tables (a backup's
// summary: what a restore brings back).
func (t *Tx) TableCounts(ctx context.Context) (map[string]int64, error) {
	out := make(map[string]int64, len(countedTables))
	for _, name := range countedTables {
		var n int64
		if err := t.QueryRow(ctx, `SELECT COUNT(*) FROM `+name).Scan(&n); err != nil {
			return nil, fmt.Errorf("counting %s: %w", name, mapErr(err))
		}
		out[name] = n
	}
	return out, nil
}

// MigrateTo applies the pending migrations up to and including version
// (upgrade tests start from an older release's schema).
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	p, err := s.goose()
	if err != nil {
		return fmt.Errorf("loading migrations: %w", err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("applying migrations up to %d: %w", version, err)
	}
	return nil
}
