package cli

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
)

func init() { extraCommands = append(extraCommands, alertsCmd) }

func alertsCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "alerts", Aliases: []string{"alert"}, Short: "Alerts: site/provider down, capacity, budget, expiring grants, failed workloads"}
	var state, rule, institution string
	var limit int
	list := &cobra.Command{
		Use:   "list [--state firing|resolved] [--rule R]",
		Short: "List alerts, newest first, with the summary in your language",
		Args:  cobra.NoArgs,
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, _ []string) error {
			// tz: times inside summaries in the reader's zone.
			q := nonEmpty(map[string]string{"state": state, "rule": rule, "institution_id": institution, "tz": g.zoneName()})
			if limit > 0 {
				q["limit"] = strconv.Itoa(limit)
			}
			var page map[string]any
			if _, err := cl.Do(cmd.Context(), "GET", "/v1/alerts"+client.Query(q), nil, &page); err != nil {
				return err
			}
			items, _ := page["items"].([]any)
			return g.print([]string{"id", "fired_at", "state", "severity", "rule", "target_kind", "target_id", "summary"}, asMaps(items), page)
		}),
	}
	list.Flags().StringVar(&state, "state", "", "firing or resolved")
	list.Flags().StringVar(&rule, "rule", "", "site_down, provider_down, capacity, budget, grant_expiring, workload_failed")
	list.Flags().StringVar(&institution, "institution", "", "only this institution's alerts")
	list.Flags().IntVar(&limit, "limit", 0, "at most this many (1–1000)")
	c.AddCommand(list)
	return c
}
