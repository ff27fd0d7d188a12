package placement_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/placement"
)

// The example, to the site: 10,000 sites, of which 40 fit alone
// but all at one provider.
func TestExplainNoFit(t *testing.T) {
	t.Parallel()
	e := vmProviders(placement.Options{}, vmProvider{"certified", placement.Restricted, 100}, vmProvider{"plain", placement.Confidential, 50})
	n := 0
	add := func(count int, s placement.Site) {
		for range count {
			s.ID = fmt.Sprintf("site-%05d", n)
			n++
			if s.Country == "" {
				s.Country = "BR"
			}
			s.Certification = placement.Restricted
			if s.Capacity == (placement.Resources{}) {
				s.Capacity = placement.Resources{VCPU: 16, MemoryMiB: 65536, DiskGiB: 1000}
			}
			must(e.UpsertSite(s))
		}
	}
	add(6120, placement.Site{ProviderID: "certified", Country: "AR"})
	add(2200, placement.Site{ProviderID: "plain"})
	add(1490, placement.Site{ProviderID: "certified", Capacity: placement.Resources{VCPU: 16, MemoryMiB: 1024, DiskGiB: 1000}})
	add(150, placement.Site{ProviderID: "certified", Health: placement.Down})
	add(40, placement.Site{ProviderID: "certified"})

	_, err := e.Preview(placement.Request{
		OfferingID: "vm", Replicas: 2,
		Resources:      placement.Resources{VCPU: 2, MemoryMiB: 4096, DiskGiB: 20},
		Classification: placement.Restricted,
		Residency:      placement.Residency{Countries: []string{"BR"}},
		Redundancy:     placement.Redundancy{MinProviders: 2},
	})
	var nf *placement.NoFitError
	if !errors.As(err, &nf) || !errors.Is(err, placement.ErrNoFit) {
		t.Fatalf("want a NoFitError, got %v", err)
	}
	r := nf.Reasons
	if r.Fit != 40 || r.ProvidersLeft != 1 || r.Set != placement.SetProviders {
		t.Errorf("reasons: %+v", r)
	}
	en := "0 of 10,000 sites fit: 6,120 outside residency [BR], 2,200 provider not certified for restricted, 1,490 insufficient memory, 150 unhealthy; redundancy: only 1 provider left, 2 required"
	wantExplain(t, nf, en,
		"0 de 10.000 sitios cumplen: 6.120 fuera de la residencia [BR], 2.200 proveedor no certificado para datos restringidos, 1.490 memoria insuficiente, 150 fuera de servicio; redundancia: solo queda 1 proveedor, se requieren 2",
		"0 de 10.000 sites atendem: 6.120 fora da residência [BR], 2.200 provedor não certificado para dados restritos, 1.490 memória insuficiente, 150 fora de serviço; redundância: resta só 1 provedor, 2 exigidos")
	if got := err.Error(); got != placement.ErrNoFit.Error()+": "+en {
		t.Errorf("Error() = %s", got)
	}
}

func explainFleet() *placement.Engine {
	e := vmProviders(placement.Options{Currency: "BRL", MinorDigits: 2},
		vmProvider{"nuvem", placement.Restricted, 123456}, vmProvider{"ceu", placement.Restricted, 150000})
	restrictedSites(e, placement.Resources{VCPU: 16, MemoryMiB: 65536, DiskGiB: 1000},
		placement.Site{ID: "sp-1", ProviderID: "nuvem", Country: "BR", Subdivision: "BR-SP", Lat: -23.55, Lon: -46.63, FailureDomain: "sp"},
		placement.Site{ID: "sp-2", ProviderID: "nuvem", Country: "BR", Subdivision: "BR-SP", Lat: -23.50, Lon: -46.60, FailureDomain: "sp"},
		placement.Site{ID: "rj-1", ProviderID: "ceu", Country: "BR", Subdivision: "BR-RJ", Lat: -22.91, Lon: -43.17, FailureDomain: "rj"})
	return e
}

func TestExplainDecision(t *testing.T) {
	t.Parallel()
	previewExplains(t, placement.Request{
		OfferingID: "vm", Replicas: 2,
		Resources:  placement.Resources{VCPU: 2, MemoryMiB: 4096},
		Residency:  placement.Residency{Countries: []string{"BR"}},
		Redundancy: placement.Redundancy{MinFailureDomains: 2, MinDistanceKm: 300},
	},
		"2 replicas placed for BRL 2,734.56 per month, the cheapest set that meets every constraint; 2 providers (0 required), 2 failure domains (2 required); replicas at least 361 km apart (300 required): sp-1 (provider nuvem, failure domain sp, BR-SP): BRL 1,234.56 per month; rj-1 (provider ceu, failure domain rj, BR-RJ): BRL 1,500.00 per month",
		"2 réplicas ubicadas por BRL 2.734,56 al mes, el conjunto más barato que cumple todas las restricciones; 2 proveedores (se requieren 0), 2 dominios de falla (se requieren 2); réplicas a 361 km o más entre sí (se requieren 300): sp-1 (proveedor nuvem, dominio de falla sp, BR-SP): BRL 1.234,56 al mes; rj-1 (proveedor ceu, dominio de falla rj, BR-RJ): BRL 1.500,00 al mes",
		"2 réplicas alocadas por BRL 2.734,56 por mês, o conjunto mais barato que cumpre todas as restrições; 2 provedores (0 exigidos), 2 domínios de falha (2 exigidos); réplicas a 361 km ou mais entre si (300 exigidos): sp-1 (provedor nuvem, domínio de falha sp, BR-SP): BRL 1.234,56 por mês; rj-1 (provedor ceu, domínio de falha rj, BR-RJ): BRL 1.500,00 por mês")
}

func TestExplainNearSingle(t *testing.T) {
	t.Parallel()
	previewExplains(t, placement.Request{
		OfferingID: "vm", Replicas: 1,
		Resources:  placement.Resources{VCPU: 2},
		Residency:  placement.Residency{Countries: []string{"BR"}, Subdivisions: []string{"BR-RJ"}},
		Near:       &placement.Near{Lat: -22.9, Lon: -43.2, RadiusKm: 50},
		Preference: placement.Nearest,
	},
		"1 replica placed for BRL 1,500.00 per month, the set nearest to the point that meets every constraint: rj-1 (provider ceu, failure domain rj, BR-RJ): BRL 1,500.00 per month, 3 km from the point",
		"1 réplica ubicada por BRL 1.500,00 al mes, el conjunto más cercano al punto que cumple todas las restricciones: rj-1 (proveedor ceu, dominio de falla rj, BR-RJ): BRL 1.500,00 al mes, a 3 km del punto",
		"1 réplica alocada por BRL 1.500,00 por mês, o conjunto mais próximo do ponto que cumpre todas as restrições: rj-1 (provedor ceu, domínio de falha rj, BR-RJ): BRL 1.500,00 por mês, a 3 km do ponto")
}

func TestExplainCostCeiling(t *testing.T) {
	t.Parallel()
	e := explainFleet()
	_, err := e.Preview(placement.Request{
		OfferingID: "vm", Replicas: 2,
		Resources:        placement.Resources{VCPU: 2},
		Residency:        placement.Residency{Countries: []string{"BR"}},
		Redundancy:       placement.Redundancy{MinProviders: 2},
		CostCeilingMinor: 200000,
	})
	var ce *placement.CostCeilingError
	if !errors.As(err, &ce) || !errors.Is(err, placement.ErrCostCeiling) {
		t.Fatalf("want a CostCeilingError, got %v", err)
	}
	if ce.CheapestMinor != 273456 || !ce.Exact {
		t.Errorf("cheapest %d exact %v", ce.CheapestMinor, ce.Exact)
	}
	wantExplain(t, ce,
		"the cheapest set that fits costs BRL 2,734.56 per month, above the ceiling of BRL 2,000.00",
		"el conjunto más barato que cabe cuesta BRL 2.734,56 al mes, por encima del tope de BRL 2.000,00",
		"o conjunto mais barato que cabe custa BRL 2.734,56 por mês, acima do teto de BRL 2.000,00")
}

func TestExplainSetFailures(t *testing.T) {
	t.Parallel()
	e := explainFleet()
	base := placement.Request{
		OfferingID: "vm", Resources: placement.Resources{VCPU: 2},
		Residency: placement.Residency{Countries: []string{"BR"}},
	}
	cases := []struct {
		name string
		edit func(*placement.Request)
		set  placement.SetFailure
		en   string
	}{
		{"too few sites", func(r *placement.Request) { r.Replicas = 4 }, placement.SetTooFewSites,
			"0 of 3 sites fit; only 3 sites left, 4 replicas required"},
		{"domains", func(r *placement.Request) {
			r.Replicas = 3
			r.Redundancy.MinFailureDomains = 3
		}, placement.SetDomains,
			"0 of 3 sites fit; redundancy: only 2 failure domains left, 3 required"},
		{"domain cap", func(r *placement.Request) {
			r.Replicas = 3
			r.Redundancy.MaxPerFailureDomain = 1
		}, placement.SetDomainCap,
			"0 of 3 sites fit; redundancy: with at most 1 per failure domain, only 2 of 3 replicas have room"},
		{"combination", func(r *placement.Request) {
			r.Replicas = 2
			r.Redundancy.MinDistanceKm = 400
		}, placement.SetCombination,
			"0 of 3 sites fit; redundancy: no 2 of the 3 remaining sites meet 0 providers, 0 failure domains and 400 km apart together"},
		{"tier and excluded", func(r *placement.Request) {
			r.Replicas = 1
			edge := placement.Edge
			r.Tier = &edge
			r.Exclude = []string{"rj-1"}
		}, placement.SetOK,
			"0 of 3 sites fit: 2 not in the edge tier, 1 excluded by the request"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := base
			c.edit(&req)
			_, err := e.Preview(req)
			var nf *placement.NoFitError
			if !errors.As(err, &nf) {
				t.Fatalf("want a NoFitError, got %v", err)
			}
			if nf.Reasons.Set != c.set {
				t.Errorf("set failure %s, want %s", nf.Reasons.Set, c.set)
			}
			if got := nf.Explain(i18n.EN); got != c.en {
				t.Errorf("got  %s\nwant %s", got, c.en)
			}
			for _, lang := range []i18n.Lang{i18n.ES, i18n.PTBR} {
				if got := nf.Explain(lang); got == c.en || got == "" {
					t.Errorf("%s not translated: %s", lang, got)
				}
			}
		})
	}
}

func TestInvalidRequest(t *testing.T) {
	t.Parallel()
	e := explainFleet()
	tier := placement.Tier(7)
	_, err := e.Preview(placement.Request{
		Replicas:   2,
		Resources:  placement.Resources{VCPU: -1},
		Residency:  placement.Residency{Countries: []string{"BR", "brazil"}, Subdivisions: []string{"AR-B"}},
		Redundancy: placement.Redundancy{MinProviders: 3},
		Tier:       &tier,
		Preference: placement.Nearest,
	})
	var ie *placement.InvalidRequestError
	if !errors.As(err, &ie) || !errors.Is(err, placement.ErrInvalidRequest) {
		t.Fatalf("want an InvalidRequestError, got %v", err)
	}
	wantExplain(t, ie,
		"offering_id: required; resources: out of range; residency.countries[1]: not a valid ISO 3166 code; residency.subdivisions[0]: subdivision of a country not in residency.countries; redundancy.min_providers: out of range; tier: unknown value; near: required",
		"offering_id: obligatorio; resources: fuera de rango; residency.countries[1]: no es un código ISO 3166 válido; residency.subdivisions[0]: subdivisión de un país que no está en residency.countries; redundancy.min_providers: fuera de rango; tier: valor desconocido; near: obligatorio",
		"offering_id: obrigatório; resources: fora do intervalo; residency.countries[1]: não é um código ISO 3166 válido; residency.subdivisions[0]: subdivisão de um país fora de residency.countries; redundancy.min_providers: fora do intervalo; tier: valor desconhecido; near: obrigatório")
}

// wantExplain checks an explanation in every language the product speaks.
// previewExplains previews req on explainFleet and wants the decision
// explained as en, es and ptBR.
func previewExplains(t *testing.T, req placement.Request, en, es, ptBR string) {
	t.Helper()
	d, err := explainFleet().Preview(req)
	if err != nil {
		t.Fatal(err)
	}
	wantExplain(t, &d, en, es, ptBR)
}

func wantExplain(t *testing.T, x interface{ Explain(i18n.Lang) string }, en, es, ptBR string) {
	t.Helper()
	for lang, w := range map[i18n.Lang]string{i18n.EN: en, i18n.ES: es, i18n.PTBR: ptBR} {
		if got := x.Explain(lang); got != w {
			t.Errorf("%s:\n got %s\nwant %s", lang, got, w)
		}
	}
}
