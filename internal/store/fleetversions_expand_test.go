package store_test

import (
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/store"
)

// TestGoMigrationExpandsOnly holds migration 00032, written in Go for
// its per-dialect trigger bodies, to the rule TestMigrationsExpandOnly
// holds migrations/*.sql to: every statement only adds.
func TestGoMigrationExpandsOnly(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		for _, stmt := range store.FleetVersionsUp(d) {
			folded := strings.Join(strings.Fields(stmt), " ")
			if why, _ := classify(folded); why != "" {
				t.Errorf("migration 00032 (%s): %q %s", d, folded, why)
			}
		}
	}
}
