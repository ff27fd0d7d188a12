package openstack

import (
	"context"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/soberana/soberana/internal/provider"
)

var _ provider.Starter = (*Driver)(nil)

// stopped reports a server powered off outside soberana (openstack server
// stop, suspend, pause, shelve): it still exists and holds its quota, but
// does not run what was asked for.
func stopped(s *servers.Server) bool {
	switch s.Status {
	case "SHUTOFF", "SUSPENDED", "PAUSED", "SHELVED", "SHELVED_OFFLOADED":
		return true
	}
	return false
}

// Start powers on the replica's server stopped outside soberana (the
// resync's restore of a stopped replica). Only SHUTOFF is started; the
// other stopped states need an operator's decision (resume, unpause,
// unshelve), so Start reports them as unsupported.
func (d *Driver) Start(ctx context.Context, ref provider.ResourceRef) error {
	_, cn, _, err := d.siteConn(ctx, ref.ProviderID, ref.SiteID)
	if err != nil {
		return err
	}
	s, err := d.findServer(ctx, cn, ref)
	if err != nil || s == nil {
		return err
	}
	if s.Status != "SHUTOFF" {
		if stopped(s) {
			return provider.ErrUnsupported
		}
		return nil
	}
	// Done when Nova says it runs (a person's :start reports the outcome).
	return d.act(ctx, cn, s.ID, "start server", "ACTIVE", func() error {
		return servers.Start(ctx, cn.compute, s.ID).ExtractErr()
	})
}

// MetaFlavor is the server metadata key naming the flavor soberana created
// the server with, so that the resync finds a resize done outside it
// (`openstack server resize`) even where that flavor is larger than the
// offering asked for.
const MetaFlavor = "soberana_flavor"

// flavorName is the name of a flavor id from the cached flavor list (""
// when it is not there: the server then carries no MetaFlavor and its
// size is not compared).
func (d *Driver) flavorName(ctx context.Context, cn *conn, id string) string {
	list, err := d.listFlavors(ctx, cn)
	if err != nil {
		return ""
	}
	for _, f := range list {
		if f.ID == id {
			return f.Name
		}
	}
	return ""
}

// serverFlavor is the name of the flavor a server has now, as compute
// microversions from 2.47 embed it ("original_name"); "" when the cloud
// does not say.
func serverFlavor(s *servers.Server) string {
	name, _ := s.Flavor["original_name"].(string)
	return name
}
