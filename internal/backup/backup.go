// Package backup makes, checks and restores backups of soberana's
// database while it serves.
//
// The embedded SQLite database is copied in-process with VACUUM INTO (one
// read transaction: a consistent, compact, self-contained file). A
// PostgreSQL database is dumped with pg_dump in its custom format (pg_dump
// reads one repeatable-read snapshot, so the dump is consistent while
// writers go on) and restored with pg_restore.
//
// Every backup is checked with soberana's own rules before it is called
// good, and again after a restore: the schema version is one this binary
// knows, the audit hash chain verifies (and its signed checkpoints, given
// the public key), and every budget line's running totals equal the sums
// of its ledger lines.
package backup

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // pgx database/sql driver for the scratch database

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/store"
)

// Format is a backup file's kind.
type Format string

// Backup formats.
const (
	SQLiteFile Format = "sqlite"     // an SQLite database file (VACUUM INTO)
	PGDump     Format = "pg_dump-Fc" // a pg_dump custom-format archive
)

// Options are the outside programs and keys a backup operation uses.
type Options struct {
	// PGDump and PGRestore are the PostgreSQL client programs (default
	// from PATH). Their major version must be at least the server's.
	PGDump, PGRestore string
	// ScratchURL is a PostgreSQL server (any database on it) where a dump
	// is restored into a throwaway database to be checked. Empty: the
	// server of the database being backed up or restored.
	ScratchURL string
	// AuditPublicKey, when set, checks the signed audit checkpoints too.
	AuditPublicKey ed25519.PublicKey
}

func (o Options) pgDump() string    { return or(o.PGDump, "pg_dump") }
func (o Options) pgRestore() string { return or(o.PGRestore, "pg_restore") }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Report is what a check found.
type Report struct {
	Format         Format           `json:"format"`
	Bytes          int64            `json:"bytes,omitempty"`
	SchemaVersion  int64            `json:"schema_version"`
	KnownVersion   int64            `json:"known_version"`
	AuditEvents    int64            `json:"audit_events"`
	AuditHead      string           `json:"audit_head"`
	Checkpoints    int              `json:"checkpoints_checked"`
	BudgetLines    int64            `json:"budget_lines"`
	Rows           map[string]int64 `json:"rows"`
	Problems       []string         `json:"problems"`
	Duration       time.Duration    `json:"duration_ns"`
	CheckDuration  time.Duration    `json:"check_duration_ns"`
	SignaturesSeen bool             `json:"checkpoint_signatures_checked"`
}

// OK reports whether nothing is wrong.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// ErrBad is returned (wrapped) when a backup or a restored database fails
// its checks; the report names every problem.
var ErrBad = errors.New("the backup failed its checks")

func (r Report) err() error {
	if r.OK() {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrBad, strings.Join(r.Problems, "; "))
}

// Check runs soberana's own checks on an open database.
func Check(ctx context.Context, st *store.Store, pub ed25519.PublicKey) (Report, error) {
	start := time.Now()
	var r Report
	applied, known, err := st.SchemaVersion(ctx)
	if err != nil {
		return r, err
	}
	r.SchemaVersion, r.KnownVersion = applied, known
	switch {
	case applied == 0:
		r.Problems = append(r.Problems, "no soberana schema in it (never migrated, or not a soberana database)")
		r.CheckDuration = time.Since(start)
		return r, nil
	case applied > known:
		r.Problems = append(r.Problems, fmt.Sprintf("schema version %d is newer than this binary knows (%d): use the soberana release that made it", applied, known))
		r.CheckDuration = time.Since(start)
		return r, nil
	}
	// Without a public key only the chain against itself can be checked;
	// with one, every checkpoint's signature too (audit.Verify).
	var rep audit.Report
	if pub != nil {
		rep, err = audit.Verify(ctx, st, []ed25519.PublicKey{pub})
	} else {
		rep, err = audit.CheckChain(ctx, st)
	}
	if err != nil {
		return r, fmt.Errorf("verifying the audit chain: %w", err)
	}
	r.AuditEvents, r.AuditHead, r.Checkpoints, r.SignaturesSeen = int64(rep.Events), rep.LastHash, rep.Checkpoints, pub != nil
	if rep.Break != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("the audit chain is broken at event %d: %s", rep.Break.Seq, rep.Break.Reason))
	}
	diffs, err := st.Read().BalanceDrift(ctx)
	if err != nil {
		return r, err
	}
	for _, d := range diffs {
		r.Problems = append(r.Problems, fmt.Sprintf("budget line %s: balance committed %d accrued %d but the ledger sums to committed %d accrued %d (minor units)",
			d.BudgetLineID, d.Balance.CommittedMinor, d.Balance.AccruedMinor, d.Ledger.CommittedMinor, d.Ledger.AccruedMinor))
	}
	if r.Rows, err = st.Read().TableCounts(ctx); err != nil {
		return r, err
	}
	r.BudgetLines = r.Rows["budget_lines"]
	r.CheckDuration = time.Since(start)
	return r, nil
}

// Create writes a backup of the database at target (a postgres:// URL or
// an SQLite file path) to out, which must not exist, then checks the
// backup itself (not the live database). A backup that fails its checks
// is kept for inspection and reported with ErrBad.
func Create(ctx context.Context, target, out string, o Options) (Report, error) {
	if _, err := os.Stat(out); err == nil {
		return Report{}, fmt.Errorf("%s already exists; choose a new file name", out)
	}
	start := time.Now()
	if store.IsPostgresURL(target) {
		// Created 0600 first: pg_dump truncates and keeps the mode.
		f, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return Report{}, err
		}
		_ = f.Close()
		cmd := exec.CommandContext(ctx, o.pgDump(), "--format=custom", "--no-owner", "--no-privileges",
			"--file="+out, "--dbname="+target)
		if err := run(cmd); err != nil {
			_ = os.Remove(out)
			return Report{}, fmt.Errorf("pg_dump: %w", err)
		}
	} else {
		if _, err := os.Stat(target); err != nil {
			return Report{}, fmt.Errorf("the database %s: %w", target, err)
		}
		st, err := store.Open(ctx, target)
		if err != nil {
			return Report{}, err
		}
		err = st.SnapshotTo(ctx, out)
		_ = st.Close()
		if err != nil {
			return Report{}, err
		}
	}
	took := time.Since(start)
	if o.ScratchURL == "" && store.IsPostgresURL(target) {
		o.ScratchURL = target
	}
	r, err := Verify(ctx, out, o)
	r.Duration = took
	return r, err
}

// Detect tells a backup's format from its first bytes.
func Detect(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return SQLiteFile, nil
	case bytes.HasPrefix(head, []byte("PGDMP")):
		return PGDump, nil
	}
	return "", fmt.Errorf("%s is neither an SQLite database nor a pg_dump custom-format archive", path)
}

// Verify checks a backup file without changing it. An SQLite backup is
// opened read-only; a pg_dump archive is restored into a throwaway
// database on o.ScratchURL's server, checked, and dropped.
func Verify(ctx context.Context, path string, o Options) (Report, error) {
	format, err := Detect(path)
	if err != nil {
		return Report{}, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return Report{}, err
	}
	var r Report
	switch format {
	case SQLiteFile:
		st, err := store.OpenReadOnly(ctx, path)
		if err != nil {
			return Report{}, err
		}
		defer st.Close()
		if r, err = Check(ctx, st, o.AuditPublicKey); err != nil {
			return r, err
		}
	case PGDump:
		if o.ScratchURL == "" {
			return Report{}, errors.New("checking a pg_dump archive restores it into a throwaway database: give a PostgreSQL server (--scratch-url postgres://…)")
		}
		url, drop, err := scratchDatabase(ctx, o.ScratchURL)
		if err != nil {
			return Report{}, err
		}
		defer drop()
		if err := pgRestore(ctx, o, path, url); err != nil {
			return Report{}, err
		}
		st, err := store.Open(ctx, url)
		if err != nil {
			return Report{}, err
		}
		r, err = Check(ctx, st, o.AuditPublicKey)
		_ = st.Close()
		if err != nil {
			return r, err
		}
	}
	r.Format, r.Bytes = format, fi.Size()
	return r, r.err()
}

// RestoreOptions adds what only a restore needs.
type RestoreOptions struct {
	Options
	// Replace lets an SQLite restore put an existing database aside (as
	// <file>.before-restore-<time>) instead of refusing.
	Replace bool
}

// Restore checks the backup, writes it to target (an SQLite file path or
// an empty PostgreSQL database), and checks the result. soberana must not
// be running on target: the SQLite file is replaced underneath, and a
// PostgreSQL target must be a new, empty database.
func Restore(ctx context.Context, path, target string, o RestoreOptions) (Report, error) {
	format, err := Detect(path)
	if err != nil {
		return Report{}, err
	}
	start := time.Now()
	switch {
	case store.IsPostgresURL(target):
		if format != PGDump {
			return Report{}, fmt.Errorf("%s is an SQLite backup: restore it to an SQLite file (the data_dir's soberana.db), not to PostgreSQL", path)
		}
		if err := requireEmpty(ctx, target); err != nil {
			return Report{}, err
		}
		if err := pgRestore(ctx, o.Options, path, target); err != nil {
			return Report{}, err
		}
	default:
		if format != SQLiteFile {
			return Report{}, fmt.Errorf("%s is a pg_dump archive; restore it to a postgres:// database", path)
		}
		// Check first: a bad backup never replaces a database.
		if _, err := Verify(ctx, path, o.Options); err != nil {
			return Report{}, err
		}
		if err := restoreSQLite(ctx, path, target, o.Replace); err != nil {
			return Report{}, err
		}
	}
	took := time.Since(start)
	open := store.Open
	if !store.IsPostgresURL(target) {
		// Read-only: the check leaves no -wal or -shm file behind owned
		// by whoever ran the restore.
		open = store.OpenReadOnly
	}
	st, err := open(ctx, target)
	if err != nil {
		return Report{}, err
	}
	defer st.Close()
	r, err := Check(ctx, st, o.AuditPublicKey)
	if err != nil {
		return r, err
	}
	r.Format, r.Duration = format, took
	return r, r.err()
}

// restoreSQLite copies the backup next to target, syncs it and renames it
// into place, so that a crash leaves either the old database or the new.
func restoreSQLite(ctx context.Context, path, target string, replace bool) error {
	if _, err := os.Stat(target); err == nil {
		if !replace {
			return fmt.Errorf("%s exists; stop soberana and pass --replace to put it aside, or restore to a new data directory", target)
		}
		if err := notInUse(ctx, target); err != nil {
			return err
		}
		aside := target + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(target, aside); err != nil {
			return fmt.Errorf("putting the old database aside: %w", err)
		}
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return err
	}
	tmp := target + ".restoring"
	if err := copyFile(path, tmp); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := matchOwner(tmp, filepath.Dir(target)); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("giving the restored database the state directory's owner: %w", err)
	}
	if err := os.Rename(tmp, target); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(target)); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// notInUse fails when another process has the SQLite database open in
// WAL mode: that process would keep writing to the file being replaced.
// In WAL mode every open connection holds a shared lock on the -shm
// file's "dead man switch" byte, so taking the exclusive locking mode
// fails while any other process uses the database. It waits up to
// inUseWait for the locks first: a server that was just stopped may still
// be closing its last connections (CI once saw "in use" right after a
// stop), while one that is running holds them for good.
func notInUse(ctx context.Context, target string) error {
	db, err := sql.Open("sqlite", "file:"+target+"?_pragma=busy_timeout("+strconv.Itoa(int(inUseWait.Milliseconds()))+")&_pragma=locking_mode(EXCLUSIVE)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `BEGIN EXCLUSIVE; COMMIT`); err != nil {
		return fmt.Errorf("%s is in use (%v): stop soberana before restoring over it", target, err)
	}
	return nil
}

// inUseWait is how long notInUse waits for another process's locks.
const inUseWait = 2 * time.Second

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

func pgRestore(ctx context.Context, o Options, path, url string) error {
	cmd := exec.CommandContext(ctx, o.pgRestore(), "--no-owner", "--no-privileges", "--exit-on-error",
		"--single-transaction", "--dbname="+url, path)
	if err := run(cmd); err != nil {
		return fmt.Errorf("pg_restore: %w", err)
	}
	return nil
}

// requireEmpty refuses to restore into a database that has tables: a
// restore goes to a new database (createdb), never over a live one.
func requireEmpty(ctx context.Context, url string) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables
		WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`).Scan(&n); err != nil {
		return fmt.Errorf("connecting to the restore target: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("the target database has %d tables: restore into a new, empty database (createdb soberana_restored) and point database_url at it", n)
	}
	return nil
}

// scratchDatabase creates a throwaway database on base's server and
// returns its URL and a function that drops it.
func scratchDatabase(ctx context.Context, base string) (string, func(), error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("scratch URL: %w", err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "soberana_verify_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = admin.Close()
		return "", nil, fmt.Errorf("creating the scratch database %s (the role needs CREATEDB): %w", name, err)
	}
	drop := func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		_ = admin.Close()
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// run runs a client program, returning its stderr in the error.
func run(cmd *exec.Cmd) error {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("%s not found: install the PostgreSQL client (apt install postgresql-client) or give its path", cmd.Path)
		}
		if msg != "" {
			return fmt.Errorf("%w: %s", err, msg)
		}
		return err
	}
	return nil
}
