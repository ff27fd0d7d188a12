package cli

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
)

func init() {
	extraCommands = append(extraCommands, institutionCmd)

}

func institutionCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "institution", Short: "An institution's settings: its data policy"}
	c.AddCommand(policyCmd(g))
	return c
}

// policyCmd shows or changes an institution's data policy: the default
// sovereignty mode, the countries its data may live in and the minimum
// mode per classification. Requests inherit the policy and may only
// narrow it.
func policyCmd(g *globals) *cobra.Command {
	var (
		sov                      string
		jurisdictions, countries []string
		mins                     []string
	)
	c := &cobra.Command{
		Use:   "policy ID [--sovereignty national|regional|any] [--jurisdiction J]… [--country C]… [--min CLASS=MODE]…",
		Short: "Show or change an institution's data policy (platform operators change it)",
		Long: `Every workload request of the institution inherits its data policy: the
default sovereignty mode (national unless set), the countries the data may
live in (the institution's own country unless set) and, per data
classification, the minimum mode. A request may narrow the policy, never
widen it. Without flags the command shows the policy; with flags it
changes the parts named (--jurisdiction and --country replace their list).`,
		Example: `  soberana institution policy ins_…
  soberana institution policy ins_… --sovereignty any --min confidential=national --min restricted=national
  soberana institution policy ins_… --sovereignty regional --jurisdiction BR --jurisdiction AR --country BR --country AR`,
		Args: cobra.ExactArgs(1),
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, args []string) error {
			path := "/v1/institutions/" + url.PathEscape(args[0])
			var ins map[string]any
			hdr, err := cl.Do(cmd.Context(), "GET", path, nil, &ins)
			if err != nil {
				return err
			}
			pol, _ := ins["data_policy"].(map[string]any)
			if pol == nil {
				pol = map[string]any{}
			}
			f := cmd.Flags()
			changed := false
			if f.Changed("sovereignty") {
				pol["sovereignty"], changed = sov, true
			}
			if f.Changed("jurisdiction") {
				pol["jurisdictions"], changed = jurisdictions, true
			}
			if f.Changed("country") {
				pol["countries"], changed = countries, true
			}
			if len(mins) > 0 {
				m, _ := pol["min_sovereignty"].(map[string]any)
				if m == nil {
					m = map[string]any{}
				}
				for _, kv := range mins {
					k, v, ok := strings.Cut(kv, "=")
					if !ok {
						return msgErr("cli.policy.min_flag", kv)
					}
					m[strings.TrimSpace(k)] = strings.TrimSpace(v)
				}
				pol["min_sovereignty"], changed = m, true
			}
			if changed {
				var h []string
				if etag := hdr.Get("ETag"); etag != "" {
					h = []string{"If-Match", etag}
				} else if v, ok := ins["version"].(float64); ok {
					h = []string{"If-Match", strconv.Quote(strconv.FormatInt(int64(v), 10))}
				}
				if _, err := cl.Do(cmd.Context(), "PATCH", path, map[string]any{"data_policy": pol}, &ins, h...); err != nil {
					return err
				}
				pol, _ = ins["data_policy"].(map[string]any)
			}
			row := map[string]any{"id": ins["id"], "name": ins["name"], "country": ins["country"]}
			for k, v := range pol {
				row[k] = v
			}
			return g.print([]string{"id", "name", "country", "sovereignty", "jurisdictions", "countries", "min_sovereignty"},
				[]map[string]any{row}, ins)
		}),
	}
	f := c.Flags()
	f.StringVar(&sov, "sovereignty", "", "default (and loosest) mode: national, regional or any")
	f.StringSliceVar(&jurisdictions, "jurisdiction", nil, "provider jurisdiction allowed where the policy is regional (repeatable)")
	f.StringSliceVar(&countries, "country", nil, "country the data may live in, ISO 3166-1 (repeatable)")
	f.StringSliceVar(&mins, "min", nil, "minimum mode of a classification, CLASS=MODE (repeatable)")
	return c
}
