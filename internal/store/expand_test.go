package store_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The expand/contract rule (docs/operations.md, "Upgrades"): during a
// rolling upgrade release N+1 migrates the database while release N still
// serves it, so a migration newer than the oldest committed release
// fixture may only add — tables, indexes, nullable columns or columns with
// a default, backfills. A statement that takes away or changes what an
// older release reads or writes (DROP, RENAME, a column's type, SET NOT
// NULL, a NOT NULL column without a default, DELETE) is a contract step:
// it is allowed only in a migration that says so with a line
//
//	-- contract: <table>[.<column>] unread since schema-v<K>
//
// where schema-v<K> is a committed fixture older than the newest one: the
// release cut at K already stopped reading it, so neither the previous
// release nor this one does. TestMigrationsExpandOnly enforces the rule;
// TestUpgradeFromFixture and the side-by-side test (internal/bench/rolling)
// prove it on data and with the previous release's binary.

// contractLine is a migration's declaration of a contract step.
var contractLine = regexp.MustCompile(`(?m)^--\s*contract:\s*([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)\s+unread since schema-v(\d+)\s*$`)

// upStatements returns the statements of a migration's Up section, with
// comments removed and whitespace folded.
func upStatements(src string) []string {
	up := src
	if i := strings.Index(up, "-- +goose Up"); i >= 0 {
		up = up[i:]
	}
	if i := strings.Index(up, "-- +goose Down"); i >= 0 {
		up = up[:i]
	}
	var out []string
	var cur strings.Builder
	inStr := false
	for i := 0; i < len(up); i++ {
		c := up[i]
		switch {
		case inStr:
			cur.WriteByte(c)
			if c == '\'' {
				inStr = false
			}
		case c == '\'':
			inStr = true
			cur.WriteByte(c)
		case c == '-' && i+1 < len(up) && up[i+1] == '-':
			for i < len(up) && up[i] != '\n' {
				i++
			}
			cur.WriteByte(' ')
		case c == ';':
			if s := strings.Join(strings.Fields(cur.String()), " "); s != "" {
				out = append(out, s)
			}
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if s := strings.Join(strings.Fields(cur.String()), " "); s != "" {
		out = append(out, s)
	}
	return out
}

var (
	reAddColumn = regexp.MustCompile(`(?i)^ALTER TABLE (?:IF EXISTS )?(\w+) ADD (?:COLUMN )?(?:IF NOT EXISTS )?(\w+) (.*)$`)
	reAlter     = regexp.MustCompile(`(?i)^ALTER TABLE (?:IF EXISTS )?(\w+) (.*)$`)
	reDrop      = regexp.MustCompile(`(?i)^DROP (TABLE|INDEX|VIEW|TRIGGER|FUNCTION)(?: IF EXISTS)? (\w+)`)
	reExpand    = regexp.MustCompile(`(?i)^(CREATE (UNIQUE )?INDEX|CREATE TABLE|CREATE (OR REPLACE )?(VIEW|FUNCTION|TRIGGER)|INSERT INTO|UPDATE )`)
)

// classify says why a statement is a contract step ("" if it expands),
// and what it contracts (table or table.column).
func classify(stmt string) (why, what string) {
	if m := reAddColumn.FindStringSubmatch(stmt); m != nil {
		def := strings.ToUpper(m[3])
		if strings.Contains(def, "NOT NULL") && !strings.Contains(def, "DEFAULT") {
			return "adds a NOT NULL column without a default (the previous release's INSERTs fail)", strings.ToLower(m[1] + "." + m[2])
		}
		if strings.Contains(def, "UNIQUE") || strings.Contains(def, "REFERENCES") || strings.Contains(def, "CHECK") {
			return "adds a column with a constraint the previous release's writes may break", strings.ToLower(m[1] + "." + m[2])
		}
		return "", ""
	}
	if m := reAlter.FindStringSubmatch(stmt); m != nil {
		rest := strings.ToUpper(m[2])
		table := strings.ToLower(m[1])
		col := func(after string) string {
			f := strings.Fields(strings.TrimSpace(strings.TrimPrefix(rest, after)))
			for len(f) > 0 && (f[0] == "COLUMN" || f[0] == "IF" || f[0] == "EXISTS") {
				f = f[1:]
			}
			if len(f) == 0 {
				return table
			}
			return table + "." + strings.ToLower(f[0])
		}
		switch {
		case strings.HasPrefix(rest, "DROP"):
			return "drops " + strings.ToLower(rest), col("DROP")
		case strings.HasPrefix(rest, "RENAME"):
			return "renames (the previous release still uses the old name)", col("RENAME")
		case strings.HasPrefix(rest, "ALTER"):
			return "changes a column (type, nullability or default) the previous release uses", col("ALTER")
		case strings.HasPrefix(rest, "ADD CONSTRAINT"), strings.HasPrefix(rest, "ADD PRIMARY KEY"), strings.HasPrefix(rest, "ADD UNIQUE"), strings.HasPrefix(rest, "ADD FOREIGN KEY"), strings.HasPrefix(rest, "ADD CHECK"):
			return "adds a constraint the previous release's writes may break", table
		}
		return "alters a table in a way the check does not know", table
	}
	if m := reDrop.FindStringSubmatch(stmt); m != nil {
		return "drops a " + strings.ToLower(m[1]), strings.ToLower(m[2])
	}
	if strings.HasPrefix(strings.ToUpper(stmt), "DELETE") || strings.HasPrefix(strings.ToUpper(stmt), "TRUNCATE") {
		f := strings.Fields(stmt)
		what := ""
		for i, w := range f {
			if (strings.EqualFold(w, "FROM") || strings.EqualFold(w, "TRUNCATE") || strings.EqualFold(w, "TABLE")) && i+1 < len(f) && !strings.EqualFold(f[i+1], "TABLE") {
				what = strings.ToLower(f[i+1])
				break
			}
		}
		return "deletes rows the previous release may read", what
	}
	if reExpand.MatchString(stmt) {
		return "", ""
	}
	return "is a statement the check does not know (teach classify, or declare a contract)", ""
}

func fixtureVersions(t *testing.T) []int64 {
	t.Helper()
	files, _ := filepath.Glob("testdata/schema-v*.sql")
	var vs []int64
	for _, f := range files {
		v, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "schema-v"), ".sql"), 10, 64)
		if err != nil {
			t.Fatalf("%s: not schema-v<N>.sql", f)
		}
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
	if len(vs) == 0 {
		t.Fatal("no release fixture in testdata")
	}
	return vs
}

// TestMigrationsExpandOnly scans every migration newer than the oldest
// release fixture: each statement expands the schema, or the migration
// declares the contract step and the release that stopped reading it.
// It also refuses a new migration numbered at or below the newest
// release's: an upgraded database would never run it (goose refuses
// missing migrations).
func TestMigrationsExpandOnly(t *testing.T) {
	t.Parallel()
	versions := fixtureVersions(t)
	oldest, newest := versions[0], versions[len(versions)-1]
	isFixture := map[int64]bool{}
	for _, v := range versions {
		isFixture[v] = true
	}
	rel, err := os.ReadFile(filepath.Join("testdata", "releases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		if !regexp.MustCompile(`(?m)^` + strconv.FormatInt(v, 10) + ` [0-9a-f]{40}\s*$`).Match(rel) {
			t.Errorf("testdata/releases.txt has no `%d <commit>` line for schema-v%d.sql: the rolling test builds releases from it", v, v)
		}
	}
	released := readFixture(t, filepath.Join("testdata", "schema-v"+strconv.FormatInt(newest, 10)+".sql")).checksums
	files, _ := filepath.Glob("migrations/*.sql")
	if len(files) == 0 {
		t.Fatal("no migrations")
	}
	for _, f := range files {
		name := filepath.Base(f)
		n, err := strconv.ParseInt(strings.SplitN(name, "_", 2)[0], 10, 64)
		if err != nil {
			t.Fatalf("%s: no number", name)
		}
		if _, ok := released[name]; !ok && n <= newest {
			t.Errorf("%s is numbered at or below %d, the newest release's schema, but was not in it: databases already at %d would never run it; number it above", name, newest, newest)
		}
		if n <= oldest {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		declared := map[string]bool{}
		for _, m := range contractLine.FindAllStringSubmatch(string(b), -1) {
			k, _ := strconv.ParseInt(m[2], 10, 64)
			if !isFixture[k] || k >= newest {
				t.Errorf("%s: contract of %s says unread since schema-v%d, which must be a committed release fixture older than the newest (schema-v%d): the previous release must already not read it", name, m[1], k, newest)
				continue
			}
			declared[m[1]] = true
		}
		for _, stmt := range upStatements(string(b)) {
			why, what := classify(stmt)
			if why == "" {
				continue
			}
			table, _, _ := strings.Cut(what, ".")
			if what != "" && (declared[what] || declared[table]) {
				continue
			}
			t.Errorf("%s: %q %s. Migrations must expand only while the previous release serves the same database; "+
				"contract in a later release with a `-- contract: %s unread since schema-v<K>` line (docs/operations.md, Upgrades)", name, stmt, why, what)
		}
	}
}

// TestExpandCheckCatches keeps the scanner honest: each statement here is
// one the rule forbids, and a declared contract lets it through.
func TestExpandCheckCatches(t *testing.T) {
	t.Parallel()
	for _, stmt := range []string{
		"ALTER TABLE workloads DROP COLUMN reason",
		"ALTER TABLE workloads RENAME COLUMN reason TO why",
		"ALTER TABLE workloads RENAME TO jobs",
		"ALTER TABLE workloads ALTER COLUMN replicas TYPE INTEGER",
		"ALTER TABLE workloads ALTER COLUMN image SET NOT NULL",
		"ALTER TABLE workloads ADD COLUMN owner TEXT NOT NULL",
		"ALTER TABLE workloads ADD CONSTRAINT x UNIQUE (name)",
		"DROP TABLE placements",
		"DROP INDEX placements_provider_state",
		"DELETE FROM tokens",
		"GRANT ALL ON workloads TO public",
	} {
		if why, _ := classify(stmt); why == "" {
			t.Errorf("%q passed as an expand step", stmt)
		}
	}
	for _, stmt := range []string{
		"ALTER TABLE workloads ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
		"ALTER TABLE placements ADD COLUMN last_seen_at BIGINT",
		"CREATE TABLE x (id TEXT PRIMARY KEY, n BIGINT NOT NULL)",
		"CREATE INDEX x_n ON x (n)",
		"UPDATE apps SET secret_by = created_by",
	} {
		if why, _ := classify(stmt); why != "" {
			t.Errorf("%q refused: %s", stmt, why)
		}
	}
	src := "-- contract: workloads.reason unread since schema-v6\n-- +goose Up\nALTER TABLE workloads DROP COLUMN reason; -- gone\n-- +goose Down\nSELECT 1;"
	stmts := upStatements(src)
	if len(stmts) != 1 || stmts[0] != "ALTER TABLE workloads DROP COLUMN reason" {
		t.Fatalf("statements %q", stmts)
	}
	if _, what := classify(stmts[0]); what != "workloads.reason" {
		t.Fatalf("contracts %q", what)
	}
	if m := contractLine.FindStringSubmatch(src); m == nil || m[1] != "workloads.reason" || m[2] != "6" {
		t.Fatalf("declaration %q", m)
	}
	if got := upStatements("-- +goose Up\nALTER TABLE t ADD COLUMN p TEXT NOT NULL DEFAULT '{\"a\":1;}';\n"); len(got) != 1 {
		t.Fatalf("a ; inside a string split the statement: %q", got)
	}
}
