package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// Config is the driver's configuration of one provider.
type Config struct {
	// Clusters are the provider's clusters.
	Clusters []Cluster `json:"clusters"`
	// Sites maps clusters (or zones of clusters) to soberana sites.
	Sites []SiteMap `json:"sites"`
	// Roles maps a grant role (developer, viewer) to the ClusterRole its
	// RoleBinding refers to (default developer→edit, viewer→view).
	Roles map[string]string `json:"roles,omitempty"`
	// UserPrefix prefixes the Kubernetes user name of a soberana user in
	// RoleBindings (default "soberana:"). The cluster's authenticator
	// (OIDC with soberana as issuer, or a token webhook) must name users
	// the same way.
	UserPrefix string `json:"user_prefix,omitempty"`
	// IngressDomain, when set, gives every app an Ingress whose host is
	// APP.NAMESPACE.IngressDomain (a wildcard DNS record of the domain
	// points at the clusters' ingress controllers); the app's URL is then
	// https://that-host. Without it an app gets only its Service, and its
	// URL is the Service's in-cluster name.
	IngressDomain string `json:"ingress_domain,omitempty"`
	// IngressClass is the ingressClassName of those Ingresses (empty: the
	// cluster's default class).
	IngressClass string `json:"ingress_class,omitempty"`
}

// Cluster is how to reach one cluster.
type Cluster struct {
	Name string `json:"name"`
	// Kubeconfig is the kubeconfig file's content (YAML); its current
	// context is used unless Context is set.
	Kubeconfig string `json:"kubeconfig"`
	Context    string `json:"context,omitempty"`
}

// SiteMap ties a cluster, or one zone of it, to a site.
type SiteMap struct {
	SiteID  string `json:"site_id"`
	Cluster string `json:"cluster"`
	// Zone, when set, is the value of the nodes' topology.kubernetes.io/zone
	// label that make up the site (capacity is counted on them only).
	Zone string `json:"zone,omitempty"`
	// IngressDomain overrides the provider's ingress domain for this site.
	IngressDomain string `json:"ingress_domain,omitempty"`
}

// ErrInvalidConfig is wrapped by every configuration error.
var ErrInvalidConfig = errors.New("kubernetes: invalid config")

// ErrNoConfig: the provider has no stored config.
var ErrNoConfig = errors.New("kubernetes: provider has no config")

var dnsName = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)

func siteDomains(ss []SiteMap) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, s.IngressDomain)
	}
	return out
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// Validate checks the config and fills defaults.
func (c *Config) Validate() error {
	var errs []error
	bad := func(f string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+f, append([]any{ErrInvalidConfig}, a...)...))
	}
	if len(c.Clusters) == 0 {
		bad("no clusters")
	}
	names := map[string]bool{}
	for i, cl := range c.Clusters {
		if cl.Name == "" {
			bad("cluster %d has no name", i)
		}
		if names[cl.Name] {
			bad("cluster %q twice", cl.Name)
		}
		names[cl.Name] = true
		if cl.Kubeconfig == "" {
			bad("cluster %q has no kubeconfig", cl.Name)
			continue
		}
		if _, err := clientcmd.Load([]byte(cl.Kubeconfig)); err != nil {
			bad("cluster %q: kubeconfig: %v", cl.Name, err)
		}
	}
	seen := map[string]bool{}
	for _, s := range c.Sites {
		if s.SiteID == "" {
			bad("a site map has no site_id")
		}
		if !names[s.Cluster] {
			bad("site %q names unknown cluster %q", s.SiteID, s.Cluster)
		}
		if seen[s.SiteID] {
			bad("site %q mapped twice", s.SiteID)
		}
		seen[s.SiteID] = true
	}
	for _, d := range append([]string{c.IngressDomain}, siteDomains(c.Sites)...) {
		if d != "" && !dnsName.MatchString(d) {
			bad("ingress domain %q is not a DNS name", d)
		}
	}
	if c.Roles == nil {
		c.Roles = map[string]string{}
	}
	for role, def := range map[string]string{"developer": "edit", "viewer": "view"} {
		if c.Roles[role] == "" {
			c.Roles[role] = def
		}
	}
	if c.UserPrefix == "" {
		c.UserPrefix = "soberana:"
	}
	return errors.Join(errs...)
}

func (c *Config) site(id string) (SiteMap, bool) {
	return provider.Lookup(c.Sites, func(s SiteMap) bool { return s.SiteID == id })
}

func (c *Config) cluster(name string) (Cluster, bool) {
	return provider.Lookup(c.Clusters, func(cl Cluster) bool { return cl.Name == name })
}

// Configs gives the driver the config of a provider.
type Configs interface {
	Config(ctx context.Context, providerID string) (Config, error)
}

// Box keeps secrets encrypted at rest (internal/secrets.Box): the
// provider's config holds kubeconfigs, which are credentials.
type Box = provider.SecretBox

// configs is where the configs are kept (provider.DriverConfigs).
var configs = provider.DriverConfigs{Driver: "kubernetes", NoKey: ErrNoSecretsKey, Invalid: ErrInvalidConfig}

// ErrNoSecretsKey: the config is sealed but no secrets key is configured.
var ErrNoSecretsKey = fmt.Errorf("%w: kubernetes: the provider's config is encrypted and no secrets key is configured (SOBERANA_SECRETS_KEY_FILE)", provider.ErrMisconfigured)

// StoreConfigs reads provider configs from the store. With a Box (a
// secrets key configured) the config is sealed in the secrets table and
// the settings row only says so; without one it is kept in clear text in
// the settings row (development and tests), and the server logs that.
type StoreConfigs struct {
	St *store.Store
	// Box returns the secrets box, or nil when no secrets key is
	// configured (it may be wired after the driver is made).
	Box func() Box
}

func (s StoreConfigs) box() Box {
	if s.Box == nil {
		return nil
	}
	return s.Box()
}

// Config reads a provider's config.
func (s StoreConfigs) Config(ctx context.Context, providerID string) (Config, error) {
	var c Config
	ok, err := configs.Read(ctx, s.St.Read(), providerID, func() (Box, error) { return s.box(), nil }, &c)
	if err != nil {
		return Config{}, err
	}
	if !ok {
		return Config{}, fmt.Errorf("%w: %s", ErrNoConfig, providerID)
	}
	return c, nil
}

// Save validates and stores a provider's config in a transaction, sealed
// when there is a Box; it reports whether it sealed it.
func (s StoreConfigs) Save(ctx context.Context, tx *store.Tx, providerID string, c Config) (sealed bool, err error) {
	if err := c.Validate(); err != nil {
		return false, err
	}
	return configs.Write(ctx, tx, providerID, s.box(), c)
}

// SealClear seals a provider's config that an earlier start kept in clear
// text in its settings row (no secrets key then), when a key is now
// configured; it reports whether it did.
func (s StoreConfigs) SealClear(ctx context.Context, tx *store.Tx, providerID string) (bool, error) {
	return configs.SealClear(ctx, tx, providerID, s.box())
}

// MemConfigs holds configs in memory (tests, tools).
type MemConfigs map[string]Config

// Config returns the provider's config.
func (m MemConfigs) Config(_ context.Context, providerID string) (Config, error) {
	c, ok := m[providerID]
	if !ok {
		return Config{}, fmt.Errorf("%w: %s", ErrNoConfig, providerID)
	}
	return c, nil
}

// NewProvider is the config c of a provider being registered (catalog's
// DriverConfig), stored with cfgs once its sites have ids.
func NewProvider(cfgs StoreConfigs, c Config) provider.NewConfig[Config] {
	return provider.NewConfig[Config]{Config: c, Store: cfgs.Save}
}

// WithSiteIDs gives the site maps, in order, the new sites' ids.
func (c Config) WithSiteIDs(siteIDs []string) (Config, error) {
	var err error
	c.Sites, err = provider.WithSiteIDs("kubernetes", "site maps", c.Sites, siteIDs, func(s *SiteMap, id string) { s.SiteID = id })
	return c, err
}
