package placement_test

import (
	"errors"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/placement"
)

// A request for an image family goes only to sites whose catalogue has
// it, and says so, in every language, when none has.
func TestImageFamily(t *testing.T) {
	t.Parallel()
	e := vmProviders(placement.Options{}, vmProvider{"cheap", placement.Restricted, 50}, vmProvider{"dear", placement.Restricted, 100})
	capa := placement.Resources{VCPU: 16, MemoryMiB: 65536, DiskGiB: 1000}
	must(e.UpsertSite(placement.Site{ID: "a", ProviderID: "cheap", Country: "BR", Certification: placement.Restricted, Capacity: capa, Images: []string{"debian-12"}}))
	must(e.UpsertSite(placement.Site{ID: "b", ProviderID: "dear", Country: "BR", Certification: placement.Restricted, Capacity: capa, Images: []string{"debian-12", "ubuntu-24.04"}}))
	req := placement.Request{OfferingID: "vm", Replicas: 1, Resources: placement.Resources{VCPU: 1, MemoryMiB: 1024, DiskGiB: 10},
		Residency: placement.Residency{Countries: []string{"BR"}}}

	d, err := e.Preview(req)
	if err != nil || d.Choices[0].SiteID != "a" {
		t.Fatalf("without an image the cheapest site: %+v %v", d, err)
	}
	req.Image = "ubuntu-24.04"
	if d, err = e.Preview(req); err != nil || d.Choices[0].SiteID != "b" {
		t.Fatalf("ubuntu-24.04 only at b: %+v %v", d, err)
	}
	req.Image = "rocky-9"
	_, err = e.Preview(req)
	var nf *placement.NoFitError
	if !errors.As(err, &nf) {
		t.Fatalf("want a NoFitError, got %v", err)
	}
	if len(nf.Reasons.Rejected) != 1 || nf.Reasons.Rejected[0].Reason != placement.ReasonImage || nf.Reasons.Rejected[0].Sites != 2 {
		t.Errorf("reasons: %+v", nf.Reasons.Rejected)
	}
	want := map[i18n.Lang]string{
		i18n.EN:   "0 of 2 sites fit: 2 without image rocky-9 in their provider's catalogue",
		i18n.ES:   "0 de 2 sitios cumplen: 2 sin la imagen rocky-9 en el catálogo de su proveedor",
		i18n.PTBR: "0 de 2 sites atendem: 2 sem a imagem rocky-9 no catálogo do seu provedor",
	}
	for l, w := range want {
		if got := nf.Explain(l); got != w {
			t.Errorf("%s:\n got %s\nwant %s", l, got, w)
		}
	}
	// The catalogue changes with the fleet: b loses ubuntu.
	must(e.UpsertSite(placement.Site{ID: "b", ProviderID: "dear", Country: "BR", Certification: placement.Restricted, Capacity: capa, Images: []string{"debian-12"}}))
	req.Image = "ubuntu-24.04"
	if _, err := e.Preview(req); !errors.As(err, &nf) {
		t.Errorf("ubuntu gone from b still placed: %v", err)
	}
	req.Image = "debian-12"
	req.Replicas = 2
	if d, err := e.Place(req); err != nil || len(d.Choices) != 2 {
		t.Errorf("debian-12 at both: %+v %v", d, err)
	}
}
