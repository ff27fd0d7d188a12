package backup_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/backup"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// fleet starts a demo server and returns a function that asks for one
// workload (audited, with a budget commitment in the ledger).
func fleet(t *testing.T, h *servertest.Harness) func() error {
	t.Helper()
	ctx := context.Background()
	project, offering := servertest.DemoIDs(t, h.Admin)
	return func() error {
		body := map[string]any{"project_id": project, "offering_id": offering, "replicas": 1,
			"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}},
			"sovereignty": map[string]any{"mode": "national"}}
		var w map[string]any
		_, err := h.Admin.Do(ctx, "POST", "/v1/workloads", body, &w)
		return err
	}
}

// TestBackupWhileServing backs up a database while workloads are being
// created, verifies the backup with soberana's own checks, restores it
// and serves from the restored database — on SQLite and PostgreSQL.
func TestBackupWhileServing(t *testing.T) {
	t.Parallel()
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		ctx := context.Background()
		dir := t.TempDir()
		var target string
		h := servertest.Start(t, servertest.Options{Postgres: pg, DataDir: filepath.Join(dir, "live"),
			Configure: func(c *config.Config) { target = c.DatabaseTarget() }})
		create := fleet(t, h)
		for range 5 {
			if err := create(); err != nil {
				t.Fatal(err)
			}
		}
		pub := auditPublicKey(t, filepath.Join(dir, "live", "audit-signing.key"))
		o := backup.Options{AuditPublicKey: pub}

		// Writers keep going during the backup.
		var wg sync.WaitGroup
		stop := make(chan struct{})
		var writeErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := create(); err != nil {
					writeErr = err
					return
				}
			}
		}()
		file := filepath.Join(dir, "soberana.backup")
		rep, err := backup.Create(ctx, target, file, o)
		close(stop)
		wg.Wait()
		if writeErr != nil {
			t.Fatalf("writes failed during the backup: %v", writeErr)
		}
		if err != nil {
			t.Fatalf("backup create: %v (%+v)", err, rep)
		}
		if !rep.OK() || rep.AuditEvents == 0 || rep.Rows["workloads"] < 5 || rep.Rows["ledger_lines"] < 5 || rep.SchemaVersion != rep.KnownVersion {
			t.Fatalf("report: %+v", rep)
		}
		if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("the backup holds token hashes and sealed secrets: mode %v, want 0600 (%v)", fi.Mode(), err)
		}
		if _, err := backup.Create(ctx, target, file, o); err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Fatalf("overwrote a backup: %v", err)
		}

		// Restore into a new database and serve from it.
		var restoreTo, restoredDir string
		restoredDir = filepath.Join(dir, "restored")
		if pg {
			restoreTo = storetest.PostgresURL(t)
		} else {
			restoreTo = filepath.Join(restoredDir, "soberana.db")
		}
		if pg {
			// A restore never goes over a database that has tables.
			if _, err := backup.Restore(ctx, file, target, backup.RestoreOptions{Options: o}); err == nil || !strings.Contains(err.Error(), "new, empty database") {
				t.Fatalf("restored over the live database: %v", err)
			}
		} else {
			// Nor over an SQLite file a server has open.
			if _, err := backup.Restore(ctx, file, target, backup.RestoreOptions{Options: o, Replace: true}); err == nil || !strings.Contains(err.Error(), "in use") {
				t.Fatalf("restored under a running server: %v", err)
			}
		}
		h.Stop()
		got, err := backup.Restore(ctx, file, restoreTo, backup.RestoreOptions{Options: o})
		if err != nil {
			t.Fatalf("restore: %v", err)
		}
		if got.Rows["workloads"] != rep.Rows["workloads"] || got.AuditHead != rep.AuditHead || got.Rows["ledger_lines"] != rep.Rows["ledger_lines"] {
			t.Fatalf("restored %+v, backed up %+v", got.Rows, rep.Rows)
		}
		if err := os.Rename(filepath.Join(dir, "live", "audit-signing.key"), filepath.Join(restoredDir, "audit-signing.key")); err != nil && !pg {
			t.Fatal(err)
		}
		h2 := servertest.Start(t, servertest.Options{DataDir: restoredDir, Configure: func(c *config.Config) {
			if pg {
				c.DatabaseURL = restoreTo
			}
		}})
		var list struct{ Items []map[string]any }
		if _, err := h2.Admin.Do(ctx, "GET", "/v1/workloads?limit=1000", nil, &list); err != nil || int64(len(list.Items)) != rep.Rows["workloads"] {
			t.Fatalf("restored server lists %d workloads (%v), backup had %d", len(list.Items), err, rep.Rows["workloads"])
		}
		if err := fleet(t, h2)(); err != nil {
			t.Fatalf("the restored server does not take new work: %v", err)
		}
	})
}

func auditPublicKey(t *testing.T, path string) ed25519.PublicKey {
	t.Helper()
	key, err := audit.LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	return key.Public().(ed25519.PublicKey)
}

// TestVerifyFindsDamage: a backup whose ledger disagrees with its budget
// balances, or whose audit log was edited, fails verify and is never
// restored over a database.
func TestVerifyFindsDamage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	h := servertest.Start(t, servertest.Options{DataDir: dir})
	create := fleet(t, h)
	if err := create(); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "soberana.db")
	good := filepath.Join(dir, "good.db")
	if _, err := backup.Create(ctx, target, good, backup.Options{}); err != nil {
		t.Fatal(err)
	}
	h.Stop()
	for name, tc := range map[string]struct {
		sql, want string
	}{
		"balance": {`UPDATE budget_balances SET committed_minor = committed_minor + 1`, "the ledger sums to"},
		"audit":   {`UPDATE audit_events SET action = 'tampered' WHERE seq = (SELECT MIN(seq) FROM audit_events)`, "audit chain is broken at event"},
		"schema":  {`UPDATE goose_db_version SET version_id = 999 WHERE version_id = (SELECT MAX(version_id) FROM goose_db_version)`, "newer than this binary knows"},
	} {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.db")
			st, err := store.Open(ctx, good)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.SnapshotTo(ctx, bad); err != nil {
				t.Fatal(err)
			}
			_ = st.Close()
			st, err = store.Open(ctx, bad)
			if err != nil {
				t.Fatal(err)
			}
			res, err := st.DB().ExecContext(ctx, tc.sql)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				t.Fatalf("the damage touched no row: %v", err)
			}
			_ = st.Close()
			rep, err := backup.Verify(ctx, bad, backup.Options{})
			if !errors.Is(err, backup.ErrBad) || !strings.Contains(err.Error(), tc.want) || rep.OK() {
				t.Fatalf("verify: %v", err)
			}
			into := filepath.Join(t.TempDir(), "soberana.db")
			if _, err := backup.Restore(ctx, bad, into, backup.RestoreOptions{}); !errors.Is(err, backup.ErrBad) {
				t.Fatalf("restored a bad backup: %v", err)
			}
			if _, err := os.Stat(into); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a bad backup was written to the target: %v", err)
			}
		})
	}
}
