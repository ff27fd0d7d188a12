package layering

import (
	"go/ast"
	"go/token"
	"sort"
	"testing"
)

// storeMachinery are the exported types of internal/store that are the
// store's own machinery, not domain nouns: the store and its transactions,
// repositories and list options, filters, row shapes of queries that join
// or aggregate, and SQL-side bookkeeping.
var storeMachinery = map[string]string{
	"Store": "the store", "Tx": "a transaction", "Repo": "a generic repository", "ListOptions": "list options",
	"Page": "a page of a list", "Dialect": "SQL dialect", "SQLiteConfig": "SQLite options", "In": "a filter term",
	"Owner": "an object's place in the scope tree (a query term)", "Idempotency": "idempotency-key bookkeeping",
	"PendingAudit": "an audit event waiting for its transaction", "AuditFilter": "a filter", "GrantFilter": "a filter",
	"Restriction":  "a filter of list queries (an OR of In terms on columns): the caller's scopes as SQL",
	"LedgerFilter": "a filter", "TokenFilter": "a filter", "PlacementRow": "a row", "SecretRow": "a row",
	"StatementRow": "a row", "RunningPlacement": "a query's row", "LedgerWorkload": "a query's row",
	"BudgetLineForCommit": "a query's row", "GroupSite": "a query's row",
	"StatementClosure": "bookkeeping of closed months", "BalanceDiff": "a consistency check's row",
	"UsageInterval": "a query's row (rating input)", "SimBoot": "the sim driver's table",
	"StatementLog":       "SQL-side bookkeeping (the statements a context ran, for tests that pin them)",
	"WorkloadCostInputs": "a query's rows (a workload's ledger row and sums joined to its usage intervals)",
	"WorkloadViewInputs": "the results of a workload view's reads (one pgx batch on PostgreSQL)",
}

// TestStoreExportsNoNewDomainNouns: every exported type of internal/store
// is machinery (storeMachinery). Issue #17 "Done when": no exported type in
// store is a domain noun — nouns live in model (or their domain package)
// and the store maps rows to them. A new exported type must be machinery
// listed above with why, or live outside the store.
func TestStoreExportsNoNewDomainNouns(t *testing.T) {
	exported := map[string]string{}
	eachSpec(sources(t), "internal/store", token.TYPE, func(f file, s ast.Spec) {
		if ts := s.(*ast.TypeSpec); ts.Name.IsExported() {
			exported[ts.Name.Name] = f.path
		}
	})
	var names []string
	for n := range exported {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, ok := storeMachinery[n]; !ok {
			t.Errorf("%s exports %s: domain nouns live in model (or their domain package); the store maps rows to them. If it is store machinery, add it to storeMachinery with why", exported[n], n)
		}
	}
	for n := range storeMachinery {
		if exported[n] == "" {
			t.Errorf("store no longer exports %s: remove it from storeMachinery", n)
		}
	}
}
