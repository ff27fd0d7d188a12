package openstack

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// TestDiscoverHealthFromComputeServices checks the health probe: one
// call to the compute services per cloud, no AZ list, and per AZ healthy
// (every host up), degraded (some), down (none enabled and up, or no
// compute host at all, which says the AZ is missing).
func TestDiscoverHealthFromComputeServices(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	f.services = [][4]string{
		{"c1", "az-1", "up", "enabled"},
		{"c2", "az-2", "up", "enabled"}, {"c3", "az-2", "down", "enabled"},
		{"c4", "az-3", "up", "disabled"},
	}
	cfg := Config{Clouds: []Cloud{f.cloud()}, SharedProject: true, Sites: []SiteMap{
		{SiteID: "s1", Cloud: "fake", AZ: "az-1"}, {SiteID: "s2", Cloud: "fake", AZ: "az-2"},
		{SiteID: "s3", Cloud: "fake", AZ: "az-3"}, {SiteID: "s4", Cloud: "fake", AZ: "az-4"}}}
	d := New(MemConfigs{"prv-1": cfg}, fakeLookup{})
	d.capacity["prv-1"] = capacityCache{at: time.Now(), sites: map[string]Resources{"s1": {VCPUs: 8, MemoryMiB: 16384, DiskGiB: 100}}}
	sites, err := d.Discover(context.Background(), "prv-1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"s1": model.HealthHealthy, "s2": model.HealthDegraded, "s3": model.HealthDown, "s4": model.HealthDown}
	if len(sites) != len(want) {
		t.Fatalf("sites = %+v", sites)
	}
	for _, s := range sites {
		if s.Health != want[s.SiteID] {
			t.Errorf("site %s: health %s, want %s", s.SiteID, s.Health, want[s.SiteID])
		}
		if s.SiteID == "s1" && s.Capacity.VCPUs != 8 {
			t.Errorf("site s1: capacity %+v, want the cached 8 vCPUs", s.Capacity)
		}
	}
	calls := f.callCount()
	if calls["GET /os-services"] != 1 || calls["GET /os-availability-zone"] != 0 {
		t.Fatalf("compute calls = %v, want one services list and no AZ list", calls)
	}
	// The same verdicts as with Nova's own AZ list, which the operator's
	// detailed discovery still reads (it reports unmapped AZs).
	zones, hosts, err := d.computeHosts(context.Background(), d.mustConn(t, "prv-1"), false, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, sm := range cfg.Sites {
		if h := d.siteHealth(sm, zones, hosts).Health; h != want[sm.SiteID] {
			t.Errorf("site %s with the AZ list: %s, want %s", sm.SiteID, h, want[sm.SiteID])
		}
	}
}

func (d *Driver) mustConn(t *testing.T, providerID string) *conn {
	t.Helper()
	cfg, err := d.config(context.Background(), providerID)
	if err != nil {
		t.Fatal(err)
	}
	cn, err := d.conn(context.Background(), providerID, cfg.Clouds[0])
	if err != nil {
		t.Fatal(err)
	}
	return cn
}
