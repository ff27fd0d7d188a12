package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/client"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
)

func init() { providerSubcommands = append(providerSubcommands, providerEvacuateCmd) }

func providerEvacuateCmd(g *globals) *cobra.Command {
	var (
		plan, execute, noWait bool
		conc                  int
		waitFor               time.Duration
	)
	c := &cobra.Command{
		Use:   "evacuate P (--plan | --execute [--concurrency N])",
		Short: "Provider exit drill: --plan lists every workload on P with a target or why none exists, the cost change and the data to move; --execute moves them",
		Example: `  soberana provider evacuate "Nuvem Verde (sim)" --plan
  soberana provider evacuate prv_… --execute --concurrency 16`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			lang := g.language()
			if plan == execute {
				return errors.New(i18n.T(lang, "cli.evacuate.mode"))
			}
			cl, id, err := g.providerClient(ctx, args[0])
			if err != nil {
				return err
			}
			if plan {
				var raw map[string]any
				if _, err := cl.Do(ctx, "POST", "/v1/providers/"+id+":evacuate-plan", nil, &raw); err != nil {
					return err
				}
				if g.output == "json" || g.output == "yaml" {
					return g.print(nil, nil, raw)
				}
				var ep client.EvacuationPlan
				if err := remarshal(raw, &ep); err != nil {
					return err
				}
				printEvacuationPlan(g, lang, ep)
				return nil
			}
			var started struct {
				client.EvacuationProgress
				Plan client.EvacuationPlan `json:"plan"`
			}
			if _, err := cl.Do(ctx, "POST", "/v1/providers/"+id+":evacuate", map[string]int{"concurrency": conc}, &started); err != nil {
				return err
			}
			printEvacuationPlan(g, lang, started.Plan)
			fmt.Fprintln(g.stdout, i18n.T(lang, "cli.evacuate.started", started.ID, started.Total, max(conc, 1)))
			if noWait {
				return nil
			}
			wctx, cancel := context.WithTimeout(ctx, waitFor)
			defer cancel()
			p, err := watchEvacuation(wctx, g, cl, started.ID)
			if err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, i18n.T(lang, "cli.evacuate.done", p.ID, p.Done, p.RolledBack, p.Skipped))
			if left := started.Plan.Infeasible + p.RolledBack + p.Skipped; left > 0 {
				return errors.New(i18n.T(lang, "cli.evacuate.partial", left))
			}
			return nil
		},
	}
	c.Flags().BoolVar(&plan, "plan", false, "show the plan only; change nothing")
	c.Flags().BoolVar(&execute, "execute", false, "migrate every workload with a target off the provider")
	c.Flags().IntVar(&conc, "concurrency", 8, "workloads migrating at a time")
	c.Flags().BoolVar(&noWait, "no-wait", false, "start the evacuation and return (follow it with GET /v1/evacuations/{id})")
	c.Flags().DurationVar(&waitFor, "wait-timeout", 2*time.Hour, "give up waiting after this long (the evacuation goes on)")
	return c
}

func printEvacuationPlan(g *globals, lang i18n.Lang, ep client.EvacuationPlan) {
	fmt.Fprintln(g.stdout, i18n.T(lang, "cli.evacuate.summary", ep.ProviderID, ep.Workloads, ep.Feasible, ep.Infeasible, ep.DataGiB, ep.DataByApp))
	curs := make([]string, 0, len(ep.Delta))
	for c := range ep.Delta {
		curs = append(curs, c)
	}
	sort.Strings(curs)
	for _, c := range curs {
		fmt.Fprintln(g.stdout, i18n.T(lang, "cli.evacuate.delta", signedMinor(ep.Delta[c]), c))
	}
	rows := make([]map[string]any, 0, len(ep.Items))
	for _, it := range ep.Items {
		var to []string
		for _, m := range it.Plan.Moves {
			to = append(to, m.ToSite+"@"+m.ToProvider)
		}
		r := map[string]any{"workload_id": it.WorkloadID, "feasible": it.Feasible, "reason": it.Reason}
		if it.Feasible {
			r["targets"] = strings.Join(to, " ")
			r["delta_monthly_minor"] = it.Plan.DeltaMonthlyMinor
			r["data_gib"] = it.Plan.DataGiB
		}
		rows = append(rows, r)
	}
	_ = g.print([]string{"workload_id", "feasible", "targets", "delta_monthly_minor", "data_gib", "reason"}, rows, nil)
}

// watchEvacuation prints a progress line whenever the counts change, until
// the evacuation is done.
func watchEvacuation(ctx context.Context, g *globals, cl *client.Client, id string) (client.EvacuationProgress, error) {
	lang := g.language()
	last := ""
	for {
		var p client.EvacuationProgress
		if _, err := cl.Do(ctx, "GET", "/v1/evacuations/"+id, nil, &p); err != nil {
			return p, err
		}
		if key := fmt.Sprint(p.Queued, p.Migrating, p.Done, p.RolledBack, p.Skipped, p.State); key != last {
			last = key
			fmt.Fprintln(g.stdout, i18n.T(lang, "cli.evacuate.progress", time.Now().Format("15:04:05.000"), p.Queued, p.Migrating,
				p.Done, p.RolledBack, p.Skipped, p.Done+p.RolledBack+p.Skipped, p.Total))
		}
		if p.State == model.EvacuationDone {
			return p, nil
		}
		select {
		case <-ctx.Done():
			return p, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}
