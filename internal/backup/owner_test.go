//go:build unix

package backup_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/soberana/soberana/internal/backup"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestRestoreTakesStateDirOwner: a restore run as root into the service's
// state directory leaves a database owned by the service user (else the
// service cannot open it and does not start).
func TestRestoreTakesStateDirOwner(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to hand a file to another user (CI runs as root)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	h := servertest.Start(t, servertest.Options{DataDir: filepath.Join(dir, "live")})
	file := filepath.Join(dir, "b.db")
	if _, err := backup.Create(ctx, filepath.Join(dir, "live", "soberana.db"), file, backup.Options{}); err != nil {
		t.Fatal(err)
	}
	h.Stop()
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	const nobody = 65534
	if err := os.Chown(state, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Restore(ctx, file, filepath.Join(state, "soberana.db"), backup.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(state)
	if len(entries) != 1 {
		t.Fatalf("the restore left %d files in the state directory (want soberana.db alone): %v", len(entries), entries)
	}
	fi, err := os.Stat(filepath.Join(state, "soberana.db"))
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != nobody || st.Gid != nobody || fi.Mode().Perm() != 0o600 {
		t.Fatalf("restored database owned by %d:%d mode %v, want %d:%d 0600", st.Uid, st.Gid, fi.Mode(), nobody, nobody)
	}
}
