package placement_test

import (
	"errors"
	"fmt"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/placement"
)

func Example() {
	e := placement.New(placement.Options{Currency: "BRL", MinorDigits: 2})
	_ = e.UpsertProvider(placement.Provider{ID: "nuvem", Jurisdiction: "BR", Certification: placement.Restricted})
	_ = e.UpsertSite(placement.Site{
		ID: "sp-1", ProviderID: "nuvem", Country: "BR", Subdivision: "BR-SP", Lat: -23.55, Lon: -46.63,
		FailureDomain: "sp", Certification: placement.Restricted,
		Capacity: placement.Resources{VCPU: 16, MemoryMiB: 65536, DiskGiB: 1000},
	})
	// Monthly cost per replica, converted by the caller to BRL centavos.
	_ = e.SetPrice("nuvem", "SCS-2V-4-20s", 21728)

	req := placement.Request{
		OfferingID:     "SCS-2V-4-20s",
		Resources:      placement.Resources{VCPU: 2, MemoryMiB: 4096, DiskGiB: 20},
		Replicas:       1,
		Classification: placement.Confidential,
		Residency:      placement.Residency{Countries: []string{"BR"}},
		Sovereignty:    placement.Sovereignty{Mode: placement.National},
	}
	d, err := e.Place(req) // reserves 2 vCPU, 4 GiB, 20 GiB on sp-1
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Explain(i18n.EN))

	req.Replicas = 2
	_, err = e.Preview(req)
	var nf *placement.NoFitError
	if errors.As(err, &nf) {
		fmt.Println(nf.Explain(i18n.PTBR))
	}
	// Output:
	// 1 replica placed for BRL 217.28 per month, the cheapest set that meets every constraint: sp-1 (provider nuvem, failure domain sp, BR-SP): BRL 217.28 per month
	// 0 de 1 sites atendem; resta só 1 site, 2 réplicas exigidas
}
