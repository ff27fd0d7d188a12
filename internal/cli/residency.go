package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"

	"github.com/soberana/soberana/internal/i18n"
)

func init() {
	extraCommands = append(extraCommands, residencyCmd)

}

func residencyCmd(g *globals) *cobra.Command {
	var institution string
	c := &cobra.Command{
		Use:   "residency [--institution ID] [-o table|json|csv|html]",
		Short: "Residency report: every placement with country/subdivision, provider, jurisdiction, classification and a compliance verdict",
		Long: `Residency report for an institution (--institution) or, for operators and
auditors, the whole platform. -o csv and -o html write the server's CSV and
printable HTML page (in --lang) to stdout; -o json the JSON report.`,
		Example: `  soberana residency --institution ins_… -o html --lang pt-BR > residencia.html
  soberana residency -o csv > platform.csv`,
		Args: cobra.NoArgs,
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, _ []string) error {
			q := nonEmpty(map[string]string{"institution_id": institution})
			switch g.output {
			case "csv", "html", "json":
				q["format"] = g.output
				var raw json.RawMessage
				if _, err := cl.Do(cmd.Context(), "GET", "/v1/residency"+client.Query(q), nil, &raw); err != nil {
					return err
				}
				_, err := g.stdout.Write(raw)
				return err
			}
			var rep map[string]any
			if _, err := cl.Do(cmd.Context(), "GET", "/v1/residency"+client.Query(q), nil, &rep); err != nil {
				return err
			}
			if g.output == "yaml" {
				return g.print(nil, nil, rep)
			}
			rows, _ := rep["rows"].([]any)
			if err := g.print([]string{"institution", "workload_id", "replica", "site", "country", "subdivision", "provider",
				"jurisdiction", "foreign_jurisdiction", "classification", "verdict", "violations"}, asMaps(rows), rep); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, i18n.T(g.language(), "cli.residency.summary", int(num(rep["placements"])), int(num(rep["violations"]))))
			if n := int(num(rep["foreign_exposure"])); n > 0 {
				fmt.Fprintln(g.stdout, i18n.T(g.language(), "cli.residency.foreign", n))
			}
			return nil
		}),
	}
	c.Flags().StringVar(&institution, "institution", "", "institution id (default: the caller's institution, or the platform for operators)")
	return c
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}
