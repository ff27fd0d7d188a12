package openstack

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"

	"github.com/soberana/soberana/internal/provider"
)

// installations lists the provider's resources as replica → the
// installation id each carries.
func installations(t *testing.T, d *Driver) map[string]string {
	t.Helper()
	list, err := d.ListResources(context.Background(), "prv-1")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range list {
		got[r.ReplicaID] = r.Installation
	}
	return got
}

// projectDriver is installation inst's driver on the fake cloud, with a
// Keystone project per soberana project (not one shared project).
func projectDriver(t *testing.T, f *fakeCloud, inst string) *Driver {
	t.Helper()
	d := fakeDriver(t, f)
	d.Installation = inst
	cfg, _ := d.cfgs.Config(context.Background(), "prv-1")
	cfg.SharedProject = false
	d.cfgs = MemConfigs{"prv-1": cfg}
	return d
}

// TestTwoInstallationsOnOneCloud: each installation stamps its servers,
// lists the other's with the other's id (so its sweep leaves them alone),
// and refuses to delete them even when asked by replica id.
func TestTwoInstallationsOnOneCloud(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	a, b := fakeDriver(t, f), fakeDriver(t, f)
	a.Installation, b.Installation = "inst_a", "inst_b"
	ctx := context.Background()
	if _, err := a.Create(ctx, spec("pl_a")); err != nil {
		t.Fatal(err)
	}
	idB, err := b.Create(ctx, spec("pl_b"))
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	meta := f.servers[idB]["metadata"].(map[string]any)
	f.mu.Unlock()
	if meta[MetaInstallation] != "inst_b" {
		t.Fatalf("server metadata %v lacks %s=inst_b", meta, MetaInstallation)
	}
	if got := installations(t, a); got["pl_a"] != "inst_a" || got["pl_b"] != "inst_b" {
		t.Fatalf("ListResources installations = %v", got)
	}
	err = a.Delete(ctx, provider.ResourceRef{ProviderID: "prv-1", SiteID: "site-1", ReplicaID: "pl_b", ResourceID: idB})
	var e *Error
	if !errors.As(err, &e) || e.Reason != ReasonNotOurs {
		t.Fatalf("deleting the other installation's server: %v, want %s", err, ReasonNotOurs)
	}
	if f.count() != 2 {
		t.Fatalf("%d servers left, want 2", f.count())
	}
	if err := b.Delete(ctx, provider.ResourceRef{ProviderID: "prv-1", SiteID: "site-1", ReplicaID: "pl_b", ResourceID: idB}); err != nil || f.count() != 1 {
		t.Fatalf("the owner's delete: %v, %d servers left", err, f.count())
	}
}

// TestOwnershipNeedsOwnProject: with a Keystone project per soberana
// project, this installation's id on a server counts only in a project
// tagged with it; a project tagged by another installation is never
// claimed, an untagged one is adopted and tagged.
func TestOwnershipNeedsOwnProject(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	f.projects = map[string]fakeProject{
		"kp-a":     {Name: "soberana-prj_a", Tags: []string{InstallationTag("inst_a")}},
		"kp-b":     {Name: "soberana-prj_b", Tags: []string{InstallationTag("inst_b")}},
		"kp-old":   {Name: "soberana-prj_old"},
		"kp-other": {Name: "unrelated"},
	}
	add := func(id, replica, tenant, inst string) {
		meta := map[string]any{MetaReplica: replica, MetaWorkload: "wl"}
		if inst != "" {
			meta[MetaInstallation] = inst
		}
		f.servers[id] = map[string]any{"id": id, "name": ServerName(replica), "status": "ACTIVE", "metadata": meta,
			"tenant_id": tenant, "OS-EXT-AZ:availability_zone": "az-1", "created": "2026-12-04T00:00:00Z"}
	}
	add("s1", "pl_1", "kp-a", "inst_a")     // ours, in our project
	add("s2", "pl_2", "kp-b", "inst_b")     // the other installation's
	add("s3", "pl_3", "kp-other", "inst_a") // stamped ours, in a project we did not make
	add("s4", "pl_4", "kp-old", "")         // from before installation ids
	d := projectDriver(t, f, "inst_a")
	cfg, _ := d.cfgs.Config(context.Background(), "prv-1")
	ctx := context.Background()
	got := installations(t, d)
	want := map[string]string{"pl_1": "inst_a", "pl_2": "inst_b", "pl_3": "", "pl_4": ""}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("installations %v, want %v", got, want)
		}
	}

	cn, err := d.conn(ctx, "prv-1", cfg.Clouds[0])
	if err != nil {
		t.Fatal(err)
	}
	err = d.claimProject(ctx, cn, projects.Project{ID: "kp-b", Name: "soberana-prj_b", Tags: []string{InstallationTag("inst_b")}})
	var e *Error
	if !errors.As(err, &e) || e.Reason != ReasonNotOurs {
		t.Fatalf("claiming another installation's project: %v", err)
	}
	if err := d.claimProject(ctx, cn, projects.Project{ID: "kp-old", Name: "soberana-prj_old"}); err != nil {
		t.Fatal(err)
	}
	if tags := f.projects["kp-old"].Tags; !slices.Contains(tags, InstallationTag("inst_a")) {
		t.Fatalf("the adopted project's tags: %v", tags)
	}
	if tags := f.projects["kp-b"].Tags; slices.Contains(tags, InstallationTag("inst_a")) {
		t.Fatalf("the other installation's project was tagged: %v", tags)
	}
}

// TestStampAdoptsAServerFromBeforeInstallationIDs: a live replica's
// server with no installation id, in an untagged Keystone project, gets
// the id in its metadata and the project gets the tag; a server another
// installation stamped is refused.
func TestStampAdoptsAServerFromBeforeInstallationIDs(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	f.projects = map[string]fakeProject{"kp-old": {Name: "soberana-prj_old"}, "kp-b": {Name: "soberana-prj_b", Tags: []string{InstallationTag("inst_b")}}}
	f.servers["s-old"] = map[string]any{"id": "s-old", "name": ServerName("pl_old"), "status": "ACTIVE", "tenant_id": "kp-old",
		"metadata": map[string]any{MetaReplica: "pl_old"}, "OS-EXT-AZ:availability_zone": "az-1", "created": "2026-12-04T00:00:00Z"}
	f.servers["s-b"] = map[string]any{"id": "s-b", "name": ServerName("pl_b"), "status": "ACTIVE", "tenant_id": "kp-b",
		"metadata": map[string]any{MetaReplica: "pl_b", MetaInstallation: "inst_b"}, "OS-EXT-AZ:availability_zone": "az-1", "created": "2026-12-04T00:00:00Z"}
	d := projectDriver(t, f, "inst_a")
	ctx := context.Background()
	if err := d.Stamp(ctx, "prv-1", provider.Resource{ResourceID: "s-old", SiteID: "site-1", ReplicaID: "pl_old"}); err != nil {
		t.Fatal(err)
	}
	if got := f.servers["s-old"]["metadata"].(map[string]any)[MetaInstallation]; got != "inst_a" {
		t.Fatalf("stamped metadata: %v", f.servers["s-old"]["metadata"])
	}
	if !slices.Contains(f.projects["kp-old"].Tags, InstallationTag("inst_a")) {
		t.Fatalf("the project was not claimed: %v", f.projects["kp-old"].Tags)
	}
	if got, listed := installations(t, d)["pl_old"]; listed && got != "inst_a" {
		t.Fatalf("after stamping, the server reads as %q", got)
	}
	err := d.Stamp(ctx, "prv-1", provider.Resource{ResourceID: "s-b", SiteID: "site-1", ReplicaID: "pl_b"})
	var e *Error
	if !errors.As(err, &e) || e.Reason != ReasonNotOurs {
		t.Fatalf("stamping another installation's server: %v", err)
	}
}

// TestResizeOutsideIsReported: the server carries the flavor soberana
// created it with; after a resize done outside soberana ListResources
// reports both, which the resync records as a resize drift.
func TestResizeOutsideIsReported(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	d := fakeDriver(t, f)
	ctx := context.Background()
	id, err := d.Create(ctx, spec("pl_r"))
	if err != nil {
		t.Fatal(err)
	}
	find := func() provider.Resource {
		t.Helper()
		list, err := d.ListResources(ctx, "prv-1")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list {
			if r.ReplicaID == "pl_r" {
				return r
			}
		}
		t.Fatal("the replica's server is not listed")
		return provider.Resource{}
	}
	if r := find(); r.WantFlavor != "SCS-2V-4-20s" || r.Flavor != r.WantFlavor {
		t.Fatalf("before the resize: flavor %q, created with %q; want both SCS-2V-4-20s", r.Flavor, r.WantFlavor)
	}
	f.mu.Lock()
	f.servers[id]["flavor"] = map[string]any{"original_name": "m1.medium"} // openstack server resize, outside soberana
	f.mu.Unlock()
	if r := find(); r.WantFlavor != "SCS-2V-4-20s" || r.Flavor != "m1.medium" {
		t.Fatalf("after the resize: flavor %q, created with %q; want m1.medium and SCS-2V-4-20s", r.Flavor, r.WantFlavor)
	}
}
