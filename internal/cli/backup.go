package cli

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/backup"
	"github.com/soberana/soberana/internal/config"
)

func init() { extraCommands = append(extraCommands, backupCmd) }

// backupFlags are the flags every backup subcommand shares.
type backupFlags struct {
	sf                 *serverFlags
	publicKey, scratch string
	pgDump, pgRestore  string
}

func addBackupFlags(c *cobra.Command) *backupFlags {
	bf := &backupFlags{sf: addServerFlags(c, true)}
	f := c.Flags()
	f.StringVar(&bf.publicKey, "audit-key", "", "audit checkpoint key, public (PEM) or the server's private signing key; default audit.public_key_file, else audit.signing_key_file, else <data_dir>/audit-signing.key when present")
	f.StringVar(&bf.scratch, "scratch-url", "", "PostgreSQL server where a pg_dump archive is restored into a throwaway database to be checked (default: database_url)")
	f.StringVar(&bf.pgDump, "pg-dump", "", "pg_dump program (default from PATH)")
	f.StringVar(&bf.pgRestore, "pg-restore", "", "pg_restore program (default from PATH)")
	return bf
}

func (bf *backupFlags) options(g *globals, cfg config.Config) (backup.Options, error) {
	o := backup.Options{PGDump: bf.pgDump, PGRestore: bf.pgRestore, ScratchURL: bf.scratch}
	if o.ScratchURL == "" {
		o.ScratchURL = cfg.DatabaseURL
	}
	path := bf.publicKey
	if path == "" {
		path = cfg.Audit.PublicKeyFile
	}
	if path == "" {
		path = cfg.Audit.SigningKeyFile
	}
	if path == "" {
		path = filepath.Join(cfg.DataDir, "audit-signing.key")
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintf(g.stderr, "note: no audit key at %s; checkpoint signatures are not checked (--audit-key)\n", path)
			return o, nil
		}
	}
	pub, err := readAuditKey(path)
	if err != nil {
		return o, fmt.Errorf("--audit-key %s: %w", path, err)
	}
	o.AuditPublicKey = pub
	return o, nil
}

// readAuditKey reads a public key PEM, or derives the public key from the
// server's private signing key (never creating one). The PEM is decoded
// once; an empty file, or one with no PEM block, is refused saying what
// the file should hold.
func readAuditKey(path string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, msgErr("cli.backup.audit_key_empty")
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, msgErr("cli.backup.audit_key_not_pem")
	}
	return audit.PublicKeyOfBlock(blk)
}

func backupCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "backup", Short: "Back up, check and restore the database (see docs/operations.md)"}

	var out string
	create := &cobra.Command{
		Use:   "create --out FILE [--config soberana.yaml]",
		Short: "Write a consistent backup while soberana serves, then check it",
		Long: `create copies the embedded SQLite database with VACUUM INTO, or dumps a
PostgreSQL database with pg_dump --format=custom, while the server keeps
serving; then it checks the backup itself (schema version, audit chain,
budget balances against the ledger). The audit signing key and the
secrets key are NOT in the backup: keep them apart (docs/operations.md).`,
		Args: cobra.NoArgs,
	}
	cbf := addBackupFlags(create)
	create.Flags().StringVarP(&out, "out", "f", "", "backup file to write (must not exist)")
	create.RunE = func(cmd *cobra.Command, _ []string) error {
		if out == "" {
			return msgErr("cli.backup.out_required")
		}
		cfg, o, err := cbf.load(g)
		if err != nil {
			return err
		}
		rep, err := backup.Create(cmd.Context(), cfg.DatabaseTarget(), out, o)
		return printReport(g, "backup "+out, rep, err)
	}

	verify := &cobra.Command{
		Use:   "verify FILE",
		Short: "Check a backup with soberana's own rules without changing it",
		Args:  cobra.ExactArgs(1),
	}
	vbf := addBackupFlags(verify)
	verify.RunE = func(cmd *cobra.Command, args []string) error {
		_, o, err := vbf.load(g)
		if err != nil {
			return err
		}
		rep, err := backup.Verify(cmd.Context(), args[0], o)
		return printReport(g, "backup "+args[0], rep, err)
	}

	var replace bool
	restore := &cobra.Command{
		Use:   "restore FILE [--config soberana.yaml] [--replace]",
		Short: "Check a backup, write it to the configured database and check the result",
		Long: `restore writes an SQLite backup to <data_dir>/soberana.db (an existing one
is put aside with --replace, and only when no server has it open), or a
pg_dump archive into database_url, which must be a new, empty database.
Stop soberana first; start it afterwards (it applies newer migrations) and
the reconcilers adopt whatever the providers hold.`,
		Args: cobra.ExactArgs(1),
	}
	rbf := addBackupFlags(restore)
	restore.Flags().BoolVar(&replace, "replace", false, "put an existing SQLite database aside instead of refusing")
	restore.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, o, err := rbf.load(g)
		if err != nil {
			return err
		}
		if o.ScratchURL == cfg.DatabaseURL && cfg.DatabaseURL != "" {
			o.ScratchURL = "" // the target itself is checked after the restore
		}
		rep, err := backup.Restore(cmd.Context(), args[0], cfg.DatabaseTarget(), backup.RestoreOptions{Options: o, Replace: replace})
		return printReport(g, "restored "+args[0]+" to "+redact(cfg.DatabaseTarget()), rep, err)
	}
	c.AddCommand(create, verify, restore)
	return c
}

func (bf *backupFlags) load(g *globals) (config.Config, backup.Options, error) {
	cfg, err := bf.sf.load(g, config.Defaults())
	if err != nil {
		return cfg, backup.Options{}, err
	}
	o, err := bf.options(g, cfg)
	return cfg, o, err
}

// redact hides a password in a database URL.
func redact(target string) string {
	if u, err := url.Parse(target); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
	}
	return target
}

func printReport(g *globals, what string, rep backup.Report, err error) error {
	if rep.Format == "" && err != nil {
		return err
	}
	if g.output == "json" {
		_ = json.NewEncoder(g.stdout).Encode(rep)
		return err
	}
	w := g.stdout
	status := "ok"
	if !rep.OK() {
		status = "FAILED"
	}
	fmt.Fprintf(w, "%s: %s (%s, %d bytes)\n", what, status, rep.Format, rep.Bytes)
	if rep.Duration > 0 {
		fmt.Fprintf(w, "  took %s; checks %s\n", rep.Duration.Round(time.Millisecond), rep.CheckDuration.Round(time.Millisecond))
	}
	fmt.Fprintf(w, "  schema version %d (this binary knows up to %d)\n", rep.SchemaVersion, rep.KnownVersion)
	sig := "signatures not checked"
	if rep.SignaturesSeen {
		sig = "signatures checked"
	}
	fmt.Fprintf(w, "  audit chain: %d events, head %s, %d checkpoints (%s)\n", rep.AuditEvents, rep.AuditHead, rep.Checkpoints, sig)
	fmt.Fprintf(w, "  budget balances checked against the ledger sums: %d budget lines\n", rep.BudgetLines)
	names := make([]string, 0, len(rep.Rows))
	for n := range rep.Rows {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprint(w, "  rows:")
	for _, n := range names {
		fmt.Fprintf(w, " %s=%d", n, rep.Rows[n])
	}
	fmt.Fprintln(w)
	for _, p := range rep.Problems {
		fmt.Fprintln(w, "  problem:", p)
	}
	return err
}
