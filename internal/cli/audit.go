package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/store"
)

func auditCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "The hash-chained audit log: export and verify"}
	var out string
	export := &cobra.Command{
		Use: "export [-f FILE]", Short: "Write the audit log (in your scope) as JSON Lines", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cl, err := g.client()
			if err != nil {
				return err
			}
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
		},
	}
	export.Flags().StringVarP(&out, "file", "f", "", "output file (default stdout)")

	var file, cpsFile, pubFile, dbURL string
	verify := &cobra.Command{
		Use:   "verify [--file export.jsonl --checkpoints cps.json --public-key key.pem | --database-url URL]",
		Short: "Walk the chain and name the first bad event; checkpoints are checked against the public key",
		Long: "Without flags the log, the checkpoints and the public key are fetched from the server (an auditor's token),\n" +
			"then verified here. With --file the check is offline: an outside party needs only the export, the\n" +
			"checkpoints and the public key. With --database-url the database is read directly (operators).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			var (
				rep audit.Report
				err error
			)
			switch {
			case dbURL != "":
				st, oerr := store.Open(ctx, dbURL)
				if oerr != nil {
					return oerr
				}
				defer st.Close()
				pub, perr := readPub(pubFile)
				if perr != nil {
					return perr
				}
				rep, err = audit.Verify(ctx, st, pub)
			case file != "":
				pub, perr := readPub(pubFile)
				if perr != nil {
					return perr
				}
				var cps []store.AuditCheckpoint
				if cpsFile != "" {
					b, rerr := os.ReadFile(cpsFile)
					if rerr != nil {
						return rerr
					}
					if err := json.Unmarshal(b, &cps); err != nil {
						return fmt.Errorf("%s: %w", cpsFile, err)
					}
				}
				f, oerr := os.Open(file)
				if oerr != nil {
					return oerr
				}
				defer f.Close()
				rep, err = audit.VerifyExport(f, pub, cps)
			default:
				cl, cerr := g.client()
				if cerr != nil {
					return cerr
				}
				var buf bytes.Buffer
				if _, err := exportAPI(ctx, cl, &buf); err != nil {
					return err
				}
				var cps []store.AuditCheckpoint
				if _, err := cl.Do(ctx, "GET", "/v1/audit/checkpoints", nil, &cps); err != nil {
					return err
				}
				var pk struct {
					PEM string `json:"public_key_pem"`
				}
				if _, err := cl.Do(ctx, "GET", "/v1/audit/public-key", nil, &pk); err != nil {
					return err
				}
				pub, perr := audit.ParsePublicKeyPEM([]byte(pk.PEM))
				if perr != nil {
					return perr
				}
				if pubFile != "" { // a pinned key wins over the server's
					if pub, perr = readPub(pubFile); perr != nil {
						return perr
					}
				}
				rep, err = audit.VerifyExport(&buf, pub, cps)
			}
			if err != nil {
				return err
			}
			if g.output == "json" {
				_ = json.NewEncoder(g.stdout).Encode(rep)
			} else if rep.Break == nil {
				fmt.Fprintf(g.stdout, "ok: %d events, head %d %s, %d checkpoints matched\n", rep.Events, rep.LastSeq, rep.LastHash, rep.Checkpoints)
			}
			if rep.Break != nil {
				return fmt.Errorf("the audit chain is broken at event %d: %s", rep.Break.Seq, rep.Break.Reason)
			}
			return nil
		},
	}
	vf := verify.Flags()
	vf.StringVar(&file, "file", "", "a JSON Lines export to verify offline")
	vf.StringVar(&cpsFile, "checkpoints", "", "signed checkpoints (JSON array from GET /v1/audit/checkpoints)")
	vf.StringVar(&pubFile, "public-key", "", "the checkpoint public key (PEM from GET /v1/audit/public-key)")
	vf.StringVar(&dbURL, "database-url", "", "read the database directly (postgres://… or an SQLite file path)")
	c.AddCommand(export, verify)
	return c
}

func readPub(path string) (ed25519.PublicKey, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return audit.ParsePublicKeyPEM(b)
}

// exportAPI pages GET /v1/audit into JSON Lines.
func exportAPI(ctx context.Context, cl *client.Client, w io.Writer) (int, error) {
	bw := bufio.NewWriter(w)
	n, cursor := 0, ""
	for {
		var page struct {
			Items      []json.RawMessage `json:"items"`
			NextCursor string            `json:"next_cursor"`
		}
		path := "/v1/audit?limit=1000"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		if _, err := cl.Do(ctx, "GET", path, nil, &page); err != nil {
			return n, err
		}
		for _, it := range page.Items {
			_, _ = bw.Write(it)
			_ = bw.WriteByte('\n')
			n++
		}
		if page.NextCursor == "" {
			return n, bw.Flush()
		}
		cursor = page.NextCursor
	}
}
