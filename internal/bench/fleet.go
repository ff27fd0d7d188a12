package bench

import (
	"fmt"
	"math/rand/v2"

	"github.com/soberana/soberana/internal/placement"
)

// region is a subdivision with its centroid.
type region struct {
	code     string
	lat, lon float64
}

type country struct {
	code     string
	currency string
	regions  []region
}

// Brazil holds half the synthetic fleet; requests ask for Brazil, so half
// the sites are outside residency.
var countries = []country{
	{"BR", "BRL", []region{
		{"BR-SP", -23.55, -46.63}, {"BR-RJ", -22.91, -43.17}, {"BR-MG", -19.92, -43.94},
		{"BR-RS", -30.03, -51.23}, {"BR-BA", -12.97, -38.50}, {"BR-PE", -8.05, -34.88},
		{"BR-DF", -15.79, -47.88}, {"BR-PR", -25.43, -49.27}, {"BR-CE", -3.73, -38.52},
		{"BR-AM", -3.12, -60.02},
	}},
	{"MX", "MXN", []region{{"MX-CMX", 19.43, -99.13}, {"MX-JAL", 20.67, -103.35}, {"MX-NLE", 25.69, -100.32}}},
	{"AR", "ARS", []region{{"AR-C", -34.60, -58.38}, {"AR-X", -31.42, -64.18}, {"AR-S", -32.95, -60.65}}},
	{"CO", "COP", []region{{"CO-DC", 4.71, -74.07}, {"CO-ANT", 6.24, -75.58}, {"CO-VAC", 3.45, -76.53}}},
	{"CL", "CLP", []region{{"CL-RM", -33.45, -70.67}, {"CL-VS", -33.05, -71.62}, {"CL-BI", -36.83, -73.05}}},
	{"PE", "PEN", []region{{"PE-LIM", -12.05, -77.04}, {"PE-ARE", -16.41, -71.54}}},
}

// foreign jurisdictions of multinational providers, with their price-list
// currency.
var foreign = []struct{ jur, currency string }{{"US", "USD"}, {"ES", "EUR"}, {"DE", "EUR"}, {"CN", "USD"}}

// Exchange rates to BRL on the price date, in millionths, and the minor
// unit digits of each currency. CLP has no minor unit.
var (
	rateToBRLMicros = map[string]int64{
		"BRL": 1_000_000, "USD": 5_432_100, "EUR": 5_901_200, "MXN": 298_700,
		"ARS": 5_900, "COP": 1_341, "CLP": 5_812, "PEN": 1_456_700,
	}
	minorDigits = map[string]int{
		"BRL": 2, "USD": 2, "EUR": 2, "MXN": 2, "ARS": 2, "COP": 2, "CLP": 0, "PEN": 2,
	}
)

// Offering is one thing a request asks for, with what a replica needs and
// its reference monthly price in US cents.
type Offering struct {
	ID        string
	Resources placement.Resources
	baseUSDc  int64
}

// Offerings are the synthetic catalog: Sovereign Cloud Stack flavor names.
var Offerings = []Offering{
	{"SCS-2V-4-20s", placement.Resources{VCPU: 2, MemoryMiB: 4 << 10, DiskGiB: 20}, 4_000},
	{"SCS-4V-8-50", placement.Resources{VCPU: 4, MemoryMiB: 8 << 10, DiskGiB: 50}, 8_000},
	{"SCS-8V-32-100", placement.Resources{VCPU: 8, MemoryMiB: 32 << 10, DiskGiB: 100}, 20_000},
	{"SCS-16V-64-200", placement.Resources{VCPU: 16, MemoryMiB: 64 << 10, DiskGiB: 200}, 40_000},
}

// BulkOffering is the flavor of the bulk scenario: 6 vCPU, 6 GiB.
var BulkOffering = Offering{"SCS-6V-6-40", placement.Resources{VCPU: 6, MemoryMiB: 6 << 10, DiskGiB: 40}, 9_000}

// Price is one entry of a provider's price list, in its own currency.
type Price struct {
	ProviderID, OfferingID string
	Currency               string
	ListMinor              int64 // in Currency's minor units
}

// FleetOpts sizes a synthetic fleet.
type FleetOpts struct {
	Sites          int
	Providers      int
	FailureDomains int // 0: one per 50 sites, at least 10
	Seed           uint64
}

// Fleet is a synthetic fleet: countries, subdivisions, tiers, failure
// domains, mixed certifications and price lists in several currencies.
type Fleet struct {
	Providers []placement.Provider
	Sites     []placement.Site
	Prices    []Price
}

// NewFleet builds a fleet deterministically from opts.
func NewFleet(o FleetOpts) *Fleet {
	if o.Providers < 1 {
		o.Providers = 1
	}
	if o.FailureDomains <= 0 {
		o.FailureDomains = max(10, o.Sites/50)
	}
	// One generator in a fixed order (providers, prices, sites): the
	// same seed gives the same fleet.
	g := fleetGen{rng: rand.New(rand.NewPCG(o.Seed, 0x50be7a1a)), byCountry: make([][]int, len(countries))}
	f := &Fleet{}
	for i := range o.Providers {
		f.Providers = append(f.Providers, g.provider(i))
	}
	for _, off := range append(Offerings[:len(Offerings):len(Offerings)], BulkOffering) {
		for i, p := range f.Providers {
			if g.rng.IntN(10) == 0 {
				continue // not every provider sells every flavor
			}
			f.Prices = append(f.Prices, g.price(off, p.ID, g.currency[i]))
		}
	}
	for i := range o.Sites {
		f.Sites = append(f.Sites, g.site(i, f.Providers, o))
	}
	return f
}

// fleetGen is NewFleet's state: the generator and, per provider, its
// currency, the providers at home in each country and the multinationals.
type fleetGen struct {
	rng           *rand.Rand
	currency      []string
	byCountry     [][]int
	multinational []int
}

// provider draws provider i: half Brazilian, the rest spread over the
// other countries; one in four is a multinational incorporated abroad
// that operates everywhere.
func (g *fleetGen) provider(i int) placement.Provider {
	rng := g.rng
	p := placement.Provider{ID: fmt.Sprintf("prov-%03d", i), Certification: pick(rng, []placement.Classification{
		placement.Public, placement.Public, placement.Internal, placement.Internal, placement.Internal,
		placement.Internal, placement.Confidential, placement.Confidential, placement.Confidential,
		placement.Restricted, placement.Restricted, placement.Restricted,
	})}
	switch h := rng.IntN(100); {
	case h < 1:
		p.Health = placement.Down
	case h < 4:
		p.Health = placement.Degraded
	}
	if i%4 == 3 {
		fj := foreign[rng.IntN(len(foreign))]
		p.Jurisdiction = fj.jur
		g.currency = append(g.currency, fj.currency)
		g.multinational = append(g.multinational, i)
		return p
	}
	c := 0
	if i%2 == 1 {
		c = 1 + rng.IntN(len(countries)-1)
	}
	p.Jurisdiction = countries[c].code
	g.currency = append(g.currency, countries[c].currency)
	g.byCountry[c] = append(g.byCountry[c], i)
	return p
}

// price draws a provider's list price of off: the reference in USD, times
// a provider factor, in the provider's currency cur, rounded to its minor
// unit.
func (g *fleetGen) price(off Offering, providerID, cur string) Price {
	usdc := off.baseUSDc * int64(70+g.rng.IntN(61)) / 100
	list := usdc * rateToBRLMicros["USD"] / rateToBRLMicros[cur]
	if minorDigits[cur] == 0 {
		list /= 100
	}
	return Price{ProviderID: providerID, OfferingID: off.ID, Currency: cur, ListMinor: max(list, 1)}
}

// site draws site i: half in Brazil, run by a provider at home in its
// country or (one in four, or when none is) a multinational; one in four
// is an edge site, smaller than a region's.
func (g *fleetGen) site(i int, providers []placement.Provider, o FleetOpts) placement.Site {
	rng := g.rng
	ci := 0
	if i%2 == 1 {
		ci = 1 + rng.IntN(len(countries)-1)
	}
	c := countries[ci]
	cands := g.byCountry[ci]
	var pi int
	switch {
	case len(g.multinational) > 0 && (len(cands) == 0 || rng.IntN(4) == 0):
		pi = g.multinational[rng.IntN(len(g.multinational))]
	case len(cands) > 0:
		pi = cands[rng.IntN(len(cands))]
	default:
		pi = rng.IntN(o.Providers)
	}
	r := c.regions[rng.IntN(len(c.regions))]
	s := placement.Site{
		ID:            fmt.Sprintf("site-%05d", i),
		ProviderID:    providers[pi].ID,
		Country:       c.code,
		Subdivision:   r.code,
		Lat:           r.lat + (rng.Float64()*3 - 1.5),
		Lon:           r.lon + (rng.Float64()*3 - 1.5),
		FailureDomain: fmt.Sprintf("fd-%03d", rng.IntN(o.FailureDomains)),
		Certification: placement.Restricted,
	}
	if rng.IntN(5) == 0 {
		s.Certification = placement.Classification(rng.IntN(3))
	}
	switch h := rng.IntN(100); {
	case h < 1:
		s.Health = placement.Down
	case h < 3:
		s.Health = placement.Degraded
	}
	if rng.IntN(4) == 0 {
		s.Tier = placement.Edge
		s.Capacity = placement.Resources{
			VCPU: int64(32 + 16*rng.IntN(5)), MemoryMiB: int64(128+64*rng.IntN(5)) << 10, DiskGiB: int64(2+rng.IntN(7)) << 10,
		}
	} else {
		s.Capacity = placement.Resources{
			VCPU: int64(256 + 64*rng.IntN(13)), MemoryMiB: int64(1+rng.IntN(4)) << 20, DiskGiB: int64(50+rng.IntN(151)) << 10,
		}
	}
	if rng.IntN(10) < 3 {
		s.Overcommit.VCPU = 2000
	}
	return s
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// ToNationalMinor converts a list price to BRL minor units at the dated
// rate, rounding half away from zero, in integers.
func ToNationalMinor(p Price) int64 {
	// BRL minor = list / 10^digits × rate × 100
	num := p.ListMinor * rateToBRLMicros[p.Currency] * 100
	den := int64(1_000_000)
	for range minorDigits[p.Currency] {
		den *= 10
	}
	return (num + den/2) / den
}

// Load puts the fleet into an engine, converting every price to the
// national currency.
func (f *Fleet) Load(e *placement.Engine) error {
	for _, p := range f.Providers {
		if err := e.UpsertProvider(p); err != nil {
			return err
		}
	}
	for _, s := range f.Sites {
		if err := e.UpsertSite(s); err != nil {
			return err
		}
	}
	for _, p := range f.Prices {
		if err := e.SetPrice(p.ProviderID, p.OfferingID, ToNationalMinor(p)); err != nil {
			return err
		}
	}
	return nil
}

// Requests draws n requests of a scenario: "single" (one replica),
// "redundant" (replicas on ≥2 providers, ≥2 failure domains, 50 km apart)
// or "bulk" (replicas spread evenly over failure domains). All ask for
// Brazil, which holds half the fleet.
func Requests(scenario string, n, replicas, domains int, seed uint64) []placement.Request {
	rng := rand.New(rand.NewPCG(seed, 0x7e9e57))
	br := countries[0]
	out := make([]placement.Request, n)
	for i := range out {
		if scenario == "bulk" {
			out[i] = placement.Request{
				OfferingID:     BulkOffering.ID,
				Resources:      BulkOffering.Resources,
				Replicas:       replicas,
				Classification: placement.Internal,
				Residency:      placement.Residency{Countries: []string{"BR"}},
				Redundancy: placement.Redundancy{
					MinFailureDomains:   min(domains, replicas),
					MaxPerFailureDomain: (replicas + domains - 1) / domains,
				},
			}
			continue
		}
		off := Offerings[rng.IntN(len(Offerings))]
		req := placement.Request{
			OfferingID: off.ID,
			Resources:  off.Resources,
			Replicas:   replicas,
			Classification: pick(rng, []placement.Classification{
				placement.Public, placement.Public, placement.Internal, placement.Internal,
				placement.Internal, placement.Internal, placement.Confidential, placement.Confidential,
				placement.Confidential, placement.Restricted,
			}),
			Residency: placement.Residency{Countries: []string{"BR"}},
		}
		if rng.IntN(7) == 0 {
			req.Residency.Subdivisions = []string{pick(rng, br.regions).code, pick(rng, br.regions).code}
		}
		switch h := rng.IntN(10); {
		case h < 3:
			req.Sovereignty.Mode = placement.National
		case h < 4:
			req.Sovereignty = placement.Sovereignty{Mode: placement.Regional, Jurisdictions: []string{"BR", "AR", "CL", "ES"}}
		}
		if rng.IntN(10) < 3 {
			req.Preference = placement.Balanced
		}
		if scenario == "redundant" {
			req.Redundancy = placement.Redundancy{MinProviders: min(2, replicas), MinFailureDomains: min(2, replicas), MinDistanceKm: 50}
		} else if h := rng.IntN(20); h == 0 {
			edge := placement.Edge
			r := pick(rng, br.regions)
			req.Tier = &edge
			req.Near = &placement.Near{Lat: r.lat, Lon: r.lon, RadiusKm: 300}
		} else if h == 1 {
			core := placement.Core
			req.Tier = &core
		}
		out[i] = req
	}
	return out
}
