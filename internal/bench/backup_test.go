package bench

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/store/storetest"
)

// TestBackupScenario runs the backup scenario small, on SQLite and
// PostgreSQL: the backup and the restored database hold every workload
// and audit event and pass their checks.
func TestBackupScenario(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		res, err := Backup(context.Background(), BackupOptions{Workloads: 300, Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows["workloads"] != 300 || res.Rows["placements"] != 300 || res.BackupBytes == 0 {
			t.Fatalf("%+v", res)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		from, to := storetest.PostgresURL(t), storetest.PostgresURL(t)
		res, err := Backup(context.Background(), BackupOptions{Workloads: 300, DatabaseURL: from, RestoreURL: to, Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows["workloads"] != 300 || res.Database != "postgres" {
			t.Fatalf("%+v", res)
		}
	})
}
