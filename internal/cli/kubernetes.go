package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/catalog"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	kube "github.com/soberana/soberana/internal/provider/kubernetes"
	"github.com/soberana/soberana/internal/server"
)

func init() {
	providerSubcommands = append(providerSubcommands, providerAddKubernetesCmd)

}

func providerAddKubernetesCmd(g *globals) *cobra.Command {
	var (
		pf                providerFlags
		userPrefix        string
		clusters, sitesFl []string
		discover          bool
	)
	c := &cobra.Command{
		Use:   "add-kubernetes --name NAME --cluster NAME=KUBECONFIG … --site CLUSTER[/ZONE]=country:MX,… …",
		Short: "Register a Kubernetes provider: its clusters' kubeconfigs, and each cluster or zone as a site",
		Long: `provider add-kubernetes stores the kubeconfig of each cluster (the driver's
config, sealed with the secrets key when one is configured, else in clear
text), creates the provider and one site per --site (a cluster, or a zone of
one: nodes labelled topology.kubernetes.io/zone=ZONE). Like provider add it
writes to the database directly, with an audit event of the operator: run it with the server's --config /
--database-url / --data-dir. With --discover it first reads each site's free
capacity (node allocatable minus pod requests).`,
		Example: `  soberana provider add-kubernetes --name "Nube QRO" --jurisdiction MX --currency MXN \
    --cluster qro=~/.kube/qro.yaml --site qro/qro-1a=country:MX,subdivision:MX-QUE,tier:core,failure-domain:qro-1a \
    --site qro/qro-1b=country:MX,subdivision:MX-QUE,tier:core,failure-domain:qro-1b`,
		Args: cobra.NoArgs,
	}
	sf := addServerFlags(c, true)
	fl := c.Flags()
	pf.add(fl, "provider name")
	fl.StringArrayVar(&clusters, "cluster", nil, "NAME=KUBECONFIG_FILE (repeat)")
	fl.StringArrayVar(&sitesFl, "site", nil, "CLUSTER[/ZONE]=country:CC,subdivision:CC-XX,lat:N,lon:N,tier:core|edge,failure-domain:ID[,name:N] (repeat)")
	fl.StringVar(&userPrefix, "user-prefix", "", `prefix of soberana users in RoleBindings (default "soberana:")`)
	fl.BoolVar(&discover, "discover", true, "connect to the clusters and fill each site's capacity")
	c.RunE = func(cmd *cobra.Command, _ []string) error {
		if pf.name == "" || len(clusters) == 0 || len(sitesFl) == 0 {
			return msgErr("cli.kubernetes.required")
		}
		cfg := kube.Config{UserPrefix: userPrefix}
		for _, cl := range clusters {
			n, file, ok := strings.Cut(cl, "=")
			if !ok || n == "" {
				return msgErr("cli.kubernetes.cluster_flag", cl)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			cfg.Clusters = append(cfg.Clusters, kube.Cluster{Name: n, Kubeconfig: string(b)})
		}
		var sites []model.Site
		for i, s := range sitesFl {
			m, err := parseAZ(s)
			if err != nil {
				return err
			}
			cluster, zone, _ := strings.Cut(m.az, "/")
			cfg.Sites = append(cfg.Sites, kube.SiteMap{SiteID: fmt.Sprintf("pending-%d", i), Cluster: cluster, Zone: zone})
			m.site.Health = model.HealthHealthy
			sites = append(sites, m.site)
		}
		if err := cfg.Validate(); err != nil {
			return err
		}
		srv, _, err := sf.open(cmd.Context(), g)
		if err != nil {
			return err
		}
		defer srv.Close()
		return addKubernetesProvider(cmd.Context(), g, srv, pf.provider(model.DriverKubernetes), cfg, sites, discover)
	}
	return c
}

// addKubernetesProvider reads the clusters' capacity when asked, then has
// the catalog service create the provider, its sites and the driver config
// in one audited transaction.
func addKubernetesProvider(ctx context.Context, g *globals, srv *server.Server, p model.Provider, cfg kube.Config, sites []model.Site, discover bool) error {
	if discover {
		d := kube.New(kube.MemConfigs{"pending": cfg}, kube.StoreLookup{St: srv.Store})
		dctx, cancel := context.WithTimeout(ctx, time.Minute)
		found, err := d.Discover(dctx, "pending")
		cancel()
		if err != nil {
			return err
		}
		for i, r := range found {
			sites[i].Health, sites[i].Capacity = r.Health, r.Capacity
		}
	}
	added, err := catalog.New(srv.Store).AddProvider(ctx, audit.Operator(operatorName(g), "", "", ""), p, sites,
		kube.NewProvider(srv.KubernetesConfigs(), cfg))
	if err != nil {
		return err
	}
	p, sites = added.Provider, added.Sites
	l := providerLang(g)
	if g.output == "json" {
		return json.NewEncoder(g.stdout).Encode(map[string]any{"provider": p, "sites": sites})
	}
	fmt.Fprintln(g.stdout, i18n.T(l, "cli.provider.added", p.Name, p.ID, len(sites)))
	for i, s := range sites {
		where := cfg.Sites[i].Cluster
		if z := cfg.Sites[i].Zone; z != "" {
			where += "/" + z
		}
		fmt.Fprintln(g.stdout, i18n.T(l, "cli.kubernetes.site", s.ID, where, s.Health, s.Capacity.VCPUs, s.Capacity.MemoryMiB, s.Capacity.DiskGiB, s.Name))
	}
	return nil
}
