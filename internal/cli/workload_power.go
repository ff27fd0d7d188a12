package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
	moneypkg "github.com/soberana/soberana/internal/money"
)

func init() {
	workloadSubcommands = append(workloadSubcommands,
		func(g *globals) *cobra.Command {
			return workloadPowerCmd(g, "start", "Power a stopped workload's replicas on again")
		},
		func(g *globals) *cobra.Command {
			return workloadPowerCmd(g, "stop", "Power a running workload's replicas off (still metered: the capacity stays reserved)")
		},
		func(g *globals) *cobra.Command {
			return workloadPowerCmd(g, "reboot", "Reboot a running workload's replicas")
		},
		workloadResizeCmd, workloadDescribeCmd)
}

func workloadPowerCmd(g *globals, verb, short string) *cobra.Command {
	replica := -1
	c := &cobra.Command{
		Use:   verb + " ID",
		Short: short + " (--replica N: one replica)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body := map[string]any{}
			if replica >= 0 {
				body["replica"] = replica
			}
			return g.workloadAction(cmd.Context(), args[0], verb, body)
		},
	}
	c.Flags().IntVar(&replica, "replica", -1, "act on this replica only (its number, from 0)")
	return c
}

// workloadAction posts the custom method verb (start, resize…) of
// workload id with body, then shows the workload: the API's answer as it
// is with -o json, else described.
func (g *globals) workloadAction(ctx context.Context, id, verb string, body any) error {
	var w map[string]any
	cl, err := g.call(ctx, "POST", "/v1/workloads/"+id+":"+verb, body, &w)
	if err != nil {
		return err
	}
	if g.output == "json" {
		return g.print(nil, nil, w)
	}
	return g.describe(ctx, cl, id)
}

func workloadResizeCmd(g *globals) *cobra.Command {
	var offering string
	c := &cobra.Command{
		Use:     "resize ID --offering NAME",
		Short:   "Move a running workload to another offering at the same sites; its budget commitment follows",
		Example: "  soberana workload resize wl_… --offering SCS-2V-4-20s",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.workloadAction(cmd.Context(), args[0], "resize", map[string]any{"offering": offering})
		},
	}
	c.Flags().StringVar(&offering, "offering", "", "the new offering, by name or id (required)")
	_ = c.MarkFlagRequired("offering")
	return c
}

func workloadDescribeCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "describe ID",
		Short: "Show a workload: offering, cost, each replica's site, provider, power state and addresses, and its timeline",
		Args:  cobra.ExactArgs(1),
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, args []string) error {
			if g.output == "json" {
				var w map[string]any
				if _, err := cl.Do(cmd.Context(), "GET", "/v1/workloads/"+args[0], nil, &w); err != nil {
					return err
				}
				return g.print(nil, nil, w)
			}
			return g.describe(cmd.Context(), cl, args[0])
		}),
	}
}

type describedWorkload struct {
	ID                   string `json:"id"`
	ProjectID            string `json:"project_id"`
	OfferingID           string `json:"offering_id"`
	State                string `json:"state"`
	Reason               string `json:"reason"`
	Currency             string `json:"currency"`
	ForecastMonthlyMinor int64  `json:"forecast_monthly_minor"`
	Placements           []struct {
		Replica    int    `json:"replica"`
		SiteID     string `json:"site_id"`
		ProviderID string `json:"provider_id"`
		State      string `json:"state"`
		Power      string `json:"power"`
		Simulated  bool   `json:"simulated"`
		Addresses  []struct {
			Network string `json:"network"`
			Address string `json:"address"`
			Kind    string `json:"kind"`
		} `json:"addresses"`
	} `json:"placements"`
	Events []struct {
		At     string `json:"at"`
		Actor  string `json:"actor"`
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
	} `json:"events"`
}

// nameOf reads a noun's name (its id when it has none or cannot be read).
func nameOf(ctx context.Context, cl *client.Client, path, id string, cache map[string]string) string {
	if n, ok := cache[path+id]; ok {
		return n
	}
	var v struct {
		Name string `json:"name"`
	}
	n := id
	if _, err := cl.Do(ctx, "GET", "/v1/"+path+"/"+id, nil, &v); err == nil && v.Name != "" {
		n = v.Name
	}
	cache[path+id] = n
	return n
}

// describe prints a workload for people: names, not ids.
func (g *globals) describe(ctx context.Context, cl *client.Client, id string) error {
	var w describedWorkload
	if _, err := cl.Do(ctx, "GET", "/v1/workloads/"+id, nil, &w); err != nil {
		return err
	}
	names := map[string]string{}
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Workload:\t%s\n", w.ID)
	fmt.Fprintf(tw, "Project:\t%s\n", nameOf(ctx, cl, "projects", w.ProjectID, names))
	fmt.Fprintf(tw, "Offering:\t%s\n", nameOf(ctx, cl, "offerings", w.OfferingID, names))
	fmt.Fprintf(tw, "State:\t%s — %s\n", w.State, w.Reason)
	fmt.Fprintf(tw, "Forecast:\t%s/month\n", money(w.ForecastMonthlyMinor, w.Currency))
	_ = tw.Flush()
	fmt.Fprintln(g.stdout, "\nReplicas:")
	tw = tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  REPLICA\tSITE\tPROVIDER\tSTATE\tPOWER\tADDRESSES")
	for _, p := range w.Placements {
		if p.State == "deleted" || p.State == "failed" {
			continue
		}
		power := p.Power
		if power == "" && p.State == "running" {
			power = "running"
		}
		var addrs []string
		for _, a := range p.Addresses {
			s := a.Address
			if a.Network != "" {
				s += " (" + a.Network
				if a.Kind == "floating" {
					s += ", floating"
				}
				s += ")"
			}
			addrs = append(addrs, s)
		}
		site := nameOf(ctx, cl, "sites", p.SiteID, names)
		if p.Simulated {
			site += " [simulated]"
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\n", p.Replica, site, nameOf(ctx, cl, "providers", p.ProviderID, names),
			p.State, power, strings.Join(addrs, ", "))
	}
	_ = tw.Flush()
	fmt.Fprintln(g.stdout, "\nTimeline:")
	for _, e := range w.Events {
		tr := ""
		if e.To != "" && e.From != e.To {
			tr = " [" + e.From + " → " + e.To + "]"
		}
		fmt.Fprintf(g.stdout, "  %s  %s%s  %s\n", e.At, e.Actor, tr, e.Reason)
	}
	return nil
}

// money renders minor units in their currency, exactly.
func money(minor int64, currency string) string {
	c, err := moneypkg.ParseCurrency(currency)
	if err != nil {
		return fmt.Sprintf("%d %s (minor units)", minor, currency)
	}
	return moneypkg.Amount{Minor: minor, Currency: c}.String()
}
