package store_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/backup"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

var updateFixture = flag.Bool("update-fixture", false, "regenerate testdata/schema-v<N>.sql from a fresh demo server (only when cutting a release)")

// fixtureVersion is the schema version of the newest committed fixture.
// schema-v6.sql is the schema released before issue 19 (migrations
// 00001–00006), schema-v22.sql the next release (00001–00022). Each
// release adds a fixture of its own schema (go test ./internal/store
// -run TestUpgradeFromFixture -update-fixture with fixtureVersion raised)
// and a line in testdata/releases.txt naming its commit, and keeps the old
// ones, so every past schema keeps being upgraded.
const fixtureVersion = 22

// TestUpgradeFromFixture loads a database written by an earlier release's
// schema (DDL from its migrations, rows from a demo server with running
// workloads, audit events, a signed checkpoint and ledger lines), lets the
// current binary migrate and serve it, and checks that the data survived:
// the same workloads are listed with the old admin token, the audit chain
// verifies, budget balances equal the ledger, and new work is accepted.
func TestUpgradeFromFixture(t *testing.T) {
	t.Parallel()
	if *updateFixture {
		writeFixture(t, fixtureVersion)
	}
	files, _ := filepath.Glob("testdata/schema-v*.sql")
	if len(files) == 0 {
		t.Fatal("no schema fixture in testdata")
	}
	for _, f := range files {
		for _, pg := range []bool{false, true} {
			name := filepath.Base(f) + map[bool]string{false: "/sqlite", true: "/postgres"}[pg]
			t.Run(name, func(t *testing.T) { upgradeFrom(t, f, pg) })
		}
	}
}

type fixture struct {
	version   int64
	checksums map[string]string // migration file → sha256 when the fixture was cut
	sql       string
	workloads []string
}

func readFixture(t *testing.T, path string) fixture {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fx := fixture{checksums: map[string]string{}, sql: string(b)}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "-- schema-version: "):
			fx.version, _ = strconv.ParseInt(strings.TrimPrefix(line, "-- schema-version: "), 10, 64)
		case strings.HasPrefix(line, "-- migration: "):
			name, sum, _ := strings.Cut(strings.TrimPrefix(line, "-- migration: "), " ")
			fx.checksums[name] = sum
		case strings.HasPrefix(line, "-- workload: "):
			fx.workloads = append(fx.workloads, strings.TrimPrefix(line, "-- workload: "))
		}
	}
	if fx.version == 0 || len(fx.checksums) == 0 || len(fx.workloads) == 0 {
		t.Fatalf("%s: header lacks schema-version, migration checksums or workloads", path)
	}
	return fx
}

func upgradeFrom(t *testing.T, path string, pg bool) {
	ctx := context.Background()
	fx := readFixture(t, path)
	// Released migrations are append-only: the files that built the
	// fixture's schema must still be byte for byte what they were.
	for name, sum := range fx.checksums {
		b, err := os.ReadFile(filepath.Join("migrations", name))
		if err != nil {
			t.Fatalf("released migration %s is gone: %v", name, err)
		}
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
			t.Fatalf("released migration %s was edited: add a new migration instead (expand/contract, docs/operations.md)", name)
		}
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "soberana.db")
	if pg {
		target = storetest.PostgresURL(t)
	}
	st, err := store.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.MigrateTo(ctx, fx.version); err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, fx.sql)
		return err
	}); err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	_ = st.Close()

	h := servertest.Start(t, servertest.Options{DataDir: dir, Configure: func(c *config.Config) {
		if pg {
			c.DatabaseURL = target
		}
	}})
	applied, known, err := h.Server.Store.SchemaVersion(ctx)
	if err != nil || applied != known || applied < fx.version {
		t.Fatalf("after the upgrade the schema is at %d of %d: %v", applied, known, err)
	}
	var list struct {
		Items []struct {
			ID    string `json:"id"`
			State string `json:"state"`
		} `json:"items"`
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads?limit=1000", nil, &list); err != nil {
		t.Fatalf("the fixture's admin token no longer works: %v", err)
	}
	var got []string
	for _, w := range list.Items {
		got = append(got, w.ID)
	}
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(fx.workloads, ",") {
		t.Fatalf("workloads after the upgrade %v, in the fixture %v", got, fx.workloads)
	}
	rep, err := backup.Check(ctx, h.Server.Store, nil)
	if err != nil || !rep.OK() || rep.AuditEvents == 0 || rep.Rows["ledger_lines"] == 0 {
		t.Fatalf("upgraded database fails its checks: %v %+v", err, rep)
	}
	project, offering := servertest.DemoIDs(t, h.Admin)
	if err := createWorkload(h, project, offering); err != nil {
		t.Fatalf("the upgraded database does not take new work: %v", err)
	}
}

func createWorkload(h *servertest.Harness, project, offering string) error {
	body := map[string]any{"project_id": project, "offering_id": offering, "replicas": 1,
		"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}},
		"sovereignty": map[string]any{"mode": "national"}}
	var w map[string]any
	_, err := h.Admin.Do(context.Background(), "POST", "/v1/workloads", body, &w)
	return err
}

// writeFixture cuts testdata/schema-v<version>.sql from a demo server on
// SQLite: three running workloads, their audit events and a signed
// checkpoint, ledger commitments and charges. The rows are written as
// portable INSERTs (both dialects load them).
func writeFixture(t *testing.T, version int64) {
	ctx := context.Background()
	dir := t.TempDir()
	h := servertest.Start(t, servertest.Options{DataDir: dir, Configure: func(c *config.Config) { c.Ledger.RateEvery = time.Second }})
	if applied, _, err := h.Server.Store.SchemaVersion(ctx); err != nil || applied != version {
		t.Fatalf("fixtureVersion is %d but the schema is at %d (%v)", version, applied, err)
	}
	project, offering := servertest.DemoIDs(t, h.Admin)
	for range 3 {
		if err := createWorkload(h, project, offering); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		var list struct{ Items []struct{ State string } }
		if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads", nil, &list); err != nil {
			t.Fatal(err)
		}
		running := 0
		for _, w := range list.Items {
			if w.State == "running" {
				running++
			}
		}
		if running == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("workloads not running: %+v", list.Items)
		}
	}
	// Rating runs every second here: wait for charges beside the commitments.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		var n int
		if err := h.Server.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_lines WHERE kind = 'charge'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no charge was rated")
		}
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/audit/checkpoints", nil, nil); err != nil {
		t.Fatal(err)
	}
	h.Stop()

	st, err := store.Open(ctx, filepath.Join(dir, "soberana.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	var b strings.Builder
	fmt.Fprintf(&b, "-- soberana schema fixture: the rows of a demo server on the schema of\n")
	fmt.Fprintf(&b, "-- migrations 00001–%05d, loaded on top of those migrations by\n", version)
	fmt.Fprintf(&b, "-- TestUpgradeFromFixture. Generated; do not edit (see upgrade_test.go).\n")
	fmt.Fprintf(&b, "-- schema-version: %d\n", version)
	migs, _ := filepath.Glob("migrations/*.sql")
	sort.Strings(migs)
	for _, m := range migs {
		n, _ := strconv.ParseInt(strings.SplitN(filepath.Base(m), "_", 2)[0], 10, 64)
		if n > version {
			continue
		}
		c, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(c)
		fmt.Fprintf(&b, "-- migration: %s %s\n", filepath.Base(m), hex.EncodeToString(sum[:]))
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM workloads ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		fmt.Fprintf(&b, "-- workload: %s\n", id)
	}
	_ = rows.Close()

	tables := queryStrings(t, db, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name != 'goose_db_version' ORDER BY rowid`)
	// Rows some migrations insert themselves (audit_head) are replaced.
	for i := len(tables) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "DELETE FROM %s;\n", tables[i])
	}
	for _, table := range tables {
		dumpTable(t, db, &b, table)
	}
	out := filepath.Join("testdata", fmt.Sprintf("schema-v%d.sql", version))
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", out, b.Len())
}

func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func dumpTable(t *testing.T, db *sql.DB, b *strings.Builder, table string) {
	t.Helper()
	rows, err := db.Query(`SELECT name, type FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		t.Fatal(err)
	}
	var cols, types []string
	for rows.Next() {
		var n, ty string
		if err := rows.Scan(&n, &ty); err != nil {
			t.Fatal(err)
		}
		cols, types = append(cols, n), append(types, strings.ToUpper(ty))
	}
	_ = rows.Close()
	data, err := db.Query(`SELECT * FROM ` + table + ` ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer data.Close()
	for data.Next() {
		vals := scanValues(t, data, len(cols))
		lits := make([]string, len(cols))
		for i, v := range vals {
			lits[i] = literal(t, v, types[i])
		}
		fmt.Fprintf(b, "INSERT INTO %s (%s) VALUES (%s);\n", table, strings.Join(cols, ", "), strings.Join(lits, ", "))
	}
}

// scanValues scans the current row of rows, of n columns, into values
// of the driver's own types.
func scanValues(t *testing.T, rows *sql.Rows, n int) []any {
	t.Helper()
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	return vals
}

// literal writes one value as SQL both dialects read the same way.
func literal(t *testing.T, v any, typ string) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int64:
		if typ == "BOOLEAN" {
			return map[bool]string{true: "TRUE", false: "FALSE"}[x != 0]
		}
		return strconv.FormatInt(x, 10)
	case bool:
		return map[bool]string{true: "TRUE", false: "FALSE"}[x]
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case []byte:
		return "'" + strings.ReplaceAll(string(x), "'", "''") + "'"
	}
	t.Fatalf("cannot write %T in the fixture", v)
	return ""
}
