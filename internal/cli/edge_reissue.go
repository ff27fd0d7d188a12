package cli

import (
	"fmt"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/i18n"
)

// edgeReissueCmd is `soberana edge reissue-credential`: a lost or revoked
// subcloud credential is replaced without importing the subcloud again.
// The new key is written as a one-subcloud credentials file, the shape
// `soberana agent --credentials` reads.
func edgeReissueCmd(g *globals) *cobra.Command {
	var prov, out string
	c := &cobra.Command{
		Use:   "reissue-credential SUBCLOUD --provider NAME|ID [--credentials-out FILE]",
		Short: "Give a subcloud a new heartbeat credential (the old one is refused at once)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, pid, err := g.providerClient(cmd.Context(), prov)
			if err != nil {
				return err
			}
			sc, err := idOrNamed(cmd.Context(), cl, "sc_", "/v1/providers/"+pid+"/subclouds", args[0])
			if err != nil {
				return err
			}
			var res edge.ReissueResult
			if _, err := cl.Do(cmd.Context(), "POST", "/v1/providers/"+pid+"/subclouds/"+url.PathEscape(sc)+":reissue-credential", nil, &res); err != nil {
				return err
			}
			site := ""
			if len(res.Subcloud.SiteIDs) > 0 {
				site = res.Subcloud.SiteIDs[0]
			}
			if out == "" {
				out = res.Subcloud.Name + ".credentials.json"
			}
			if err := writeCredentials(out, []edge.Imported{{ID: res.Subcloud.ID, Name: res.Subcloud.Name, GroupID: res.Subcloud.GroupID,
				SiteID: site, PublicKey: res.Subcloud.PublicKey, PrivateKey: res.PrivateKey}}); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, i18n.T(g.language(), "cli.edge.reissued", res.Subcloud.Name, out))
			return nil
		},
	}
	edgeProviderFlags(c, &prov, &out, "where to write the new private key (default SUBCLOUD.credentials.json, mode 0600)")
	return c
}
