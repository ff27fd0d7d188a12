package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/server"
)

func auditCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "The hash-chained audit log: export and verify"}
	var out string
	export := &cobra.Command{
		Use: "export [-f FILE]", Short: "Write the audit log (in your scope) as JSON Lines", Args: cobra.NoArgs,
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, _ []string) error {
			w := g.stdout
			if out != "" && out != "-" {
				f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			n, err := exportAPI(cmd.Context(), cl, w)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stderr, "%d events\n", n)
			return nil
		}),
	}
	export.Flags().StringVarP(&out, "file", "f", "", "output file (default stdout)")

	var file, cpsFile, pubFile, dbURL, cfgFile string
	verify := &cobra.Command{
		Use:   "verify [--database-url URL | --file export.jsonl] --public-key key.pem [--checkpoints FILE] [--config FILE]",
		Short: "Walk the chain, check every checkpoint against your public key, name the first bad event",
		Long: "The public key comes from you, never from the server or the database: --public-key, or\n" +
			"audit.public_key_file of --config / SOBERANA_AUDIT_PUBLIC_KEY_FILE. Without it verify refuses.\n" +
			"--checkpoints adds a copy of the checkpoints kept outside the database (the checkpoint file,\n" +
			"webhook bodies, or GET /v1/audit/checkpoints saved earlier); default audit.checkpoint_file.\n" +
			"Without --file or --database-url the log and the stored checkpoints are fetched from the\n" +
			"server (an auditor's token). With --file the check is offline. With --database-url (or\n" +
			"--config naming the database) the database is read directly, its chain head row included.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			lang := g.language()
			cfg := config.Defaults()
			if cfgFile != "" {
				if err := cfg.LoadFile(cfgFile); err != nil {
					return err
				}
			}
			if err := cfg.LoadEnv(g.getenv); err != nil {
				return err
			}
			if pubFile == "" {
				pubFile = cfg.Audit.PublicKeyFile
			}
			if pubFile == "" {
				return errors.New(i18n.T(lang, "cli.audit.no_public_key"))
			}
			pub, err := audit.ReadPublicKeyFile(pubFile) // one key, or several after a rotation
			if err != nil {
				return err
			}
			if cpsFile == "" {
				cpsFile = cfg.Audit.CheckpointFile
			}
			var external []audit.SignedCheckpoint
			if cpsFile != "" {
				if external, err = audit.ReadCheckpointFile(cpsFile); err != nil {
					return err
				}
			}
			if dbURL == "" && file == "" && cfgFile != "" {
				dbURL = cfg.DatabaseTarget()
			}
			var rep audit.Report
			switch {
			case dbURL != "":
				rep, err = audit.VerifyDatabase(ctx, dbURL, pub, external...)
			case file != "":
				f, oerr := os.Open(file)
				if oerr != nil {
					return oerr
				}
				defer f.Close()
				rep, err = audit.VerifyExport(f, pub, external)
			default:
				cl, cerr := g.client()
				if cerr != nil {
					return cerr
				}
				var buf bytes.Buffer
				if _, err := exportAPI(ctx, cl, &buf); err != nil {
					return err
				}
				var cps []audit.SignedCheckpoint
				if _, err := cl.Do(ctx, "GET", "/v1/audit/checkpoints", nil, &cps); err != nil {
					return err
				}
				rep, err = audit.VerifyExport(&buf, pub, append(cps, external...))
			}
			if err != nil {
				return err
			}
			if g.output == "json" {
				_ = json.NewEncoder(g.stdout).Encode(rep)
			} else if rep.Break == nil {
				fmt.Fprintln(g.stdout, i18n.T(lang, "cli.audit.ok", rep.Events, rep.LastSeq, rep.LastHash, rep.Checkpoints, audit.KeyIDs(pub)))
				if rep.LastSeq > rep.Covered {
					fmt.Fprintln(g.stdout, i18n.T(lang, "cli.audit.uncovered", rep.Covered+1, rep.LastSeq))
				}
			}
			if rep.Break != nil {
				return errors.New(i18n.T(lang, "cli.audit.broken", rep.Break.Seq, rep.Break.Message(lang)))
			}
			return nil
		},
	}
	vf := verify.Flags()
	vf.StringVar(&file, "file", "", "a JSON Lines export to verify offline")
	vf.StringVar(&cpsFile, "checkpoints", "", "checkpoints kept outside the database: the checkpoint file, webhook bodies, or a saved GET /v1/audit/checkpoints (env SOBERANA_AUDIT_CHECKPOINT_FILE)")
	vf.StringVar(&pubFile, "public-key", "", "the checkpoint public key, pinned by you; after a rotation the file holds every key, one PEM block each (env SOBERANA_AUDIT_PUBLIC_KEY_FILE)")
	vf.StringVar(&dbURL, "database-url", "", "read the database directly (postgres://… or an SQLite file path)")
	vf.StringVar(&cfgFile, "config", "", "the server's YAML configuration: its audit.public_key_file, audit.checkpoint_file and database")

	var keyOut, pubOut string
	keygen := &cobra.Command{
		Use:   "keygen --key FILE --public-key FILE",
		Short: "Make a checkpoint signing key (for audit.signing_key_file) and its public key",
		Long: "Write the private key where the database owner cannot read it (another disk, or let your secret\n" +
			"store hold it and write it at start); give the public key to the auditors, who pin it.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if keyOut == "" || pubOut == "" {
				return msgErr("cli.audit.keygen_flags")
			}
			key, err := audit.WriteNewKey(keyOut)
			if err != nil {
				return err
			}
			pub := key.Public().(ed25519.PublicKey)
			f, err := os.OpenFile(pubOut, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				return err
			}
			if _, err := f.Write(audit.PublicKeyPEM(pub)); err != nil {
				_ = f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, i18n.T(g.language(), "cli.audit.keygen", keyOut, pubOut, audit.KeyID(pub)))
			return nil
		},
	}
	keygen.Flags().StringVar(&keyOut, "key", "", "private key file to create (0600)")
	keygen.Flags().StringVar(&pubOut, "public-key", "", "public key file to create")
	c.AddCommand(export, verify, keygen)
	return c
}

// exportAPI writes the audit log the API serves (GET /v1/audit, in the
// caller's scope) as JSON Lines: audit.Export over the API's pages.
func exportAPI(ctx context.Context, cl *client.Client, w io.Writer) (int64, error) {
	return audit.Export(ctx, func(ctx context.Context, cursor string) ([]audit.Event, string, error) {
		var page struct {
			Items      []audit.Event `json:"items"`
			NextCursor string        `json:"next_cursor"`
		}
		path := "/v1/audit?limit=1000"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		_, err := cl.Do(ctx, "GET", path, nil, &page)
		return page.Items, page.NextCursor, err
	}, w)
}

// printDemoAuditKey tells the user of `up` that the checkpoint signing key
// sits in the data directory — fine for a demo, not for production — and
// how to verify the log with its public key.
func printDemoAuditKey(w io.Writer, srv *server.Server, cfg config.Config) {
	path, inDataDir := srv.AuditSigningKey()
	if !inDataDir {
		return
	}
	db := cfg.DatabaseTarget()
	if cfg.DatabaseURL != "" {
		db = "'$DATABASE_URL'"
	}
	fmt.Fprintln(w, "  audit signing key:", path, "(kept in the data directory for the demo only; serve needs audit.signing_key_file on another disk)")
	fmt.Fprintln(w, "  verify the audit log: soberana audit verify --database-url", db, "--public-key", srv.AuditPublicKeyFile())
}
