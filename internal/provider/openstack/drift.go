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
	return d.retry(ctx, func() error {
		return classify("start server", cn.cloud.Name, servers.Start(ctx, cn.compute, s.ID).ExtractErr())
	})
}
