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
	var site string
	var restore bool
	outage := &cobra.Command{
		Use:   "outage --site ID [--restore]",
		Short: "Take a simulated site down (its replicas fail over) or bring it back",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if site == "" {
				return fmt.Errorf("--site is required")
			}
			if _, err := g.call(cmd.Context(), "PUT", "/v1/sim/sites/"+site+"/outage", map[string]bool{"outage": !restore}, nil); err != nil {
				return err
			}
			key := "cli.sim.outage"
			if restore {
				key = "cli.sim.restored"
			}
			fmt.Fprintln(g.stdout, i18n.T(g.language(), key, site))
			return nil
		},
	}
	outage.Flags().StringVar(&site, "site", "", "site id")
	outage.Flags().BoolVar(&restore, "restore", false, "end the outage")

	var prov, rate string
	var latency, delay int64
	faults := &cobra.Command{
		Use:   "faults --provider ID [--error-rate 0.2] [--latency-ms N] [--delay-ms N]",
		Short: "Set a simulated provider's API error rate, latency and provisioning delay",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if prov == "" {
				return fmt.Errorf("--provider is required")
			}
			cl, err := g.client()
			if err != nil {
				return err
			}
			body := map[string]any{"error_rate": rate, "latency_ms": latency, "provisioning_delay_ms": delay}
			if _, err := cl.Do(cmd.Context(), "PUT", "/v1/sim/providers/"+prov+"/faults", body, nil); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, i18n.T(g.language(), "cli.sim.faults", prov, rate, latency, delay))
			return nil
		},
	}
	faults.Flags().StringVar(&prov, "provider", "", "provider id")
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
