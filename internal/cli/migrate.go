package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/client"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
)

func init() { workloadSubcommands = append(workloadSubcommands, workloadMigrateCmd) }

func workloadMigrateCmd(g *globals) *cobra.Command {
	var (
		to            string
		exclude       []string
		planOnly, yes bool
		wait          bool
		waitFor       time.Duration
	)
	c := &cobra.Command{
		Use:   "migrate ID (--to-provider P | --exclude-provider P) [--plan] [--yes] [--wait]",
		Short: "Move a workload to another provider, make-before-break: shows the plan (target sites, cost change, steps, data), then migrates",
		Example: `  soberana workload migrate wl_… --to-provider "Nuvem Verde (sim)" --plan
  soberana workload migrate wl_… --exclude-provider prv_… --yes --wait`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			lang := g.language()
			if to == "" && len(exclude) == 0 {
				return errors.New(i18n.T(lang, "cli.migrate.target"))
			}
			cl, err := g.client()
			if err != nil {
				return err
			}
			body := map[string]any{}
			if to != "" {
				if body["to_provider"], err = providerID(ctx, cl, to); err != nil {
					return err
				}
			}
			if len(exclude) > 0 {
				ids := make([]string, len(exclude))
				for i, e := range exclude {
					if ids[i], err = providerID(ctx, cl, e); err != nil {
						return err
					}
				}
				body["exclude_providers"] = ids
			}
			id := args[0]
			var raw map[string]any
			if _, err := cl.Do(ctx, "POST", "/v1/workloads/"+id+"/migration-plan", body, &raw); err != nil {
				return err
			}
			var p client.MigrationPlan
			if err := remarshal(raw, &p); err != nil {
				return err
			}
			if g.output == "json" || g.output == "yaml" {
				if err := g.print(nil, nil, raw); err != nil {
					return err
				}
			} else {
				printPlan(g, lang, p)
			}
			if !p.Feasible {
				return errors.New(i18n.T(lang, "cli.migrate.infeasible", id, p.Reason))
			}
			if planOnly {
				return nil
			}
			if !yes {
				fmt.Fprint(g.stderr, i18n.T(lang, "cli.migrate.confirm"))
				line, _ := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "s" && a != "yes" && a != "si" && a != "sí" && a != "sim" {
					return errors.New(i18n.T(lang, "cli.migrate.aborted"))
				}
			}
			var m struct {
				ID    string `json:"id"`
				State string `json:"state"`
			}
			if _, err := cl.Do(ctx, "POST", "/v1/workloads/"+id+"/migrations", body, &m); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, i18n.T(lang, "cli.migrate.started", m.ID, m.State))
			if !wait {
				return nil
			}
			wctx, cancel := context.WithTimeout(ctx, waitFor)
			defer cancel()
			return watchMigration(wctx, g, cl, id, m.ID)
		},
	}
	c.Flags().StringVar(&to, "to-provider", "", "move every replica to this provider (id or name)")
	c.Flags().StringSliceVar(&exclude, "exclude-provider", nil, "move every replica off this provider (id or name; repeatable)")
	c.Flags().BoolVar(&planOnly, "plan", false, "show the plan only; change nothing")
	c.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	c.Flags().BoolVar(&wait, "wait", false, "show progress until the migration is done or rolled back")
	c.Flags().DurationVar(&waitFor, "wait-timeout", 30*time.Minute, "give up waiting after this long (the migration goes on)")
	return c
}

func printPlan(g *globals, lang i18n.Lang, p client.MigrationPlan) {
	fmt.Fprintln(g.stdout, i18n.T(lang, "cli.migrate.plan", p.WorkloadID, len(p.Moves), fmt.Sprint(p.DataGiB)))
	if !p.Feasible {
		return
	}
	fmt.Fprintln(g.stdout, i18n.T(lang, "cli.migrate.cost", minor(p.CurrentMonthlyMinor), minor(p.NewMonthlyMinor),
		signedMinor(p.DeltaMonthlyMinor), p.Currency))
	if p.CommitmentDeltaMinor != 0 {
		fmt.Fprintln(g.stdout, i18n.T(lang, "cli.migrate.commitment", signedMinor(p.CommitmentDeltaMinor), p.Currency))
	}
	var moves []map[string]any
	_ = remarshal(p.Moves, &moves)
	_ = g.print([]string{"replica", "from_site", "from_provider", "to_site", "to_provider", "to_country", "from_monthly_minor", "to_monthly_minor"}, moves, nil)
	for i, s := range p.Steps {
		fmt.Fprintln(g.stdout, i18n.T(lang, "cli.migrate.step", i+1, s))
	}
}

// minor shows an amount in minor units as major.minor (two decimals).
func minor(v int64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := fmt.Sprintf("%d.%02d", v/100, v%100)
	if neg {
		s = "-" + s
	}
	return s
}

// signedMinor is minor with a "+" before a positive amount: a change.
func signedMinor(v int64) string {
	if v > 0 {
		return "+" + minor(v)
	}
	return minor(v)
}

// watchMigration polls a migration and prints a line whenever its new
// replicas or its workload's state change, until it is done (nil) or
// rolled back (an error with the reason).
func watchMigration(ctx context.Context, g *globals, cl *client.Client, workloadID, migrationID string) error {
	lang := g.language()
	last := ""
	for {
		var m struct {
			State         model.MigrationState `json:"state"`
			Reason        string               `json:"reason"`
			NewTotal      int                  `json:"new_total"`
			NewRunning    int                  `json:"new_running"`
			WorkloadState string               `json:"workload_state"`
		}
		if _, err := cl.Do(ctx, "GET", "/v1/workloads/"+workloadID+"/migrations/"+migrationID, nil, &m); err != nil {
			return err
		}
		if key := fmt.Sprint(m.NewRunning, m.WorkloadState, m.State); key != last {
			last = key
			fmt.Fprintln(g.stdout, i18n.T(lang, "cli.migrate.progress", time.Now().Format("15:04:05.000"), m.NewRunning, m.NewTotal, m.WorkloadState))
		}
		switch m.State {
		case model.MigrationDone:
			fmt.Fprintln(g.stdout, i18n.T(lang, "cli.migrate.done", migrationID, m.Reason))
			return nil
		case model.MigrationRolledBack:
			return errors.New(i18n.T(lang, "cli.migrate.rolledback", migrationID, m.Reason))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// providerID accepts a provider's id or its name.
func providerID(ctx context.Context, cl *client.Client, s string) (string, error) {
	return idOrNamed(ctx, cl, "prv_", "/v1/providers", s)
}

// remarshal converts a decoded JSON value into a typed one.
func remarshal(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}
