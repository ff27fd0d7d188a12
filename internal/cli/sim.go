package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"

	"github.com/soberana/soberana/internal/i18n"
)

func init() {
	extraCommands = append(extraCommands, simCmd)

}

func simCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "sim", Short: "Drive the SIMULATED providers: outages, faults, resources (sim providers only)"}
	c.AddCommand(simEdgeCmd(g))
	var restore bool
	outage := simPutCmd(g, "outage --site ID [--restore]", "Take a simulated site down (its replicas fail over) or bring it back",
		"site", "site id", "/v1/sim/sites/%s/outage",
		func() any { return map[string]bool{"outage": !restore} },
		func(site string) string {
			key := "cli.sim.outage"
			if restore {
				key = "cli.sim.restored"
			}
			return i18n.T(g.language(), key, site)
		})
	outage.Flags().BoolVar(&restore, "restore", false, "end the outage")

	var rate string
	var latency, delay int64
	faults := simPutCmd(g, "faults --provider ID [--error-rate 0.2] [--latency-ms N] [--delay-ms N]", "Set a simulated provider's API error rate, latency and provisioning delay",
		"provider", "provider id", "/v1/sim/providers/%s/faults",
		func() any {
			return map[string]any{"error_rate": rate, "latency_ms": latency, "provisioning_delay_ms": delay}
		},
		func(prov string) string { return i18n.T(g.language(), "cli.sim.faults", prov, rate, latency, delay) })
	faults.Flags().StringVar(&rate, "error-rate", "0", "share of API calls that fail, 0–1")
	faults.Flags().Int64Var(&latency, "latency-ms", 0, "extra latency per API call")
	faults.Flags().Int64Var(&delay, "delay-ms", 0, "provisioning delay of new resources")

	var rprov string
	resources := &cobra.Command{
		Use:   "resources [--provider ID]",
		Short: "List every simulated resource with the replica id it carries",
		Args:  cobra.NoArgs,
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, _ []string) error {
			path := "/v1/sim/resources"
			if rprov != "" {
				path += "?provider_id=" + rprov
			}
			var out struct {
				Items []map[string]any `json:"items"`
			}
			if _, err := cl.Do(cmd.Context(), "GET", path, nil, &out); err != nil {
				return err
			}
			return g.print([]string{"resource_id", "provider_id", "site_id", "replica_id", "workload_id", "state", "simulated"}, out.Items, out)
		}),
	}
	resources.Flags().StringVar(&rprov, "provider", "", "only this provider's")
	c.AddCommand(outage, faults, resources)
	return c
}

// simPutCmd is a sim command on the one simulated object that the
// required flag --flag names: it PUTs body() to path (with the object's
// id for %s), then prints done(id).
func simPutCmd(g *globals, use, short, flag, flagHelp, path string, body func() any, done func(id string) string) *cobra.Command {
	var id string
	c := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if id == "" {
				return msgErr("cli.flag_required", flag)
			}
			if _, err := g.call(cmd.Context(), "PUT", fmt.Sprintf(path, id), body(), nil); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, done(id))
			return nil
		}}
	c.Flags().StringVar(&id, flag, "", flagHelp)
	return c
}
