package openstack

import (
	"context"
	"errors"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	gos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/floatingips"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
)

// Floating IPs. When a provider's config names an external network
// (FloatingNetwork), every replica whose server is ACTIVE gets one floating
// IP from it, associated with the server's first port, through Neutron.
//
// The floating IP carries the replica id in its description
// (FloatingDescription): the driver looks it up by that before creating
// one, so a retry, a second reconciler or a restart after a crash between
// Neutron's answer and soberana's record finds the one already made instead
// of making a second. Delete releases every floating IP carrying the
// replica's description, whether or not the server is still there — a
// crash after the server's delete leaves nothing behind on the next try.

// ReasonFloatingIP: the floating IP of a replica could not be made or
// associated (no port on the server, no route from its network to the
// external one, the external network exhausted).
const ReasonFloatingIP Reason = "floating_ip"

// FloatingDescription is the description of a replica's floating IP: how
// the driver finds it again.
func FloatingDescription(replicaID string) string { return "soberana-replica:" + replicaID }

// network returns the cloud's Neutron client (nil, nil: no Neutron in the
// catalog).
func (cn *conn) networkClient() (*gophercloud.ServiceClient, error) {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	if cn.network != nil {
		return cn.network, nil
	}
	sc, err := gos.NewNetworkV2(cn.pc, cn.eo)
	if err != nil {
		return nil, &Error{Reason: ReasonNoService, Op: "find network endpoint", Cloud: cn.cloud.Name, Err: err, Detail: "no Neutron (network) service in the catalog: " + err.Error()}
	}
	cn.network = sc
	return sc, nil
}

// externalNetwork resolves the configured external network (an id or a
// name) to its id, once per connection.
func (d *Driver) externalNetwork(ctx context.Context, cn *conn, ref string) (string, error) {
	cn.mu.Lock()
	id, ok := cn.extNets[ref]
	cn.mu.Unlock()
	if ok {
		return id, nil
	}
	nc, err := cn.networkClient()
	if err != nil {
		return "", err
	}
	find := func(opts networks.ListOpts) (string, error) {
		var found string
		err := d.retry(ctx, func() error {
			found = ""
			p, err := networks.List(nc, opts).AllPages(ctx)
			if err != nil {
				return classify("list networks", cn.cloud.Name, err)
			}
			list, err := networks.ExtractNetworks(p)
			if err != nil {
				return classify("list networks", cn.cloud.Name, err)
			}
			if len(list) > 0 {
				found = list[0].ID
			}
			return nil
		})
		return found, err
	}
	if id, err = find(networks.ListOpts{ID: ref}); err == nil && id == "" {
		id, err = find(networks.ListOpts{Name: ref})
	}
	if err != nil {
		return "", err
	}
	if id == "" {
		return "", &Error{Reason: ReasonFloatingIP, Op: "find external network", Cloud: cn.cloud.Name,
			Detail: i18n.T(i18n.EN, "openstack.floating.no_network", ref, cn.cloud.Name)}
	}
	cn.mu.Lock()
	if cn.extNets == nil {
		cn.extNets = map[string]string{}
	}
	cn.extNets[ref] = id
	cn.mu.Unlock()
	return id, nil
}

// replicaFloatingIPs lists the floating IPs carrying the replica's
// description.
func (d *Driver) replicaFloatingIPs(ctx context.Context, cn *conn, replicaID string) ([]floatingips.FloatingIP, error) {
	nc, err := cn.networkClient()
	if err != nil {
		return nil, err
	}
	var out []floatingips.FloatingIP
	err = d.retry(ctx, func() error {
		out = out[:0]
		desc := FloatingDescription(replicaID)
		err := floatingips.List(nc, floatingips.ListOpts{Description: desc}).EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
			list, err := floatingips.ExtractFloatingIPs(p)
			for _, f := range list {
				if f.Description == desc { // a Neutron that ignores the filter
					out = append(out, f)
				}
			}
			return true, err
		})
		return classify("list floating IPs", cn.cloud.Name, err)
	})
	return out, err
}

// ensureFloatingIP gives the replica's ACTIVE server its floating IP from
// the external network, or finds the one it has, and returns its address.
// A server with no port (booted with no network) gets none: "", nil.
func (d *Driver) ensureFloatingIP(ctx context.Context, cn *conn, extRef, replicaID string, s *servers.Server) (string, error) {
	ip, err := d.makeFloatingIP(ctx, cn, extRef, replicaID, s)
	var e *Error
	if errors.As(err, &e) && (e.Reason == ReasonBadRequest || e.Status == 404 || e.Status == 409) {
		// No floating IP API (no l3 extension), no route from the port's
		// network to the external one, an exhausted external network.
		e.Reason = ReasonFloatingIP
	}
	return ip, err
}

func (d *Driver) makeFloatingIP(ctx context.Context, cn *conn, extRef, replicaID string, s *servers.Server) (string, error) {
	d.mu.Lock()
	addr, ok := d.floating[replicaID]
	d.mu.Unlock()
	if ok && addr.server == s.ID {
		return addr.ip, nil
	}
	defer d.replicaLock("fip/" + replicaID)()
	d.mu.Lock()
	gone := d.fipGone[replicaID]
	d.mu.Unlock()
	if gone {
		return "", nil
	}
	ext, err := d.externalNetwork(ctx, cn, extRef)
	if err != nil {
		return "", err
	}
	nc, err := cn.networkClient()
	if err != nil {
		return "", err
	}
	var port *ports.Port
	err = d.retry(ctx, func() error {
		p, err := ports.List(nc, ports.ListOpts{DeviceID: s.ID}).AllPages(ctx)
		if err != nil {
			return classify("list ports", cn.cloud.Name, err)
		}
		list, err := ports.ExtractPorts(p)
		if err != nil {
			return classify("list ports", cn.cloud.Name, err)
		}
		port = nil
		for i := range list {
			if port == nil || list[i].ID < port.ID { // a stable choice among several
				port = &list[i]
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if port == nil {
		// No network (networks: none): nothing to associate, and no need
		// to ask again on every Observe of this server.
		d.mu.Lock()
		d.floating[replicaID] = floatingAddr{server: s.ID}
		d.mu.Unlock()
		return "", nil
	}
	have, err := d.replicaFloatingIPs(ctx, cn, replicaID)
	if err != nil {
		return "", err
	}
	var fip *floatingips.FloatingIP
	for i := range have {
		if have[i].PortID == port.ID {
			fip = &have[i]
			break
		}
	}
	if fip == nil && len(have) > 0 {
		// Made before a crash, or for the replica's previous server:
		// associate it with this port.
		pid := port.ID
		err = d.retry(ctx, func() error {
			f, err := floatingips.Update(ctx, nc, have[0].ID, floatingips.UpdateOpts{PortID: &pid}).Extract()
			if err != nil {
				return classify("associate floating IP", cn.cloud.Name, err)
			}
			fip = f
			return nil
		})
	} else if fip == nil {
		// Not retried blindly: a POST whose answer was lost may have made
		// one; the next Observe looks it up by description first.
		var f *floatingips.FloatingIP
		f, err = floatingips.Create(ctx, nc, floatingips.CreateOpts{
			Description: FloatingDescription(replicaID), FloatingNetworkID: ext, PortID: port.ID, ProjectID: s.TenantID,
		}).Extract()
		err = classify("create floating IP", cn.cloud.Name, err)
		fip = f
	}
	if err != nil {
		return "", err
	}
	d.mu.Lock()
	d.floating[replicaID] = floatingAddr{server: s.ID, ip: fip.FloatingIP}
	d.mu.Unlock()
	return fip.FloatingIP, nil
}

// releaseFloatingIPs deletes every floating IP carrying the replica's
// description; none is success.
func (d *Driver) releaseFloatingIPs(ctx context.Context, cn *conn, replicaID string) error {
	have, err := d.replicaFloatingIPs(ctx, cn, replicaID)
	if err != nil {
		return err
	}
	nc, err := cn.networkClient()
	if err != nil {
		return err
	}
	for _, f := range have {
		err := d.retry(ctx, func() error {
			err := classify("release floating IP", cn.cloud.Name, floatingips.Delete(ctx, nc, f.ID).ExtractErr())
			if isNotFound(err) {
				return nil
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	d.mu.Lock()
	delete(d.floating, replicaID)
	d.mu.Unlock()
	return nil
}

// withFloating adds the replica's floating IP to the addresses Nova
// reported, unless Nova already lists it (it does once its network cache
// catches up).
func withFloating(addrs []model.Address, ip string) []model.Address {
	if ip == "" {
		return addrs
	}
	for i, a := range addrs {
		if a.Address == ip {
			addrs[i].Kind = model.AddressFloating
			return addrs
		}
	}
	v := 4
	if strings.Contains(ip, ":") {
		v = 6
	}
	return append(addrs, model.Address{Network: "floating", Address: ip, Version: v, Kind: model.AddressFloating})
}

type floatingAddr struct{ server, ip string }
