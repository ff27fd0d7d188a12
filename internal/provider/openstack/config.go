package openstack

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/soberana/soberana/internal/provider"
)

// Config is the driver's configuration of one provider.
type Config struct {
	// Clouds are the provider's OpenStack clouds (one per region usually).
	Clouds []Cloud `json:"clouds"`
	// Sites maps availability zones to soberana sites; an AZ that no entry
	// names is not used.
	Sites []SiteMap `json:"sites"`
	// Images names the image (id or name) to boot per offering name; the
	// key "*" is the default for offerings without their own.
	Images map[string]string `json:"images,omitempty"`
	// ImageFamilies maps an operating system family (ubuntu-24.04) to an
	// image by id or name, for images Glance does not tag with the
	// standard os_distro and os_version properties (which are discovered
	// without configuration); an entry wins over a discovered image.
	ImageFamilies map[string]string `json:"image_families,omitempty"`
	// Network is the id of the network servers are attached to; empty
	// boots them without a network (Nova microversion 2.37 "none").
	Network string `json:"network,omitempty"`
	// FloatingNetwork is the external network (id or name) to give every
	// replica a floating IP from, through Neutron, once its server is
	// ACTIVE; empty: no floating IPs (servers keep the addresses Nova
	// gives them). A server with no port (Network empty) gets none.
	FloatingNetwork string `json:"floating_network,omitempty"`
	// DomainPrefix prefixes the Keystone domain made per institution
	// (default "soberana-").
	DomainPrefix string `json:"domain_prefix,omitempty"`
	// SharedProject puts every server in the credential's own project
	// instead of a Keystone project per soberana project. It is forced when
	// the cloud is reached with an application credential, which cannot be
	// scoped to another project.
	SharedProject bool `json:"shared_project,omitempty"`
	// VendorRole is the Keystone role a vendor grant becomes (default member).
	VendorRole string `json:"vendor_role,omitempty"`
}

// Cloud is how to reach one OpenStack cloud.
type Cloud struct {
	// Name is the cloud's name in clouds.yaml (and in SiteMap.Cloud).
	Name      string `json:"name"`
	AuthURL   string `json:"auth_url"`
	Region    string `json:"region,omitempty"`
	Interface string `json:"interface,omitempty"`
	// Application credential (preferred), or user and password.
	ApplicationCredentialID     string `json:"application_credential_id,omitempty"`
	ApplicationCredentialSecret string `json:"application_credential_secret,omitempty"`
	Username                    string `json:"username,omitempty"`
	Password                    string `json:"password,omitempty"`
	UserDomainName              string `json:"user_domain_name,omitempty"`
	UserDomainID                string `json:"user_domain_id,omitempty"`
	ProjectName                 string `json:"project_name,omitempty"`
	ProjectDomainName           string `json:"project_domain_name,omitempty"`
	ProjectDomainID             string `json:"project_domain_id,omitempty"`
	// CACert is a PEM bundle to trust for the cloud's TLS endpoints.
	CACert   string `json:"ca_cert,omitempty"`
	Insecure bool   `json:"insecure,omitempty"`
}

// SiteMap ties one availability zone of one cloud to a soberana site.
type SiteMap struct {
	SiteID string `json:"site_id"`
	Cloud  string `json:"cloud"`
	AZ     string `json:"az"`
}

// AppCredential reports whether the cloud is reached with an application credential.
func (c Cloud) AppCredential() bool { return c.ApplicationCredentialID != "" }

// ErrInvalidConfig is wrapped by every configuration error.
var ErrInvalidConfig = errors.New("openstack: invalid config")

// Validate checks the config and fills defaults.
func (c *Config) Validate() error {
	var errs []error
	bad := func(f string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+f, append([]any{ErrInvalidConfig}, a...)...))
	}
	if len(c.Clouds) == 0 {
		bad("no clouds")
	}
	names := map[string]bool{}
	for i := range c.Clouds {
		cl := &c.Clouds[i]
		if cl.Name == "" {
			bad("cloud %d has no name", i)
		}
		if names[cl.Name] {
			bad("cloud %q twice", cl.Name)
		}
		names[cl.Name] = true
		if u, err := url.Parse(cl.AuthURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("cloud %q: auth_url %q is not an http(s) URL", cl.Name, cl.AuthURL)
		}
		switch {
		case cl.ApplicationCredentialID != "":
			if cl.ApplicationCredentialSecret == "" {
				bad("cloud %q: application credential without secret", cl.Name)
			}
		case cl.Username != "":
			if cl.Password == "" {
				bad("cloud %q: user %q without password", cl.Name, cl.Username)
			}
			if cl.UserDomainName == "" && cl.UserDomainID == "" {
				cl.UserDomainID = "default"
			}
			if cl.ProjectDomainName == "" && cl.ProjectDomainID == "" {
				cl.ProjectDomainName, cl.ProjectDomainID = cl.UserDomainName, cl.UserDomainID
			}
		default:
			bad("cloud %q: neither an application credential nor a user and password", cl.Name)
		}
		if cl.Interface == "" {
			cl.Interface = "public"
		}
	}
	seen := map[string]bool{}
	for _, s := range c.Sites {
		if s.SiteID == "" || s.AZ == "" {
			bad("site map %+v needs site_id and az", s)
		}
		if !names[s.Cloud] {
			bad("site %s names unknown cloud %q", s.SiteID, s.Cloud)
		}
		if seen[s.SiteID] {
			bad("site %s mapped twice", s.SiteID)
		}
		seen[s.SiteID] = true
	}
	if c.DomainPrefix == "" {
		c.DomainPrefix = "soberana-"
	}
	if c.VendorRole == "" {
		c.VendorRole = "member"
	}
	return errors.Join(errs...)
}

// cloud returns the named cloud.
func (c *Config) cloud(name string) (Cloud, bool) {
	return provider.Lookup(c.Clouds, func(cl Cloud) bool { return cl.Name == name })
}

// site returns the site map of a soberana site.
func (c *Config) site(id string) (SiteMap, bool) {
	return provider.Lookup(c.Sites, func(s SiteMap) bool { return s.SiteID == id })
}

// image returns the image for an offering.
func (c *Config) image(offering string) string {
	if im, ok := c.Images[offering]; ok {
		return im
	}
	return c.Images["*"]
}

// cloudsFile is the part of clouds.yaml soberana reads.
type cloudsFile struct {
	Clouds map[string]struct {
		AuthType string `yaml:"auth_type"`
		Auth     struct {
			AuthURL                     string `yaml:"auth_url"`
			Username                    string `yaml:"username"`
			Password                    string `yaml:"password"`
			UserDomainName              string `yaml:"user_domain_name"`
			UserDomainID                string `yaml:"user_domain_id"`
			ProjectName                 string `yaml:"project_name"`
			ProjectDomainName           string `yaml:"project_domain_name"`
			ProjectDomainID             string `yaml:"project_domain_id"`
			ApplicationCredentialID     string `yaml:"application_credential_id"`
			ApplicationCredentialSecret string `yaml:"application_credential_secret"`
		} `yaml:"auth"`
		RegionName string `yaml:"region_name"`
		Interface  string `yaml:"interface"`
		CACert     string `yaml:"cacert"`
		Verify     *bool  `yaml:"verify"`
	} `yaml:"clouds"`
}

// ParseCloudsYAML reads cloud name from a clouds.yaml document. A relative
// cacert path is read relative to dir.
func ParseCloudsYAML(data []byte, name, dir string) (Cloud, error) {
	var f cloudsFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return Cloud{}, fmt.Errorf("%w: clouds.yaml: %w", ErrInvalidConfig, err)
	}
	e, ok := f.Clouds[name]
	if !ok {
		have := make([]string, 0, len(f.Clouds))
		for k := range f.Clouds {
			have = append(have, k)
		}
		return Cloud{}, fmt.Errorf("%w: clouds.yaml has no cloud %q (has %s)", ErrInvalidConfig, name, strings.Join(have, ", "))
	}
	switch e.AuthType {
	case "", "password", "v3password", "v3applicationcredential":
	default:
		return Cloud{}, fmt.Errorf("%w: cloud %q: auth_type %q is not supported (password or v3applicationcredential)", ErrInvalidConfig, name, e.AuthType)
	}
	a := e.Auth
	c := Cloud{Name: name, AuthURL: a.AuthURL, Region: e.RegionName, Interface: e.Interface,
		ApplicationCredentialID: a.ApplicationCredentialID, ApplicationCredentialSecret: a.ApplicationCredentialSecret,
		Username: a.Username, Password: a.Password, UserDomainName: a.UserDomainName, UserDomainID: a.UserDomainID,
		ProjectName: a.ProjectName, ProjectDomainName: a.ProjectDomainName, ProjectDomainID: a.ProjectDomainID}
	if e.Verify != nil && !*e.Verify {
		c.Insecure = true
	}
	if e.CACert != "" {
		p := e.CACert
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		pem, err := os.ReadFile(p)
		if err != nil {
			return Cloud{}, fmt.Errorf("%w: cloud %q: cacert: %w", ErrInvalidConfig, name, err)
		}
		c.CACert = string(pem)
	}
	return c, nil
}
