package openstack

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/provider"
)

// TestIntegrationPowerResizeAddresses stops, starts, reboots and resizes a
// replica's server through Nova's real API (the all-in-one's fake compute
// driver) and reads its addresses as Nova reports them.
func TestIntegrationPowerResizeAddresses(t *testing.T) {
	e := newITEnv(t, Needs{Instances: 1, VCPUs: 4, MemoryMiB: 8192, DiskGiB: 40})
	ctx := context.Background()
	e.d.look = fakeLookup{tenant: Tenant{ProjectID: e.tenant.ProjectID, ProjectName: e.tenant.ProjectName, InstitutionID: e.tenant.InstitutionID,
		InstitutionName: e.tenant.InstitutionName, Offering: "SCS-1V-2-20s"}, needs: Needs{Instances: 1, VCPUs: 4, MemoryMiB: 8192, DiskGiB: 40}}
	spec := e.spec(randID("plc_"), itSite1)
	spec.VCPUs, spec.MemoryMiB = 1, 2048
	e.cleanup(t, spec.ResourceRef)
	if _, err := e.d.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	o := e.waitState(t, spec.ResourceRef, provider.StateActive, 2*time.Minute)
	srv := e.serversOf(t, spec.ReplicaID)[0]
	if want := addresses(&srv); !reflect.DeepEqual(o.Addresses, want) {
		t.Errorf("observed addresses %+v, Nova says %+v", o.Addresses, want)
	}
	t.Logf("addresses as Nova reports them: %+v (raw %v)", o.Addresses, srv.Addresses)
	status := func() string { return e.serversOf(t, spec.ReplicaID)[0].Status }
	if err := e.d.Stop(ctx, spec.ResourceRef); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != "SHUTOFF" {
		t.Fatalf("after stop: %s", s)
	}
	if err := e.d.Stop(ctx, spec.ResourceRef); err != nil {
		t.Fatalf("stopping a stopped server: %v", err)
	}
	if err := e.d.Start(ctx, spec.ResourceRef); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != "ACTIVE" {
		t.Fatalf("after start: %s", s)
	}
	if err := e.d.Reboot(ctx, spec.ResourceRef); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != "ACTIVE" {
		t.Fatalf("after reboot: %s", s)
	}
	// Resize to the next offering: resize, VERIFY_RESIZE, confirm.
	e.d.look = fakeLookup{tenant: Tenant{ProjectID: e.tenant.ProjectID, ProjectName: e.tenant.ProjectName, InstitutionID: e.tenant.InstitutionID,
		InstitutionName: e.tenant.InstitutionName, Offering: "SCS-2V-4-20s"}, needs: Needs{Instances: 1, VCPUs: 4, MemoryMiB: 8192, DiskGiB: 40}}
	spec.VCPUs, spec.MemoryMiB, spec.OfferingID = 2, 4096, "SCS-2V-4-20s"
	if err := e.d.Resize(ctx, spec); err != nil {
		if strings.Contains(err.Error(), "Nova did not resize") {
			// stop, start and reboot went through; the resize reached Nova,
			// which found no host for it
			t.Skipf("Nova reverted the resize (%v): the all-in-one has one compute host per AZ and needs allow_resize_to_same_host = True (scripts/openstack-aio.sh sets it; restart the cloud)", err)
		}
		t.Fatal(err)
	}
	srv = e.serversOf(t, spec.ReplicaID)[0]
	if srv.Status != "ACTIVE" || srv.Metadata[MetaFlavor] != "SCS-2V-4-20s" {
		t.Fatalf("after resize: status %s, flavor %v, metadata %v", srv.Status, srv.Flavor, srv.Metadata)
	}
	if f := serverFlavor(&srv); f != "" && f != "SCS-2V-4-20s" {
		t.Fatalf("Nova holds flavor %s after the resize", f)
	}
	if err := e.d.Resize(ctx, spec); err != nil {
		t.Fatalf("resizing to the size it has: %v", err)
	}
}
