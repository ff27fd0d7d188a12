package placement_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/placement"
)

// TestSubstrate: a request for real sites never gets a simulated one,
// however cheaper, and one for simulated sites never a real one; the
// no-fit reason counts the sites left out for it.
func TestSubstrate(t *testing.T) {
	t.Parallel()
	e := placement.New(placement.Options{Currency: "BRL", MinorDigits: 2})
	site := func(id, prov, fd string) placement.Site {
		return placement.Site{ID: id, ProviderID: prov, Country: "BR", Lat: -23.5, Lon: -46.6, FailureDomain: fd,
			Certification: placement.Restricted, Capacity: placement.Resources{VCPU: 16, MemoryMiB: 65536, DiskGiB: 1000}}
	}
	for _, p := range []placement.Provider{
		{ID: "real", Jurisdiction: "BR", Certification: placement.Restricted},
		{ID: "sim", Jurisdiction: "BR", Certification: placement.Restricted, Simulated: true},
	} {
		if err := e.UpsertProvider(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []placement.Site{site("r1", "real", "a"), site("s1", "sim", "b"), site("s2", "sim", "c")} {
		if err := e.UpsertSite(s); err != nil {
			t.Fatal(err)
		}
	}
	_ = e.SetPrice("real", "o", 90000)
	_ = e.SetPrice("sim", "o", 100)
	req := placement.Request{OfferingID: "o", Resources: placement.Resources{VCPU: 1, MemoryMiB: 1024, DiskGiB: 10}, Replicas: 1,
		Residency: placement.Residency{Countries: []string{"BR"}}}

	d, err := e.Preview(req)
	if err != nil || d.Choices[0].ProviderID != "sim" {
		t.Fatalf("any substrate: %+v %v; want the cheaper simulated site", d.Choices, err)
	}
	req.Substrate = placement.SubstrateReal
	d, err = e.Preview(req)
	if err != nil || d.Choices[0].SiteID != "r1" {
		t.Fatalf("real only: %+v %v", d.Choices, err)
	}
	req.Replicas = 2
	_, err = e.Preview(req)
	var nf *placement.NoFitError
	if !errors.As(err, &nf) || !strings.Contains(nf.Explain(i18n.EN), "2 on simulated providers") {
		t.Fatalf("two real replicas with one real site: %v", err)
	}
	req.Substrate = placement.SubstrateSimulated
	d, err = e.Preview(req)
	if err != nil || len(d.Choices) != 2 || d.Choices[0].ProviderID != "sim" || d.Choices[1].ProviderID != "sim" {
		t.Fatalf("simulated only: %+v %v", d.Choices, err)
	}
	req.Replicas = 3
	if _, err = e.Preview(req); !errors.As(err, &nf) || !strings.Contains(nf.Explain(i18n.ES), "1 de proveedores reales") {
		t.Fatalf("three simulated replicas with two simulated sites: %v", err)
	}
}
