package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/i18n"
)

func init() { extraCommands = append(extraCommands, workloadCmd) }

var workloadColumns = []string{"id", "project_id", "offering_id", "replicas", "state", "forecast_monthly_minor", "currency", "reason"}

func workloadCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "workload", Aliases: []string{"workloads", "wl"}, Short: "Ask for, approve, watch and delete workloads"}
	c.AddCommand(workloadCreateCmd(g), workloadGetCmd(g), workloadListCmd(g),
		workloadActionCmd(g, "approve"), workloadActionCmd(g, "reject"), workloadDeleteCmd(g))
	for _, f := range workloadSubcommands {
		c.AddCommand(f(g))
	}
	return c
}

// workloadSubcommands lets other files add `workload` subcommands (migrate).
var workloadSubcommands []func(g *globals) *cobra.Command

func workloadCreateCmd(g *globals) *cobra.Command {
	var (
		file, data, project, offering, class, sov, tier, pref, idem string
		countries, subdivisions, jurisdictions                      []string
		replicas, minProviders, minDomains                          int
		minDistance                                                 float64
		near                                                        string
		ceiling                                                     int64
		wait                                                        bool
		image, userData                                             string
		sshKeys                                                     []string
		nearPoints, perSubdivision                                  []string
	)
	c := &cobra.Command{
		Use:   "create (--project NAME|ID --offering NAME|ID --country BR … | -f FILE)",
		Short: "Ask for a workload; --wait shows progress until it runs",
		Example: `  soberana workload create --project prj_… --offering off_… --replicas 2 \
    --classification confidential --country BR --sovereignty national --min-failure-domains 2 --wait`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var body any
			if file != "" || data != "" {
				b, err := readInput(file, data, cmd.InOrStdin())
				if err != nil {
					return err
				}
				body = b
			} else {
				m := map[string]any{"project_id": project, "offering_id": offering, "replicas": replicas,
					"classification": class, "residency": map[string]any{"countries": countries, "subdivisions": subdivisions},
					"sovereignty": map[string]any{"mode": sov, "jurisdictions": jurisdictions},
					"redundancy":  map[string]any{"min_providers": minProviders, "min_failure_domains": minDomains, "min_distance_km": minDistance}}
				if tier != "" {
					m["tier"] = tier
				}
				if pref != "" {
					m["preference"] = pref
				}
				if ceiling > 0 {
					m["cost_ceiling_minor"] = ceiling
				}
				if near != "" {
					parts := strings.Split(near, ",")
					if len(parts) != 3 {
						return msgErr("cli.workload.near")
					}
					var f [3]float64
					for i, p := range parts {
						v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
						if err != nil {
							return fmt.Errorf("--near: %w", err)
						}
						f[i] = v
					}
					m["nearness"] = map[string]any{"latitude": f[0], "longitude": f[1], "radius_km": f[2]}
				}
				if err := coverFlags(m, nearPoints, perSubdivision); err != nil {
					return err
				}
				if err := firstBootFlags(m, image, sshKeys, userData); err != nil {
					return err
				}
				body = m
			}
			cl, err := g.client()
			if err != nil {
				return err
			}
			if m, ok := body.(map[string]any); ok {
				// People pass names; the API takes ids.
				if m["project_id"], err = g.resolveID(cmd.Context(), cl, "projects", project, nil); err != nil {
					return err
				}
				if m["offering_id"], err = g.resolveID(cmd.Context(), cl, "offerings", offering, nil); err != nil {
					return err
				}
			}
			var hdr []string
			if idem != "" {
				hdr = []string{"Idempotency-Key", idem}
			}
			var w map[string]any
			if _, err := cl.Do(cmd.Context(), "POST", "/v1/workloads", body, &w, hdr...); err != nil {
				return err
			}
			if !wait {
				return g.print(workloadColumns, []map[string]any{w}, w)
			}
			return g.watch(cmd.Context(), cl, w["id"].(string), "running")
		},
	}
	f := c.Flags()
	f.StringVarP(&file, "file", "f", "", "YAML or JSON request, - for standard input")
	f.StringVar(&data, "data", "", "inline JSON request")
	f.StringVar(&project, "project", "", "project name or id")
	f.StringVar(&offering, "offering", "", "offering name or id")
	_ = c.RegisterFlagCompletionFunc("project", g.completeRef("projects"))
	_ = c.RegisterFlagCompletionFunc("offering", g.completeRef("offerings"))
	f.IntVar(&replicas, "replicas", 1, "number of replicas (distinct sites)")
	f.StringVar(&class, "classification", "internal", "public, internal, confidential or restricted")
	f.StringSliceVar(&countries, "country", nil, "allowed country, ISO 3166-1 (repeatable; default: the data policy's countries)")
	f.StringSliceVar(&subdivisions, "subdivision", nil, "allowed subdivision, ISO 3166-2 (repeatable)")
	f.StringVar(&sov, "sovereignty", "", "national, regional or any (default: the institution's data policy; a wider mode is refused)")
	f.StringSliceVar(&jurisdictions, "jurisdiction", nil, "allowed provider jurisdiction for regional sovereignty (repeatable)")
	f.IntVar(&minProviders, "min-providers", 0, "at least this many distinct providers")
	f.IntVar(&minDomains, "min-failure-domains", 0, "at least this many distinct failure domains")
	f.Float64Var(&minDistance, "min-distance-km", 0, "every two replicas at least this far apart")
	f.StringVar(&near, "near", "", "LAT,LON,RADIUS_KM: sites within the radius (edge)")
	f.StringArrayVar(&nearPoints, "near-point", nil, "LAT,LON,RADIUS_KM[,LABEL]: a place that needs a replica of its own within the radius (repeatable)")
	f.StringSliceVar(&perSubdivision, "per-subdivision", nil, "ISO 3166-2 subdivisions that each need a replica of their own, e.g. BR-SP,BR-RJ")
	f.StringVar(&tier, "tier", "", "core or edge")
	f.StringVar(&pref, "preference", "", "cheapest, balanced or nearest")
	f.Int64Var(&ceiling, "cost-ceiling-minor", 0, "monthly ceiling in minor units of the institution's currency")
	f.StringVar(&idem, "idempotency-key", "", "retrying with the same key returns the first result")
	f.BoolVar(&wait, "wait", false, "show progress until the workload runs (bounded by --timeout; stops at once, exit code 7, when it awaits approval)")
	f.StringVar(&image, "image", "", "operating system family to boot, e.g. ubuntu-24.04 (soberana image list)")
	f.StringSliceVar(&sshKeys, "ssh-key", nil, "name or id of an SSH key the replicas authorize (repeatable; soberana ssh-key list)")
	f.StringVar(&userData, "user-data", "", "file with cloud-init user-data: #cloud-config YAML or a #! script, at most 16 KiB")
	return c
}

func workloadGetCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "get ID",
		Short: "Show a workload with its placements and timeline",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var w map[string]any
			if _, err := g.call(cmd.Context(), "GET", "/v1/workloads/"+args[0], nil, &w); err != nil {
				return err
			}
			if g.output != "table" && g.output != "" {
				return g.print(nil, nil, w)
			}
			if err := g.print(workloadColumns, []map[string]any{w}, w); err != nil {
				return err
			}
			if sim, _ := w["simulated"].(bool); sim {
				fmt.Fprintln(g.stdout, i18n.T(g.language(), "cli.workload.simulated"))
			}
			fmt.Fprintln(g.stdout)
			ps, _ := w["placements"].([]any)
			if err := g.print([]string{"replica", "id", "site_id", "provider_id", "state", "resource_id", "simulated", "reason"}, asMaps(ps), nil); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout)
			evs, _ := w["events"].([]any)
			return g.print([]string{"at", "actor", "from", "to", "reason"}, asMaps(evs), nil)
		},
	}
}

func asMaps(list []any) []map[string]any {
	out := make([]map[string]any, 0, len(list))
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func workloadListCmd(g *globals) *cobra.Command {
	var project, institution, state string
	c := &cobra.Command{
		Use:   "list",
		Short: "List workloads (filters: --project, --institution, --state)",
		Args:  cobra.NoArgs,
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, _ []string) error {
			ctx := cmd.Context()
			var err error
			if institution, err = g.resolveID(ctx, cl, "institutions", institution, nil); err != nil {
				return err
			}
			if project, err = g.resolveID(ctx, cl, "projects", project, scopeQuery{"institution_id": institution}); err != nil {
				return err
			}
			q := nonEmpty(map[string]string{"project_id": project, "institution_id": institution, "state": state})
			var items []map[string]any
			for {
				var page struct {
					Items []map[string]any `json:"items"`
					Next  string           `json:"next_cursor"`
				}
				if _, err := cl.Do(cmd.Context(), "GET", "/v1/workloads"+client.Query(q), nil, &page); err != nil {
					return err
				}
				items = append(items, page.Items...)
				if page.Next == "" {
					break
				}
				q["cursor"] = page.Next
			}
			return g.print(workloadColumns, items, map[string]any{"items": items})
		}),
	}
	c.Flags().StringVar(&project, "project", "", "project name or id")
	c.Flags().StringVar(&institution, "institution", "", "institution name or id")
	c.Flags().StringVar(&state, "state", "", "state (pending_approval, approved, provisioning, running, deleting, deleted, rejected, failed)")
	return c
}

func workloadActionCmd(g *globals, verb string) *cobra.Command {
	var reason string
	var wait bool
	c := &cobra.Command{
		Use:   verb + " ID",
		Short: map[string]string{"approve": "Approve a workload that awaits approval", "reject": "Reject a workload that awaits approval (--reason required)"}[verb],
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var w map[string]any
			cl, err := g.call(cmd.Context(), "POST", "/v1/workloads/"+args[0]+":"+verb, map[string]string{"reason": reason}, &w)
			if err != nil {
				return err
			}
			if wait && verb == "approve" {
				return g.watch(cmd.Context(), cl, args[0], "running")
			}
			return g.print(workloadColumns, []map[string]any{w}, w)
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why (required to reject)")
	if verb == "approve" {
		c.Flags().BoolVar(&wait, "wait", false, "show progress until the workload runs")
	}
	return c
}

func workloadDeleteCmd(g *globals) *cobra.Command {
	var wait bool
	c := &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a workload; --wait shows progress until it is deleted",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var w map[string]any
			cl, err := g.call(cmd.Context(), "DELETE", "/v1/workloads/"+args[0], nil, &w)
			if err != nil {
				return err
			}
			if wait {
				return g.watch(cmd.Context(), cl, args[0], "deleted")
			}
			return g.print(workloadColumns, []map[string]any{w}, w)
		},
	}
	c.Flags().BoolVar(&wait, "wait", false, "show progress until the workload is deleted")
	return c
}

// watch prints each new event of a workload until it reaches want or a
// terminal state (an error then, with the reason).
func (g *globals) watch(ctx context.Context, cl *client.Client, id, want string) error {
	lang := g.language()
	seen := 0
	timeout := g.timeout
	if timeout <= 0 {
		timeout = 30 * time.Minute
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	state := ""
	for {
		var w struct {
			State  string `json:"state"`
			Reason string `json:"reason"`
			Events []struct {
				At     time.Time `json:"at"`
				From   string    `json:"from"`
				To     string    `json:"to"`
				Reason string    `json:"reason"`
			} `json:"events"`
		}
		if _, err := cl.Do(ctx, "GET", "/v1/workloads/"+id, nil, &w); err != nil {
			if ctx.Err() != nil && parent.Err() == nil {
				return timeoutErr(errors.New(i18n.T(lang, "cli.wait.gave_up", timeout, id, orDash(state), want)))
			}
			return err
		}
		state = w.State
		for _, e := range w.Events[min(seen, len(w.Events)):] {
			at := e.At.Local().Format("15:04:05.000")
			if e.To != "" {
				fmt.Fprintln(g.stdout, i18n.T(lang, "cli.workload.progress", at, orDash(e.From), e.To, e.Reason))
			} else {
				fmt.Fprintln(g.stdout, i18n.T(lang, "cli.workload.note", at, e.Reason))
			}
		}
		seen = len(w.Events)
		switch w.State {
		case want:
			return nil
		case "failed", "rejected", "deleted":
			return errors.New(i18n.T(lang, "cli.workload.ended", id, w.State, w.Reason))
		case "pending_approval":
			// Waiting would not help: a person must approve it. Say so and
			// stop, instead of hanging until the timeout.
			if want == "running" {
				return timeoutErr(errors.New(i18n.T(lang, "cli.wait.pending", id, w.Reason, id)))
			}
		}
		select {
		case <-ctx.Done():
			if parent.Err() == nil {
				return timeoutErr(errors.New(i18n.T(lang, "cli.wait.gave_up", timeout, id, orDash(state), want)))
			}
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
