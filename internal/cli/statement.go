package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/ledger"
)

func init() { extraCommands = append(extraCommands, statementCmd, fxRatesCmd) }

// statementCmd groups the monthly statement commands.
func statementCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "statement", Short: "Monthly statements: export (CSV or JSON) and close a month"}
	c.AddCommand(statementExportCmd(g), statementCloseCmd(g))
	return c
}

func statementExportCmd(g *globals) *cobra.Command {
	var institution, provider, month, file string
	c := &cobra.Command{
		Use:   "export --institution ID | --provider ID --month YYYY-MM [-o csv|json] [--file PATH]",
		Short: "Export a month's statement per budget line, project and provider, as CSV (default) or JSON, for import into a financial system",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (institution == "") == (provider == "") {
				return msgErr("cli.statement.one_owner")
			}
			if _, err := ledger.ParseMonth(month); err != nil {
				return fmt.Errorf("--month: %w", err)
			}
			format := g.output
			if format == "table" {
				format = "csv"
			}
			if format != "csv" && format != "json" {
				return msgErr("cli.statement.output", g.output)
			}
			cl, err := g.client()
			if err != nil {
				return err
			}
			q := map[string]string{"month": month}
			if institution != "" {
				q["institution_id"] = institution
			} else {
				q["provider_id"] = provider
			}
			var st ledger.Statement
			if _, err := cl.Do(cmd.Context(), "GET", "/v1/statements"+client.Query(q), nil, &st); err != nil {
				return err
			}
			var w io.Writer = g.stdout
			if file != "" {
				f, err := os.Create(file)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			if format == "csv" {
				return ledger.WriteCSV(w, st)
			}
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(st)
		},
	}
	c.Flags().StringVar(&institution, "institution", "", "institution id: its statement per budget line, project and provider")
	c.Flags().StringVar(&provider, "provider", "", "provider id: what each institution owes it")
	c.Flags().StringVar(&month, "month", "", "month, YYYY-MM")
	c.Flags().StringVar(&file, "file", "", "write to this file instead of standard output")
	_ = c.MarkFlagRequired("month")
	return c
}

func statementCloseCmd(g *globals) *cobra.Command {
	var institution, month string
	c := &cobra.Command{
		Use:   "close --month YYYY-MM [--institution ID]",
		Short: "Rate the month's usage and close it; a closed month never changes (late usage goes to the next month)",
		Args:  cobra.NoArgs,
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, _ []string) error {
			var out map[string]any
			body := map[string]string{"month": month, "institution_id": institution}
			if _, err := cl.Do(cmd.Context(), "POST", "/v1/statements:close", body, &out); err != nil {
				return err
			}
			return g.print([]string{"month", "institution_id", "closed_at", "closed_by"}, []map[string]any{out}, out)
		}),
	}
	c.Flags().StringVar(&institution, "institution", "", "institution id (default: every institution)")
	c.Flags().StringVar(&month, "month", "", "month, YYYY-MM")
	_ = c.MarkFlagRequired("month")
	return c
}

// fxRatesCmd imports published exchange rates from a CSV file.
func fxRatesCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "fx-rates", Short: "Exchange rates: import a CSV of published rates"}
	var source string
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Import rates from a CSV (date,from,to,rate; - for stdin): all or none, problems named by line and field",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var (
				data []byte
				err  error
			)
			if args[0] == "-" {
				data, err = io.ReadAll(cmd.InOrStdin())
			} else {
				data, err = os.ReadFile(args[0])
			}
			if err != nil {
				return err
			}
			cl, err := g.client()
			if err != nil {
				return err
			}
			var out map[string]any
			q := client.Query(map[string]string{"source": source})
			if _, err := cl.Do(cmd.Context(), "POST", "/v1/fx-rates:import"+q, data, &out, "Content-Type", "text/csv"); err != nil {
				return err
			}
			return g.print([]string{"imported", "unchanged"}, []map[string]any{out}, out)
		},
	}
	imp.Flags().StringVar(&source, "source", "csv import", "who published the rates (central bank, treasury)")
	c.AddCommand(imp)
	return c
}
