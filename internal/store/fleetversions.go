package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"
)

// Migration 00032 gives each fleet table a change counter: a row of
// fleet_versions that triggers on the table move on at every insert,
// update and delete. Fingerprint reads the counters.
//
// The fingerprint used to be each table's row count and newest
// updated_at, which can miss a write for good on PostgreSQL: a
// transaction that took its clock at T1 but committed after one stamped
// T2 > T1 (and after a replica read MAX = T2) changes neither, and nor
// does a delete and an insert in one transaction. The counter moves on in
// commit order: its row is updated by every writer of the table, so a
// writer waits for (or, SERIALIZABLE, is refused and retried after) the
// one before it, and a reader that saw version V has seen every commit
// that moved it to V or below.
//
// Trigger bodies differ between the dialects, so this migration is
// written in Go (goMigrations), one SQL text per dialect; everything else
// stays in migrations/*.sql. Like those, it is never edited once
// released (TestGoMigrationExpandsOnly holds it to the expand-only rule).
// Its list of tables is its own: a table added to FleetTables later needs
// a migration of its own.
const fleetVersionsVersion = 32

// fleetVersionTables are the tables migration 00032 counts the changes of.
var fleetVersionTables = []string{"providers", "sites", "prices", "fx_rates", "institutions", "images"}

// fleetVersionsUp is migration 00032's statements for dialect d.
func fleetVersionsUp(d Dialect) []string {
	values := make([]string, len(fleetVersionTables))
	for i, tbl := range fleetVersionTables {
		values[i] = "('" + tbl + "', 0)"
	}
	stmts := []string{
		`CREATE TABLE fleet_versions (table_name TEXT PRIMARY KEY, version BIGINT NOT NULL DEFAULT 0)`,
		`INSERT INTO fleet_versions (table_name, version) VALUES ` + strings.Join(values, ", "),
	}
	if d == Postgres {
		// One bump per statement that changed rows (a health batch of
		// 500 sites, a ReplaceImages), not per row: the transition table
		// tells whether any row changed. A TRUNCATE has none.
		stmts = append(stmts, `CREATE FUNCTION fleet_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'TRUNCATE' THEN
		IF NOT EXISTS (SELECT 1 FROM fleet_rows) THEN
			RETURN NULL;
		END IF;
	END IF;
	UPDATE fleet_versions SET version = version + 1 WHERE table_name = TG_TABLE_NAME;
	RETURN NULL;
END
$$`)
		for _, tbl := range fleetVersionTables {
			for _, ev := range []struct{ op, ref string }{
				{"INSERT", "REFERENCING NEW TABLE AS fleet_rows "},
				{"UPDATE", "REFERENCING NEW TABLE AS fleet_rows "},
				{"DELETE", "REFERENCING OLD TABLE AS fleet_rows "},
				{"TRUNCATE", ""},
			} {
				stmts = append(stmts, fmt.Sprintf(`CREATE TRIGGER %s_fleet_version_%s AFTER %s ON %s %sFOR EACH STATEMENT EXECUTE FUNCTION fleet_version_bump()`,
					tbl, strings.ToLower(ev.op), ev.op, tbl, ev.ref))
			}
		}
		return stmts
	}
	// SQLite has row triggers only; one writer at a time, so any order
	// of bumps is commit order.
	for _, tbl := range fleetVersionTables {
		for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
			stmts = append(stmts, fmt.Sprintf(`CREATE TRIGGER %s_fleet_version_%s AFTER %s ON %s BEGIN
	UPDATE fleet_versions SET version = version + 1 WHERE table_name = '%s';
END`, tbl, strings.ToLower(op), op, tbl, tbl))
		}
	}
	return stmts
}

// fleetVersionsDown undoes migration 00032 on dialect d.
func fleetVersionsDown(d Dialect) []string {
	var stmts []string
	ops := []string{"insert", "update", "delete"}
	if d == Postgres {
		ops = append(ops, "truncate")
	}
	for _, tbl := range fleetVersionTables {
		for _, op := range ops {
			on := ""
			if d == Postgres {
				on = " ON " + tbl
			}
			stmts = append(stmts, "DROP TRIGGER IF EXISTS "+tbl+"_fleet_version_"+op+on)
		}
	}
	if d == Postgres {
		stmts = append(stmts, "DROP FUNCTION IF EXISTS fleet_version_bump()")
	}
	return append(stmts, "DROP TABLE IF EXISTS fleet_versions")
}

// goMigrations are the migrations written in Go, for dialect d.
func goMigrations(d Dialect) []*goose.Migration {
	run := func(stmts []string) *goose.GoFunc {
		return &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			for _, s := range stmts {
				if _, err := tx.ExecContext(ctx, s); err != nil {
					return fmt.Errorf("migration %05d: %w", fleetVersionsVersion, err)
				}
			}
			return nil
		}}
	}
	return []*goose.Migration{goose.NewGoMigration(fleetVersionsVersion, run(fleetVersionsUp(d)), run(fleetVersionsDown(d)))}
}
