// Package seed creates the demo fleet that `soberana up` serves on a new
// database: simulated providers in four countries, core and edge sites in
// real cities, SCS flavors, price lists in four currencies, exchange rates,
// and two institutions with budget lines and projects. Everything it
// creates from the sim driver is marked simulated.
package seed

import (
	"context"
	"fmt"
	"strconv"

	"github.com/soberana/soberana/internal/geo"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// site is one demo site. Its city is one of geo.Cities (looked up by
// country and name): the city gives the subdivision and the coordinates,
// so the demo fleet and geo cannot drift apart.
type site struct {
	name, country, city    string
	tier, domain           string
	vcpus, memGiB, diskGiB int64
}

type provider struct {
	name, jurisdiction, certification, currency string
	// per-hour unit prices in millionths of the currency's major unit
	perVCPU, perGiBRAM, perGiBDisk int64
	sites                          []site
}

// Demo is the demo fleet, in real cities (geo.Cities).
var demo = []provider{
	{name: "Nuvem Verde (sim)", jurisdiction: "BR", certification: model.ClassRestricted, currency: "BRL",
		perVCPU: 95_000, perGiBRAM: 24_000, perGiBDisk: 400, sites: []site{
			{"gru-1", "BR", "São Paulo", model.TierCore, "br-southeast-a", 2048, 8192, 200_000},
			{"gig-1", "BR", "Rio de Janeiro", model.TierCore, "br-southeast-b", 1024, 4096, 100_000},
			{"bsb-1", "BR", "Brasília", model.TierCore, "br-central", 1024, 4096, 100_000},
			{"rec-edge-1", "BR", "Recife", model.TierEdge, "br-northeast", 64, 256, 4_000},
			{"poa-edge-1", "BR", "Porto Alegre", model.TierEdge, "br-south", 64, 256, 4_000},
		}},
	{name: "Nube Azteca (sim)", jurisdiction: "MX", certification: model.ClassRestricted, currency: "MXN",
		perVCPU: 330_000, perGiBRAM: 85_000, perGiBDisk: 1_500, sites: []site{
			{"mex-1", "MX", "Ciudad de México", model.TierCore, "mx-centro-a", 2048, 8192, 200_000},
			{"qro-1", "MX", "Querétaro", model.TierCore, "mx-centro-b", 1024, 4096, 100_000},
			{"gdl-1", "MX", "Guadalajara", model.TierCore, "mx-occidente", 512, 2048, 50_000},
			{"mty-edge-1", "MX", "Monterrey", model.TierEdge, "mx-norte", 64, 256, 4_000},
		}},
	{name: "Telco Andina (sim)", jurisdiction: "CL", certification: model.ClassConfidential, currency: "CLP",
		perVCPU: 17_500_000, perGiBRAM: 4_400_000, perGiBDisk: 80_000, sites: []site{
			{"scl-1", "CL", "Santiago", model.TierCore, "cl-rm-a", 1024, 4096, 100_000},
			{"vap-edge-1", "CL", "Valparaíso", model.TierEdge, "cl-vs", 64, 256, 4_000},
			{"ccp-edge-1", "CL", "Concepción", model.TierEdge, "cl-bi", 64, 256, 4_000},
			{"anf-edge-1", "CL", "Antofagasta", model.TierEdge, "cl-an", 32, 128, 2_000},
		}},
	{name: "Global Hyperscale LatAm (sim)", jurisdiction: "US", certification: model.ClassInternal, currency: "USD",
		perVCPU: 17_000, perGiBRAM: 4_300, perGiBDisk: 80, sites: []site{
			{"bog-1", "CO", "Bogotá", model.TierCore, "co-andina-a", 2048, 8192, 200_000},
			{"mde-1", "CO", "Medellín", model.TierCore, "co-andina-b", 1024, 4096, 100_000},
			{"gru-hs-1", "BR", "Osasco", model.TierCore, "br-hs-sp", 4096, 16384, 400_000},
		}},
}

var offerings = []model.Offering{
	{Name: "SCS-1V-2-20s", Kind: model.KindVM, Description: "1 vCPU, 2 GiB, 20 GB SSD"},
	{Name: "SCS-2V-4-20s", Kind: model.KindVM, Description: "2 vCPU, 4 GiB, 20 GB SSD"},
	{Name: "SCS-2V-8-50", Kind: model.KindVM, Description: "2 vCPU, 8 GiB, 50 GB"},
	{Name: "SCS-4V-16-50", Kind: model.KindVM, Description: "4 vCPU, 16 GiB, 50 GB"},
	{Name: "SCS-8V-32-100", Kind: model.KindVM, Description: "8 vCPU, 32 GiB, 100 GB"},
	{Name: "SCS-16V-64-200s", Kind: model.KindVM, Description: "16 vCPU, 64 GiB, 200 GB SSD"},
	{Name: "ns-small", Kind: model.KindNamespace, VCPUs: 4, MemoryMiB: 8192, DiskGiB: 20, Description: "Kubernetes namespace quota: 4 vCPU, 8 GiB, 20 GiB"},
	{Name: "vol-100", Kind: model.KindVolume, DiskGiB: 100, Description: "Block volume, 100 GiB"},
}

// rates of one unit of From in To, published on the first day of the
// fiscal year. Illustrative values of the kind a central bank publishes.
var rates = []model.FXRate{
	{From: "USD", To: "BRL", Rate: "5.4213", Source: "demo (BCB PTAX style)"},
	{From: "MXN", To: "BRL", Rate: "0.2975", Source: "demo (BCB PTAX style)"},
	{From: "CLP", To: "BRL", Rate: "0.005712", Source: "demo (BCB PTAX style)"},
	{From: "BRL", To: "CLP", Rate: "175.07", Source: "demo (Banco Central de Chile style)"},
	{From: "USD", To: "CLP", Rate: "949.12", Source: "demo (Banco Central de Chile style)"},
	{From: "MXN", To: "CLP", Rate: "52.08", Source: "demo (Banco Central de Chile style)"},
	{From: "USD", To: "MXN", Rate: "18.2231", Source: "demo (Banxico FIX style)"},
	{From: "BRL", To: "MXN", Rate: "3.3612", Source: "demo (Banxico FIX style)"},
	{From: "CLP", To: "MXN", Rate: "0.019201", Source: "demo (Banxico FIX style)"},
}

// Demo writes the demo fleet in tx.
func Demo(ctx context.Context, tx *store.Tx) error {
	year := tx.Now().Year()
	validFrom := fmt.Sprintf("%d-01-01", year)
	offs := make([]model.Offering, len(offerings))
	for i, o := range offerings {
		o.Defaults()
		if err := o.Validate(); err != nil {
			return fmt.Errorf("offering %s: %w", o.Name, err)
		}
		if err := tx.Offerings().Create(ctx, &o, "off"); err != nil {
			return err
		}
		offs[i] = o
	}
	for _, p := range demo {
		prov := model.Provider{Name: p.name, Driver: model.DriverSim, Jurisdiction: p.jurisdiction,
			Certification: p.certification, Currency: p.currency}
		prov.Defaults()
		if err := prov.Validate(); err != nil {
			return fmt.Errorf("provider %s: %w", p.name, err)
		}
		if err := tx.Providers().Create(ctx, &prov, "prv"); err != nil {
			return err
		}
		for _, s := range p.sites {
			city, ok := geo.CityNamed(s.country, s.city)
			if !ok {
				return fmt.Errorf("site %s: %s (%s) is not one of geo.Cities", s.name, s.city, s.country)
			}
			st := model.Site{ProviderID: prov.ID, Name: s.name, Country: city.Country, Subdivision: city.Subdivision,
				City: city.Name, Latitude: city.Lat, Longitude: city.Lon, Tier: s.tier, FailureDomain: s.domain,
				Capacity:  model.Capacity{VCPUs: s.vcpus, MemoryMiB: s.memGiB * 1024, DiskGiB: s.diskGiB},
				Simulated: true}
			st.Defaults()
			if err := st.Validate(); err != nil {
				return fmt.Errorf("site %s: %w", s.name, err)
			}
			if err := tx.Sites().Create(ctx, &st, "site"); err != nil {
				return err
			}
		}
		for _, o := range offs {
			micros := o.VCPUs*p.perVCPU + (o.MemoryMiB/1024)*p.perGiBRAM + o.DiskGiB*p.perGiBDisk
			pr := model.Price{ProviderID: prov.ID, OfferingID: o.ID, Currency: p.currency,
				PerHour: microsToDecimal(micros), ValidFrom: validFrom}
			if err := pr.Validate(); err != nil {
				return fmt.Errorf("price %s/%s: %w", p.name, o.Name, err)
			}
			if err := tx.Prices().Create(ctx, &pr, "prc"); err != nil {
				return err
			}
		}
	}
	for _, r := range rates {
		r.ValidOn = validFrom
		if err := r.Validate(); err != nil {
			return fmt.Errorf("rate %s/%s: %w", r.From, r.To, err)
		}
		if err := tx.FXRates().Create(ctx, &r, "fx"); err != nil {
			return err
		}
	}
	return institutions(ctx, tx, year)
}

func institutions(ctx context.Context, tx *store.Tx, year int) error {
	list := []struct {
		ins      model.Institution
		line     model.BudgetLine
		projects []string
	}{
		{
			ins: model.Institution{Name: "Ministério da Saúde (demo)", Country: "BR", Currency: "BRL",
				AutoApproveMinor: 500_000, AllowOverdraftRequests: true,
				// Health records: Brazilian law, in Brazil, whatever the classification.
				DataPolicy: model.DataPolicy{Sovereignty: model.SovereigntyNational, Countries: []string{"BR"}}},
			line:     model.BudgetLine{Code: "10.302.5018", Name: "Atenção especializada — nuvem", AmountMinor: 250_000_000},
			projects: []string{"prontuario-eletronico", "telemedicina"},
		},
		{
			ins: model.Institution{Name: "Ministerio de Salud de Chile (demo)", Country: "CL", Currency: "CLP",
				AutoApproveMinor: 1_000_000,
				DataPolicy:       model.DataPolicy{Sovereignty: model.SovereigntyNational, Countries: []string{"CL"}}},
			line:     model.BudgetLine{Code: "21-04-001", Name: "Servicios de nube soberana", AmountMinor: 400_000_000},
			projects: []string{"registro-clinico"},
		},
	}
	for _, it := range list {
		ins := it.ins
		ins.Defaults()
		if err := ins.Validate(); err != nil {
			return err
		}
		if err := tx.Institutions().Create(ctx, &ins, "ins"); err != nil {
			return err
		}
		line := it.line
		line.InstitutionID, line.FiscalYear, line.Currency = ins.ID, year, ins.Currency
		if err := line.Validate(); err != nil {
			return err
		}
		if err := tx.BudgetLines().Create(ctx, &line, "bl"); err != nil {
			return err
		}
		for _, name := range it.projects {
			p := model.Project{InstitutionID: ins.ID, BudgetLineID: line.ID, Name: name}
			if err := tx.Projects().Create(ctx, &p, "prj"); err != nil {
				return err
			}
		}
	}
	return nil
}

// microsToDecimal renders millionths as an exact decimal string.
func microsToDecimal(m int64) string {
	s := strconv.FormatInt(m, 10)
	for len(s) < 7 {
		s = "0" + s
	}
	return s[:len(s)-6] + "." + s[len(s)-6:]
}
