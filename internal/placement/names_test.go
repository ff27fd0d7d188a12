package placement_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/placement"
)

// TestExplainNamesNotIDs is issue #18 item 8 for placement: when the
// fleet gives names, an explanation names sites, providers and the
// offering by them, in every language, and no id appears in it.
func TestExplainNamesNotIDs(t *testing.T) {
	t.Parallel()
	e := placement.New(placement.Options{Currency: "BRL", MinorDigits: 2})
	must(e.UpsertProvider(placement.Provider{ID: "prv_01HZX", Name: "Nuvem Gov", Jurisdiction: "BR", Certification: placement.Restricted}))
	must(e.SetPrice("prv_01HZX", "off_01HZY/BRL", 123456))
	must(e.UpsertSite(placement.Site{ID: "site_01HZW", Name: "São Paulo 1", ProviderID: "prv_01HZX", Country: "BR",
		Subdivision: "BR-SP", FailureDomain: "sp", Certification: placement.Restricted,
		Capacity: placement.Resources{VCPU: 16, MemoryMiB: 65536, DiskGiB: 1000}}))
	ids := []string{"prv_01HZX", "site_01HZW", "off_01HZY", "off_01HZZ"}

	d, err := e.Preview(placement.Request{OfferingID: "off_01HZY/BRL", OfferingName: "SCS-2V-4", Replicas: 1,
		Resources: placement.Resources{VCPU: 2, MemoryMiB: 4096}, Residency: placement.Residency{Countries: []string{"BR"}}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Choices[0].SiteName != "São Paulo 1" || d.Choices[0].ProviderName != "Nuvem Gov" || d.Choices[0].SiteID != "site_01HZW" {
		t.Fatalf("choice: %+v", d.Choices[0])
	}
	// An offering priced nowhere: the no-fit reason names it.
	_, err = e.Preview(placement.Request{OfferingID: "off_01HZZ/BRL", OfferingName: "SCS-8V-32", Replicas: 1,
		Resources: placement.Resources{VCPU: 8}, Residency: placement.Residency{Countries: []string{"BR"}}})
	var nf *placement.NoFitError
	if !errors.As(err, &nf) {
		t.Fatalf("want no fit, got %v", err)
	}
	for _, lang := range []i18n.Lang{i18n.ES, i18n.PTBR, i18n.EN} {
		placed, refused := d.Explain(lang), nf.Explain(lang)
		if !strings.Contains(placed, "São Paulo 1") || !strings.Contains(placed, "Nuvem Gov") {
			t.Errorf("%s: the decision does not name the site and provider: %s", lang, placed)
		}
		if !strings.Contains(refused, "SCS-8V-32") {
			t.Errorf("%s: the refusal does not name the offering: %s", lang, refused)
		}
		for _, id := range ids {
			if strings.Contains(placed, id) || strings.Contains(refused, id) {
				t.Errorf("%s: an id (%s) where a person reads:\n%s\n%s", lang, id, placed, refused)
			}
		}
	}
}
