package openstack

import (
	"context"
	"sort"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/availabilityzones"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/hypervisors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/services"
	"github.com/gophercloud/gophercloud/v2/openstack/placement/v1/resourceproviders"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
)

// Resources counts VCPU, MEMORY_MB and DISK_GB.
type Resources struct {
	VCPUs     int64 `json:"vcpus"`
	MemoryMiB int64 `json:"memory_mib"`
	DiskGiB   int64 `json:"disk_gib"`
}

// Ratios are Placement allocation ratios.
type Ratios struct {
	VCPU   float64 `json:"vcpu"`
	Memory float64 `json:"memory"`
	Disk   float64 `json:"disk"`
}

// SiteReport is what discovery found for one mapped availability zone.
type SiteReport struct {
	SiteID string `json:"site_id"`
	Cloud  string `json:"cloud"`
	AZ     string `json:"az"`
	Health string `json:"health"`
	// Capacity is what can be allocated: (total − reserved) × ratio.
	Capacity Resources `json:"capacity"`
	// Raw is total − reserved, before allocation ratios (a site's
	// capacity; Ratios are its overcommit).
	Raw Resources `json:"raw"`
	// Used is what is allocated now, by anyone.
	Used   Resources `json:"used"`
	Ratios Ratios    `json:"ratios"`
	// Source is "placement" or "hypervisors" (the fallback).
	Source string   `json:"source"`
	Hosts  []string `json:"hosts"`
	// Problems are localized notes (missing AZ, fallback used).
	Problems []string `json:"problems,omitempty"`
}

// Discovery is a provider's discovered sites and flavor matches.
type Discovery struct {
	Sites   []SiteReport  `json:"sites"`
	Flavors []FlavorMatch `json:"flavors"`
	// Missing are the offerings with no flavor in a cloud.
	Missing []FlavorMatch `json:"missing,omitempty"`
	// UnmappedAZs are the clouds' AZs that no site maps ("cloud/az").
	UnmappedAZs []string `json:"unmapped_azs,omitempty"`
}

// CapacityTTL is how long Discover reuses the capacity it last read from
// Placement; health is read live on every call.
const CapacityTTL = time.Minute

type capacityCache struct {
	at    time.Time
	sites map[string]Resources // by site id
}

// Discover reports the provider's sites, their health and capacity. It is
// the health probe's call (every few seconds): health comes live from one
// call per cloud (the compute services, each with its zone); capacity
// from Placement is read again only when older than CapacityTTL.
func (d *Driver) Discover(ctx context.Context, providerID string) ([]provider.Site, error) {
	cfg, err := d.config(ctx, providerID)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	cc, ok := d.capacity[providerID]
	d.mu.Unlock()
	fresh := ok && time.Since(cc.at) < CapacityTTL
	var out []provider.Site
	next := capacityCache{at: time.Now(), sites: map[string]Resources{}}
	for _, cl := range cfg.Clouds {
		cn, err := d.conn(ctx, providerID, cl)
		if err != nil {
			return nil, err
		}
		zones, hosts, err := d.computeHosts(ctx, cn, !fresh, false)
		if err != nil {
			return nil, err
		}
		for _, sm := range cfg.Sites {
			if sm.Cloud != cl.Name {
				continue
			}
			var r SiteReport
			if fresh {
				r = d.siteHealth(sm, zones, hosts)
				r.Capacity = cc.sites[sm.SiteID]
			} else {
				r = d.siteReport(ctx, cn, sm, zones, hosts)
				next.sites[sm.SiteID] = r.Capacity
			}
			out = append(out, provider.Site{SiteID: r.SiteID, Health: r.Health,
				Capacity: model.Capacity{VCPUs: r.Capacity.VCPUs, MemoryMiB: r.Capacity.MemoryMiB, DiskGiB: r.Capacity.DiskGiB}})
		}
	}
	if !fresh {
		d.mu.Lock()
		d.capacity[providerID] = next
		d.mu.Unlock()
	}
	return out, nil
}

type hostInfo struct {
	zone   string
	up     bool
	hypers []hypervisors.Hypervisor
}

// DiscoverDetail reports every mapped AZ with capacity and use, and the
// flavor of each VM offering.
func (d *Driver) DiscoverDetail(ctx context.Context, providerID string) (Discovery, error) {
	cfg, err := d.config(ctx, providerID)
	if err != nil {
		return Discovery{}, err
	}
	offerings, err := d.look.Offerings(ctx)
	if err != nil {
		return Discovery{}, err
	}
	var dis Discovery
	for _, cl := range cfg.Clouds {
		cn, err := d.conn(ctx, providerID, cl)
		if err != nil {
			return Discovery{}, err
		}
		zones, hosts, err := d.computeHosts(ctx, cn, true, true)
		if err != nil {
			return Discovery{}, err
		}
		mapped := map[string]bool{}
		for _, sm := range cfg.Sites {
			if sm.Cloud != cl.Name {
				continue
			}
			mapped[sm.AZ] = true
			dis.Sites = append(dis.Sites, d.siteReport(ctx, cn, sm, zones, hosts))
		}
		for z := range zones {
			if !mapped[z] && z != "internal" {
				dis.UnmappedAZs = append(dis.UnmappedAZs, cl.Name+"/"+z)
			}
		}
		fl, err := d.listFlavors(ctx, cn)
		if err != nil {
			return Discovery{}, err
		}
		for _, o := range offerings {
			f, by, ok := matchFlavor(fl, o)
			m := FlavorMatch{Offering: o, Cloud: cl.Name}
			if ok {
				m.FlavorID, m.FlavorName, m.MatchedBy = f.ID, f.Name, by
				dis.Flavors = append(dis.Flavors, m)
			} else {
				dis.Missing = append(dis.Missing, m)
			}
		}
	}
	sort.Strings(dis.UnmappedAZs)
	return dis, nil
}

// computeHosts lists the nova-compute hosts with their zone, state and
// hypervisors, and the AZs: available when one of their compute services
// is enabled. Nova derives its AZ list from the same services (and their
// aggregates), so the list of AZs (withZones) is asked for only where the
// other zones matter (internal, or without compute hosts): the health
// probe does without, and the AZ list costs Nova's API more than the
// services during a burst of boots (seen: 1.4 s against 0.14 s).
func (d *Driver) computeHosts(ctx context.Context, cn *conn, withHypervisors, withZones bool) (map[string]bool, map[string]*hostInfo, error) {
	zones := map[string]bool{}
	hosts := map[string]*hostInfo{}
	err := d.retry(ctx, func() error {
		clear(zones)
		clear(hosts)
		if withZones {
			// AllPages, not EachPage: the AZ page's IsEmpty fails on its object body
			page, err := availabilityzones.List(cn.compute).AllPages(ctx)
			if err == nil {
				var azs []availabilityzones.AvailabilityZone
				azs, err = availabilityzones.ExtractAvailabilityZones(page)
				for _, z := range azs {
					zones[z.ZoneName] = z.ZoneState.Available
				}
			}
			if err != nil {
				return classify("list availability zones", cn.cloud.Name, err)
			}
		}
		err := services.List(cn.compute, services.ListOpts{Binary: "nova-compute"}).EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
			list, err := services.ExtractServices(p)
			for _, s := range list {
				hosts[s.Host] = &hostInfo{zone: s.Zone, up: s.State == "up" && s.Status == "enabled"}
				if !withZones {
					zones[s.Zone] = zones[s.Zone] || s.Status == "enabled"
				}
			}
			return true, err
		})
		if err != nil || !withHypervisors {
			return classify("list compute services", cn.cloud.Name, err)
		}
		err = hypervisors.List(cn.compute, nil).EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
			list, err := hypervisors.ExtractHypervisors(p)
			for _, h := range list {
				if hi := hosts[h.Service.Host]; hi != nil {
					hi.hypers = append(hi.hypers, h)
				}
			}
			return true, err
		})
		return classify("list hypervisors", cn.cloud.Name, err)
	})
	return zones, hosts, err
}

// siteHealth reports an AZ's health from its state and its compute hosts.
func (d *Driver) siteHealth(sm SiteMap, zones map[string]bool, hosts map[string]*hostInfo) SiteReport {
	r := SiteReport{SiteID: sm.SiteID, Cloud: sm.Cloud, AZ: sm.AZ, Health: model.HealthDown, Source: "placement"}
	avail, ok := zones[sm.AZ]
	if !ok {
		r.Problems = append(r.Problems, i18n.T(d.Lang, "openstack.site.az_missing", sm.AZ, sm.SiteID, sm.Cloud))
		return r
	}
	var up, total int
	for name, h := range hosts {
		if h.zone != sm.AZ {
			continue
		}
		total++
		r.Hosts = append(r.Hosts, name)
		if h.up {
			up++
		}
	}
	sort.Strings(r.Hosts)
	switch {
	case !avail || up == 0:
		r.Health = model.HealthDown
	case up < total:
		r.Health = model.HealthDegraded
	default:
		r.Health = model.HealthHealthy
	}
	return r
}

func (d *Driver) siteReport(ctx context.Context, cn *conn, sm SiteMap, zones map[string]bool, hosts map[string]*hostInfo) SiteReport {
	r := d.siteHealth(sm, zones, hosts)
	if len(r.Problems) > 0 {
		return r
	}
	var hypers []hypervisors.Hypervisor
	for _, h := range hosts {
		if h.zone == sm.AZ && h.up {
			hypers = append(hypers, h.hypers...)
		}
	}
	if cn.placement != nil {
		if err := d.placementCapacity(ctx, cn, hypers, &r); err == nil {
			return r
		}
	}
	// Fallback: hypervisor statistics (no allocation ratios known: 1.0).
	r.Source = "hypervisors"
	r.Capacity, r.Used, r.Ratios = Resources{}, Resources{}, Ratios{1, 1, 1}
	r.Problems = append(r.Problems, i18n.T(d.Lang, "openstack.capacity.hypervisor_stats", sm.SiteID))
	for _, h := range hypers {
		r.Capacity.VCPUs += int64(h.VCPUs)
		r.Capacity.MemoryMiB += int64(h.MemoryMB)
		r.Capacity.DiskGiB += int64(h.LocalGB)
		r.Raw = r.Capacity
		r.Used.VCPUs += int64(h.VCPUsUsed)
		r.Used.MemoryMiB += int64(h.MemoryMBUsed)
		r.Used.DiskGiB += int64(h.LocalGBUsed)
	}
	return r
}

// placementCapacity sums the inventories and usages of the hosts'
// resource providers (a hypervisor's UUID is its resource provider's).
func (d *Driver) placementCapacity(ctx context.Context, cn *conn, hypers []hypervisors.Hypervisor, r *SiteReport) error {
	var capa, used, raw Resources
	var ratios Ratios
	for _, h := range hypers {
		var inv *resourceproviders.ResourceProviderInventories
		var use *resourceproviders.ResourceProviderUsage
		err := d.retry(ctx, func() error {
			var err error
			if inv, err = resourceproviders.GetInventories(ctx, cn.placement, h.ID).Extract(); err != nil {
				return classify("get inventories", cn.cloud.Name, err)
			}
			use, err = resourceproviders.GetUsages(ctx, cn.placement, h.ID).Extract()
			return classify("get usages", cn.cloud.Name, err)
		})
		if err != nil {
			return err
		}
		for class, in := range inv.Inventories {
			eff := int64(float64(in.Total-in.Reserved) * float64(in.AllocationRatio))
			u := int64(use.Usages[class])
			switch class {
			case "VCPU":
				raw.VCPUs += int64(in.Total - in.Reserved)
				capa.VCPUs += eff
				used.VCPUs += u
				ratios.VCPU = float64(in.AllocationRatio)
			case "MEMORY_MB":
				raw.MemoryMiB += int64(in.Total - in.Reserved)
				capa.MemoryMiB += eff
				used.MemoryMiB += u
				ratios.Memory = float64(in.AllocationRatio)
			case "DISK_GB":
				raw.DiskGiB += int64(in.Total - in.Reserved)
				capa.DiskGiB += eff
				used.DiskGiB += u
				ratios.Disk = float64(in.AllocationRatio)
			}
		}
	}
	r.Capacity, r.Raw, r.Used, r.Ratios = capa, raw, used, ratios
	return nil
}
