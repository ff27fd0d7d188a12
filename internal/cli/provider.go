package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/catalog"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider/openstack"
	"github.com/soberana/soberana/internal/server"
)

func init() { extraCommands = append(extraCommands, providerCmd) }

func providerCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "provider", Short: "Register and configure cloud providers (operator commands)"}
	c.AddCommand(providerAddCmd(g))
	for _, f := range providerSubcommands {
		c.AddCommand(f(g))
	}
	return c
}

// providerSubcommands lets other files add `provider` subcommands (evacuate).
var providerSubcommands []func(g *globals) *cobra.Command

// providerFlags describe the provider that provider add and
// add-kubernetes register.
type providerFlags struct {
	name, jurisdiction, certification, currency string
}

func (pf *providerFlags) add(fl *pflag.FlagSet, nameHelp string) {
	fl.StringVar(&pf.name, "name", "", nameHelp)
	fl.StringVar(&pf.jurisdiction, "jurisdiction", "", "ISO 3166-1 country where the provider's parent company is incorporated")
	fl.StringVar(&pf.certification, "certification", model.ClassInternal, "highest data classification it may host")
	fl.StringVar(&pf.currency, "currency", "", "ISO 4217 currency of its price list")
}

// provider is the provider of the flags, of driver.
func (pf *providerFlags) provider(driver string) model.Provider {
	return model.Provider{Name: pf.name, Driver: driver, Jurisdiction: strings.ToUpper(pf.jurisdiction),
		Certification: pf.certification, Currency: strings.ToUpper(pf.currency)}
}

// azFlag is one --az NAME=key:value,… mapping of an availability zone to a site.
type azFlag struct {
	az   string
	site model.Site
}

func parseAZ(s string) (azFlag, error) {
	name, rest, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return azFlag{}, msgErr("cli.provider.az_flag", s)
	}
	f := azFlag{az: name, site: model.Site{Name: name, FailureDomain: name}}
	for _, kv := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(kv, ":")
		if !ok {
			return azFlag{}, msgErr("cli.provider.az_not_kv", name, kv)
		}
		var err error
		switch k {
		case "country":
			f.site.Country = strings.ToUpper(v)
		case "subdivision":
			f.site.Subdivision = strings.ToUpper(v)
		case "city":
			f.site.City = v
		case "lat":
			f.site.Latitude, err = strconv.ParseFloat(v, 64)
		case "lon":
			f.site.Longitude, err = strconv.ParseFloat(v, 64)
		case "tier":
			f.site.Tier = v
		case "failure-domain":
			f.site.FailureDomain = v
		case "name":
			f.site.Name = v
		case "certification":
			f.site.Certification = v
		default:
			return azFlag{}, msgErr("cli.provider.az_unknown_key", name, k)
		}
		if err != nil {
			return azFlag{}, fmt.Errorf("--az %s: %s: %w", name, k, err)
		}
	}
	return f, nil
}

func providerAddCmd(g *globals) *cobra.Command {
	var (
		driver, cloudsFile, cloud, network, floatingNet string
		pf                                              providerFlags
		azs, images                                     []string
		discover, shared                                bool
	)
	c := &cobra.Command{
		Use:   "add --driver openstack --clouds-yaml FILE --cloud NAME --name NAME --az AZ=country:MX,… [--az …]",
		Short: "Register an OpenStack provider from a clouds.yaml entry and map its availability zones to sites",
		Long: `provider add imports one cloud of a standard clouds.yaml (auth URL,
region, application credential or user/password, CA bundle), creates the
provider and one site per --az, and stores the driver's config. It writes
to the database directly (like migrate), recording an audit event of the
operator (your login) in the same transaction: run it where the server's
config is, with the same --config / --database-url / --data-dir. With --discover
it connects to the cloud first and fills each site's capacity and
overcommit from Placement, and lists the offerings' flavors.`,
		Args: cobra.NoArgs,
	}
	sf := addServerFlags(c, true)
	fl := c.Flags()
	fl.StringVar(&driver, "driver", "openstack", "driver (openstack)")
	fl.StringVar(&cloudsFile, "clouds-yaml", "", "clouds.yaml to import from")
	fl.StringVar(&cloud, "cloud", "", "cloud name in clouds.yaml")
	pf.add(fl, "provider name (default: the cloud name)")
	fl.StringArrayVar(&azs, "az", nil, "AZ=country:CC,subdivision:CC-XX,lat:N,lon:N,tier:core|edge,failure-domain:ID[,name:N] (repeat)")
	fl.StringArrayVar(&images, "image", nil, "OFFERING=IMAGE (id or name; OFFERING * for the default) (repeat)")
	fl.StringVar(&network, "network", "", "network id to attach servers to (default: none)")
	fl.StringVar(&floatingNet, "floating-network", "", "external network (id or name) to give each replica a floating IP from (default: none)")
	fl.BoolVar(&shared, "shared-project", false, "put every server in the credential's project (no Keystone project per soberana project)")
	fl.BoolVar(&discover, "discover", true, "connect to the cloud and fill capacity from Placement")
	c.RunE = func(cmd *cobra.Command, _ []string) error {
		if driver != model.DriverOpenStack {
			return msgErr("cli.provider.driver", driver)
		}
		if cloudsFile == "" || cloud == "" || len(azs) == 0 {
			return msgErr("cli.provider.required")
		}
		data, err := os.ReadFile(cloudsFile)
		if err != nil {
			return err
		}
		cl, err := openstack.ParseCloudsYAML(data, cloud, filepath.Dir(cloudsFile))
		if err != nil {
			return err
		}
		if pf.name == "" {
			pf.name = cloud
		}
		cfg := openstack.Config{Clouds: []openstack.Cloud{cl}, Network: network, FloatingNetwork: floatingNet, SharedProject: shared, Images: map[string]string{}}
		for _, im := range images {
			o, ref, ok := strings.Cut(im, "=")
			if !ok {
				return msgErr("cli.provider.image_flag", im)
			}
			cfg.Images[o] = ref
		}
		var maps []azFlag
		for _, a := range azs {
			m, err := parseAZ(a)
			if err != nil {
				return err
			}
			maps = append(maps, m)
		}
		srv, _, err := sf.open(cmd.Context(), g)
		if err != nil {
			return err
		}
		defer srv.Close()
		return addOpenStackProvider(cmd.Context(), g, srv, pf.provider(driver), cfg, maps, discover)
	}
	return c
}

// addOpenStackProvider discovers the cloud when asked, then has the
// catalog service create the provider, its sites and the driver config in
// one audited transaction.
func addOpenStackProvider(ctx context.Context, g *globals, srv *server.Server, p model.Provider, cfg openstack.Config, maps []azFlag, discover bool) error {
	sites := make([]model.Site, len(maps))
	for i, m := range maps {
		sites[i] = m.site
		sites[i].ProviderID = "pending"
		sites[i].Defaults()
		if err := sites[i].Validate(); err != nil {
			return fmt.Errorf("site of AZ %s: %w", m.az, err)
		}
	}
	for i, m := range maps {
		cfg.Sites = append(cfg.Sites, openstack.SiteMap{SiteID: fmt.Sprintf("pending-%d", i), Cloud: cfg.Clouds[0].Name, AZ: m.az})
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	var dis openstack.Discovery
	if discover {
		// discover under temporary ids, before anything is written
		d := openstack.New(openstack.MemConfigs{"pending": cfg}, openstack.StoreLookup{St: srv.Store})
		d.Lang = providerLang(g)
		dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		var err error
		dis, err = d.DiscoverDetail(dctx, "pending")
		cancel()
		if err != nil {
			return err
		}
		for _, r := range dis.Sites {
			var i int
			if _, err := fmt.Sscanf(r.SiteID, "pending-%d", &i); err != nil {
				continue
			}
			sites[i].Health = r.Health
			sites[i].Capacity = model.Capacity{VCPUs: r.Raw.VCPUs, MemoryMiB: r.Raw.MemoryMiB, DiskGiB: r.Raw.DiskGiB}
			sites[i].Overcommit = model.Overcommit{VCPU: ratio(r.Ratios.VCPU), Memory: ratio(r.Ratios.Memory), Disk: ratio(r.Ratios.Disk)}
		}
	}
	cfgs := openstack.StoreConfigs{St: srv.Store, Box: func() openstack.Box {
		if b := srv.Secrets(); b != nil {
			return b
		}
		return nil
	}}
	added, err := catalog.New(srv.Store).AddProvider(ctx, audit.Operator(operatorName(g), "", "", ""), p, sites, openstack.NewProvider(cfgs, cfg))
	if err != nil {
		return err
	}
	p, sites, sealed := added.Provider, added.Sites, added.Sealed
	l := providerLang(g)
	if g.output == "json" {
		return json.NewEncoder(g.stdout).Encode(map[string]any{"provider": p, "sites": sites, "discovery": dis, "sealed": sealed})
	}
	fmt.Fprintln(g.stdout, i18n.T(l, "cli.provider.added", p.Name, p.ID, len(sites)))
	if sealed {
		fmt.Fprintln(g.stdout, i18n.T(l, "cli.provider.sealed"))
	} else {
		fmt.Fprintln(g.stdout, i18n.T(l, "cli.provider.clear"))
	}
	for i, s := range sites {
		fmt.Fprintln(g.stdout, i18n.T(l, "cli.provider.site", s.ID, maps[i].az, cfg.Clouds[0].Name, s.Health,
			s.Capacity.VCPUs, s.Capacity.MemoryMiB, s.Capacity.DiskGiB, s.Name))
	}
	sort.Slice(dis.Flavors, func(i, j int) bool { return dis.Flavors[i].Offering < dis.Flavors[j].Offering })
	for _, f := range dis.Flavors {
		fmt.Fprintln(g.stdout, i18n.T(l, "cli.provider.flavor", f.Offering, f.FlavorName, f.MatchedBy))
	}
	for _, m := range dis.Missing {
		fmt.Fprintln(g.stdout, "  "+i18n.T(l, "openstack.flavor.missing", m.Offering, m.Cloud))
	}
	for _, z := range dis.UnmappedAZs {
		fmt.Fprintln(g.stdout, i18n.T(l, "cli.provider.unmapped", z))
	}
	return nil
}

// ratio renders an allocation ratio as the decimal string a site keeps.
func ratio(r float64) string {
	if r <= 0 {
		return ""
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// providerLang is the language of the provider commands' output.
func providerLang(g *globals) i18n.Lang {
	l := g.lang
	if l == "" {
		l = g.getenv("LANG")
	}
	return i18n.Parse(strings.SplitN(l, ".", 2)[0])
}

// operatorName is the login of the person running an operator command
// where the database is (SOBERANA_OPERATOR, else USER): the services those
// commands call record their audit events under it.
func operatorName(g *globals) string {
	if who := g.getenv("SOBERANA_OPERATOR"); who != "" {
		return who
	}
	return g.getenv("USER")
}
