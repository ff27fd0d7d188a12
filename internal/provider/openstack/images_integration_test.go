package openstack

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/soberana/soberana/internal/cloudinit"
	"github.com/soberana/soberana/internal/provider"
)

// ensureFamilyImage makes (once) a tiny public image tagged with the
// standard os_distro/os_version properties, as scripts/openstack-aio.sh
// does, so that the test also runs on an all-in-one started before the
// script uploaded them.
func ensureFamilyImage(t *testing.T, e *itEnv, name, distro, version string) {
	t.Helper()
	ctx := context.Background()
	found := false
	err := images.List(e.cn.image, images.ListOpts{Name: name}).EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
		l, err := images.ExtractImages(p)
		found = found || len(l) > 0
		return false, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if found {
		return
	}
	vis := images.ImageVisibilityPublic
	im, err := images.Create(ctx, e.cn.image, images.CreateOpts{Name: name, DiskFormat: "raw", ContainerFormat: "bare", Visibility: &vis,
		Properties: map[string]string{"os_distro": distro, "os_version": version}}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if err := imagedata.Upload(ctx, e.cn.image, im.ID, bytes.NewReader(make([]byte, 65536))).ExtractErr(); err != nil {
		t.Fatal(err)
	}
}

// TestIntegrationImageFamilyAndUserData: the catalogue finds the families
// Glance tags with os_distro/os_version at both sites; a server made with
// a family's image and a rendered cloud-init document holds exactly that
// document as its user_data in Nova.
func TestIntegrationImageFamilyAndUserData(t *testing.T) {
	e := newITEnv(t, Needs{})
	ctx := context.Background()
	ensureFamilyImage(t, e, "soberana-ubuntu-24.04", "ubuntu", "24.04")
	ensureFamilyImage(t, e, "soberana-debian-12", "debian", "12")

	cat, err := e.d.Images(ctx, itProvider)
	if err != nil {
		t.Fatal(err)
	}
	var ubuntu provider.CatalogImage
	sites := map[string]bool{}
	for _, im := range cat {
		if im.Family == "ubuntu-24.04" {
			ubuntu = im
			sites[im.SiteID] = true
		}
	}
	if ubuntu.Ref == "" || !sites[itSite1] || !sites[itSite2] {
		t.Fatalf("ubuntu-24.04 not in the catalogue at both sites: %+v", cat)
	}

	doc, err := cloudinit.Render(cloudinit.Input{
		AuthorizedKeys: []string{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@example"},
		UserData:       "#cloud-config\nruncmd:\n  - echo soberana-it\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	replica := randID("pl_img")
	spec := e.spec(replica, itSite1)
	spec.Image, spec.UserData = ubuntu.Ref, doc
	e.cleanup(t, spec.ResourceRef)
	id, err := e.d.Create(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	// user_data is an admin attribute of microversion 2.3 and later.
	c := *e.cn.compute
	c.Microversion = "2.3"
	var got struct {
		Server struct {
			UserData string `json:"OS-EXT-SRV-ATTR:user_data"`
			Image    any    `json:"image"`
		}
	}
	deadline := time.Now().Add(time.Minute)
	for {
		err = servers.Get(ctx, &c, id).ExtractInto(&got.Server) // the answer's "server"
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond) // polling a real cloud until the server is readable
	}
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(got.Server.UserData)
	if err != nil || string(raw) != doc {
		t.Fatalf("Nova holds user_data %q (%v), want the rendered document:\n%s", got.Server.UserData, err, doc)
	}
	if img, _ := got.Server.Image.(map[string]any); img == nil || img["id"] != ubuntu.Ref {
		t.Errorf("server image %v, want %s", got.Server.Image, ubuntu.Ref)
	}
	if !strings.Contains(string(raw), "echo soberana-it") {
		t.Error("the user's runcmd is missing")
	}
}
