package openstack

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
)

var (
	_ provider.PowerController = (*Driver)(nil)
	_ provider.Resizer         = (*Driver)(nil)
)

// ActionTimeout bounds how long a power action or a resize waits for Nova
// to reach the state it leads to.
const ActionTimeout = 5 * time.Minute

// waitStatus polls the server until it has status (gophercloud's
// WaitForStatus: a deadline, never a fixed sleep in tests).
func (d *Driver) waitStatus(ctx context.Context, cn *conn, id, status string) error {
	cctx, cancel := context.WithTimeout(ctx, ActionTimeout)
	defer cancel()
	if err := servers.WaitForStatus(cctx, cn.compute, id, status); err != nil {
		return classify("wait for "+status, cn.cloud.Name, err)
	}
	return nil
}

// act runs a Nova action on server id (retried while its error, classified
// as op, is retryable) and waits for the server to reach status.
func (d *Driver) act(ctx context.Context, cn *conn, id, op, status string, call func() error) error {
	if err := d.retry(ctx, func() error { return classify(op, cn.cloud.Name, call()) }); err != nil {
		return err
	}
	return d.waitStatus(ctx, cn, id, status)
}

// server finds the replica's server (nil and no error: none).
func (d *Driver) server(ctx context.Context, ref provider.ResourceRef) (*conn, *servers.Server, error) {
	_, cn, _, err := d.siteConn(ctx, ref.ProviderID, ref.SiteID)
	if err != nil {
		return nil, nil, err
	}
	s, err := d.findServer(ctx, cn, ref)
	if err != nil {
		return nil, nil, err
	}
	if s == nil {
		return nil, nil, fmt.Errorf("openstack: the server of replica %s is gone: %w", ref.ReplicaID, provider.ErrUnavailable)
	}
	return cn, s, nil
}

// Stop powers the replica's server off (Nova os-stop) and waits for
// SHUTOFF; a server already off succeeds.
func (d *Driver) Stop(ctx context.Context, ref provider.ResourceRef) error {
	cn, s, err := d.server(ctx, ref)
	if err != nil {
		return err
	}
	if s.Status == "SHUTOFF" {
		return nil
	}
	return d.act(ctx, cn, s.ID, "stop server", "SHUTOFF", func() error {
		return servers.Stop(ctx, cn.compute, s.ID).ExtractErr()
	})
}

// Reboot soft-reboots the replica's server (Nova reboot) and waits for it
// to be ACTIVE again.
func (d *Driver) Reboot(ctx context.Context, ref provider.ResourceRef) error {
	cn, s, err := d.server(ctx, ref)
	if err != nil {
		return err
	}
	return d.act(ctx, cn, s.ID, "reboot server", "ACTIVE", func() error {
		return servers.Reboot(ctx, cn.compute, s.ID, servers.RebootOpts{Type: servers.SoftReboot}).ExtractErr()
	})
}

// Resize moves the replica's server to the flavor of spec's offering:
// Nova resize, wait for VERIFY_RESIZE, confirm, wait for the server to be
// back in the state it was (ACTIVE or SHUTOFF), then record the flavor in
// its metadata so that the resync compares against the new size. A
// server that already has the flavor succeeds.
func (d *Driver) Resize(ctx context.Context, spec provider.Spec) error {
	cn, s, err := d.server(ctx, spec.ResourceRef)
	if err != nil {
		return err
	}
	offering := ""
	if ten, err := d.look.Tenant(ctx, spec.WorkloadID); err == nil {
		offering = ten.Offering
	}
	flavor, err := d.flavorFor(ctx, cn, offering, spec)
	if err != nil {
		return err
	}
	name := d.flavorName(ctx, cn, flavor)
	was := s.Status
	switch {
	case s.Status == "VERIFY_RESIZE":
		// an earlier resize waits for its confirmation
	case name != "" && serverFlavor(s) == name, s.Flavor["id"] == flavor:
		return d.setFlavorMeta(ctx, cn, s, name)
	default:
		if err := d.retry(ctx, func() error {
			return classify("resize server", cn.cloud.Name,
				servers.Resize(ctx, cn.compute, s.ID, servers.ResizeOpts{FlavorRef: flavor}).ExtractErr())
		}); err != nil {
			return err
		}
		if err := d.waitResized(ctx, cn, s.ID); err != nil {
			return err
		}
	}
	if was != "SHUTOFF" {
		was = "ACTIVE"
	}
	if err := d.act(ctx, cn, s.ID, "confirm resize", was, func() error {
		return servers.ConfirmResize(ctx, cn.compute, s.ID).ExtractErr()
	}); err != nil {
		return err
	}
	return d.setFlavorMeta(ctx, cn, s, name)
}

func (d *Driver) setFlavorMeta(ctx context.Context, cn *conn, s *servers.Server, name string) error {
	if name == "" || s.Metadata[MetaFlavor] == name {
		return nil
	}
	return d.retry(ctx, func() error {
		_, err := servers.UpdateMetadata(ctx, cn.compute, s.ID, servers.MetadataOpts{MetaFlavor: name}).Extract()
		return classify("record flavor", cn.cloud.Name, err)
	})
}

// addresses turns Nova's server addresses ({network: [{addr, version,
// OS-EXT-IPS:type}]}) into the replica's addresses, in network order.
func addresses(s *servers.Server) []model.Address {
	nets := make([]string, 0, len(s.Addresses))
	for n := range s.Addresses {
		nets = append(nets, n)
	}
	sort.Strings(nets)
	var out []model.Address
	for _, n := range nets {
		list, _ := s.Addresses[n].([]any)
		for _, e := range list {
			m, _ := e.(map[string]any)
			addr, _ := m["addr"].(string)
			if addr == "" {
				continue
			}
			a := model.Address{Network: n, Address: addr, Kind: model.AddressFixed}
			if v, ok := m["version"].(float64); ok {
				a.Version = int(v)
			}
			if k, _ := m["OS-EXT-IPS:type"].(string); k == model.AddressFloating {
				a.Kind = model.AddressFloating
			}
			out = append(out, a)
		}
	}
	return out
}

// waitResized polls the server until Nova asks to confirm its resize
// (VERIFY_RESIZE). A server back to ACTIVE or SHUTOFF with no task under
// way was not resized (no host could take the new flavor: Nova reverted
// it), and one in ERROR failed: both are reported with Nova's fault.
func (d *Driver) waitResized(ctx context.Context, cn *conn, id string) error {
	cctx, cancel := context.WithTimeout(ctx, ActionTimeout)
	defer cancel()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		s, err := servers.Get(cctx, cn.compute, id).Extract()
		if err != nil {
			return classify("wait for VERIFY_RESIZE", cn.cloud.Name, err)
		}
		switch {
		case s.Status == "VERIFY_RESIZE":
			return nil
		case s.Status == "ERROR", (s.Status == "ACTIVE" || s.Status == "SHUTOFF") && s.TaskState == "":
			return &Error{Reason: ReasonCloudError, Op: "resize server", Cloud: cn.cloud.Name,
				Detail: "Nova did not resize the server (status " + s.Status + "): " + s.Fault.Message}
		}
		select {
		case <-cctx.Done():
			return classify("wait for VERIFY_RESIZE", cn.cloud.Name, cctx.Err())
		case <-tick.C:
		}
	}
}
