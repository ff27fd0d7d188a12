package openstack

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gos "github.com/gophercloud/gophercloud/v2/openstack"
)

// Microversions the driver speaks. Compute 2.60 gives networks "none"
// (2.37), hypervisor UUIDs equal to Placement resource provider UUIDs
// (2.53) and still the hypervisor statistics that 2.88 removed (the
// fallback when Placement is not reachable).
const (
	computeMicroversion   = "2.60"
	placementMicroversion = "1.28"
)

// conn holds the clients of one cloud.
type conn struct {
	cloud     Cloud
	pc        *gophercloud.ProviderClient
	compute   *gophercloud.ServiceClient // scoped to the credential's project
	placement *gophercloud.ServiceClient // nil: no Placement in the catalog
	identity  *gophercloud.ServiceClient
	volume    *gophercloud.ServiceClient // nil: no Cinder in the catalog
	image     *gophercloud.ServiceClient
	network   *gophercloud.ServiceClient // made on first use (floating IPs)
	extNets   map[string]string          // external network name or id → id
	eo        gophercloud.EndpointOpts
	httpc     http.Client

	mu     sync.Mutex
	authMu sync.Mutex
	snapMu sync.Mutex
	snap   snapshot
	// posting counts server creates in flight: while there are some, the
	// snapshot is not refreshed (up to SnapshotMaxAge), so that polling
	// does not compete with a burst of boots for the cloud's API.
	posting atomic.Int64
	scoped  map[string]*gophercloud.ServiceClient // compute clients by Keystone project id
}

func httpClient(c Cloud) (http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	if c.CACert != "" || c.Insecure {
		tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.Insecure} //nolint:gosec // operator's explicit choice (clouds.yaml verify: false)
		if c.CACert != "" {
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM([]byte(c.CACert)) {
				return http.Client{}, fmt.Errorf("%w: cloud %s: ca_cert holds no PEM certificate", ErrInvalidConfig, c.Name)
			}
			tc.RootCAs = pool
		}
		tr.TLSClientConfig = tc
	}
	return http.Client{Transport: tr, Timeout: 2 * time.Minute}, nil
}

func authOptions(c Cloud, scope *gophercloud.AuthScope) gophercloud.AuthOptions {
	if c.AppCredential() {
		return gophercloud.AuthOptions{IdentityEndpoint: c.AuthURL, AllowReauth: true,
			ApplicationCredentialID: c.ApplicationCredentialID, ApplicationCredentialSecret: c.ApplicationCredentialSecret}
	}
	o := gophercloud.AuthOptions{IdentityEndpoint: c.AuthURL, AllowReauth: true, Username: c.Username,
		Password: c.Password, DomainName: c.UserDomainName, DomainID: c.UserDomainID}
	if o.DomainName != "" {
		o.DomainID = ""
	}
	if scope != nil {
		o.Scope = scope
	} else if c.ProjectName != "" {
		o.Scope = &gophercloud.AuthScope{ProjectName: c.ProjectName, DomainName: c.ProjectDomainName, DomainID: c.ProjectDomainID}
		if o.Scope.DomainName != "" {
			o.Scope.DomainID = ""
		}
	}
	return o
}

func authenticate(ctx context.Context, c Cloud, hc http.Client, scope *gophercloud.AuthScope) (*gophercloud.ProviderClient, error) {
	pc, err := gos.NewClient(c.AuthURL)
	if err != nil {
		return nil, err
	}
	pc.HTTPClient = hc
	pc.UserAgent.Prepend("soberana")
	if err := gos.Authenticate(ctx, pc, authOptions(c, scope)); err != nil {
		return nil, err
	}
	return pc, nil
}

// dial authenticates to a cloud and builds its service clients.
func dial(ctx context.Context, c Cloud, wrap func(http.RoundTripper) http.RoundTripper) (*conn, error) {
	hc, err := httpClient(c)
	if err != nil {
		return nil, err
	}
	if wrap != nil {
		hc.Transport = wrap(hc.Transport)
	}
	pc, err := authenticate(ctx, c, hc, nil)
	if err != nil {
		return nil, classify("authenticate", c.Name, err)
	}
	eo := gophercloud.EndpointOpts{Region: c.Region, Availability: gophercloud.Availability(c.Interface)}
	cn := &conn{cloud: c, pc: pc, eo: eo, httpc: hc, scoped: map[string]*gophercloud.ServiceClient{}}
	if cn.compute, err = gos.NewComputeV2(pc, eo); err != nil {
		return nil, classify("find compute endpoint", c.Name, err)
	}
	cn.compute.Microversion = computeMicroversion
	if cn.identity, err = gos.NewIdentityV3(pc, eo); err != nil {
		return nil, classify("find identity endpoint", c.Name, err)
	}
	if cn.placement, err = gos.NewPlacementV1(pc, eo); err == nil {
		cn.placement.Microversion = placementMicroversion
	} else {
		cn.placement = nil
	}
	if cn.volume, err = gos.NewBlockStorageV3(pc, eo); err != nil {
		cn.volume = nil
	}
	if cn.image, err = gos.NewImageV2(pc, eo); err != nil {
		cn.image = nil
	}
	return cn, nil
}

// projectCompute returns a compute client scoped to a Keystone project.
func (cn *conn) projectCompute(ctx context.Context, projectID string) (*gophercloud.ServiceClient, error) {
	cn.mu.Lock()
	sc := cn.scoped[projectID]
	cn.mu.Unlock()
	if sc != nil {
		return sc, nil
	}
	if cn.cloud.AppCredential() {
		return nil, errors.New("an application credential cannot be scoped to another project")
	}
	cn.authMu.Lock() // one token per project, even when its first replicas arrive together
	defer cn.authMu.Unlock()
	cn.mu.Lock()
	sc = cn.scoped[projectID]
	cn.mu.Unlock()
	if sc != nil {
		return sc, nil
	}
	pc, err := authenticate(ctx, cn.cloud, cn.httpc, &gophercloud.AuthScope{ProjectID: projectID})
	if err != nil {
		return nil, classify("authenticate to project", cn.cloud.Name, err)
	}
	sc, err = gos.NewComputeV2(pc, cn.eo)
	if err != nil {
		return nil, classify("find compute endpoint", cn.cloud.Name, err)
	}
	sc.Microversion = computeMicroversion
	cn.mu.Lock()
	cn.scoped[projectID] = sc
	cn.mu.Unlock()
	return sc, nil
}
