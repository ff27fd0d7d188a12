package placement_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/soberana/soberana/internal/geo"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/placement"
)

// coversAll reports whether the set can give each requirement a replica of
// its own (brute force over assignments).
func coversAll(set []placement.Site, req placement.Request) bool {
	type need func(placement.Site) bool
	var needs []need
	for _, p := range req.NearPoints {
		needs = append(needs, func(s placement.Site) bool {
			return geo.DistanceKm(s.Lat, s.Lon, p.Lat, p.Lon) <= p.RadiusKm
		})
	}
	for _, code := range req.PerSubdivision {
		needs = append(needs, func(s placement.Site) bool { return s.Subdivision == code })
	}
	used := make([]bool, len(set))
	var rec func(i int) bool
	rec = func(i int) bool {
		if i == len(needs) {
			return true
		}
		for j, s := range set {
			if !used[j] && needs[i](s) {
				used[j] = true
				if rec(i + 1) {
					return true
				}
				used[j] = false
			}
		}
		return false
	}
	return rec(0)
}

// bruteCover is the cheapest set meeting every rule, coverage included.
func (m *model) bruteCover(req placement.Request) (int64, bool) {
	best, ok := int64(0), false
	m.eachSet(req, false, func(set []placement.Site) {
		if !setOK(set, req.Redundancy) || !coversAll(set, req) {
			return
		}
		var cost int64
		for _, s := range set {
			cost += m.price(s, req.OfferingID)
		}
		if !ok || cost < best {
			best, ok = cost, true
		}
	})
	return best, ok
}

var coverSubs = []string{"BR-SP", "BR-RJ", "BR-MG", "BR-BA"}

func genCoverModel(t *rapid.T) *model {
	m := newModel()
	provs := m.drawCertifiedProviders(t, 1, 5, 100)
	nSites := rapid.IntRange(1, 16).Draw(t, "sites")
	for i := range nSites {
		id := fmt.Sprintf("s%02d", i)
		s := drawSquareSite(t, id, provs, -25, -50, 4)
		s.Subdivision = rapid.SampledFrom(append([]string{""}, coverSubs...)).Draw(t, id+".sub")
		s.Health = rapid.SampledFrom([]placement.Health{placement.Healthy, placement.Healthy, placement.Down}).Draw(t, id+".health")
		m.sites = append(m.sites, s)
	}
	return m
}

// TestPropertyCoverOptimal checks the coverage search against brute force:
// the same cheapest cost, a set that really covers every requirement with
// a replica of its own, and no answer when brute force finds none. Ten
// rounds of rapid's default 100 cases: a search that keeps only the
// cheapest server of each requirement needs some 500 cases to show.
func TestPropertyCoverOptimal(t *testing.T) {
	t.Parallel()
	for range 10 {
		rapid.Check(t, coverOptimal)
	}
}

func coverOptimal(t *rapid.T) {
	{
		m := genCoverModel(t)
		n := rapid.IntRange(1, placement.MaxExactReplicas).Draw(t, "replicas")
		req := placement.Request{
			OfferingID: "o1", Replicas: n,
			Resources: placement.Resources{VCPU: 1},
			Residency: placement.Residency{Countries: []string{"BR"}},
		}
		nPts := rapid.IntRange(0, n).Draw(t, "points")
		for i := range nPts {
			req.NearPoints = append(req.NearPoints, placement.NearPoint{
				Lat:      -25 + float64(rapid.IntRange(0, 100).Draw(t, fmt.Sprintf("pt%d.lat", i)))/10,
				Lon:      -50 + float64(rapid.IntRange(0, 100).Draw(t, fmt.Sprintf("pt%d.lon", i)))/10,
				RadiusKm: rapid.SampledFrom([]float64{100, 300, 800}).Draw(t, fmt.Sprintf("pt%d.km", i)),
				Label:    fmt.Sprintf("point %d", i),
			})
		}
		subs := slices.Clone(coverSubs)
		for i := 0; i < n-nPts && i < len(subs); i++ {
			if rapid.Bool().Draw(t, fmt.Sprintf("sub%d", i)) {
				req.PerSubdivision = append(req.PerSubdivision, subs[i])
			}
		}
		if rapid.IntRange(0, 3).Draw(t, "redundant") == 0 {
			req.Redundancy = placement.Redundancy{
				MinProviders:        rapid.IntRange(0, n).Draw(t, "minProviders"),
				MinFailureDomains:   rapid.IntRange(0, n).Draw(t, "minDomains"),
				MinDistanceKm:       rapid.SampledFrom([]float64{0, 50, 150}).Draw(t, "minKm"),
				MaxPerFailureDomain: rapid.SampledFrom([]int{0, 1, 2}).Draw(t, "maxPerDomain"),
			}
		}
		want, feasible := m.bruteCover(req)
		d, err := m.engine().Preview(req)
		if !feasible {
			if !errors.Is(err, placement.ErrNoFit) {
				t.Fatalf("brute force finds no set, engine: %v %+v", err, d.Choices)
			}
			return
		}
		if err != nil {
			t.Fatalf("brute force finds a set costing %d, engine: %v", want, err)
		}
		if !d.Exact {
			t.Fatalf("not exact")
		}
		if d.TotalMonthlyMinor != want {
			t.Fatalf("cost %d, brute-force optimum %d: %+v", d.TotalMonthlyMinor, want, d.Choices)
		}
		var set []placement.Site
		served := map[string]int{}
		for _, c := range d.Choices {
			set = append(set, m.site(c.SiteID))
			if c.Serves != "" {
				served[c.Serves]++
			}
		}
		if !coversAll(set, req) || !setOK(set, req.Redundancy) {
			t.Fatalf("engine's set breaks a rule: %+v", d.Choices)
		}
		if len(served) != len(req.NearPoints)+len(req.PerSubdivision) {
			t.Fatalf("choices serve %v, want every requirement once", served)
		}
	}
}

func capitalsFleet(t *testing.T) *placement.Engine {
	t.Helper()
	e := placement.New(placement.Options{Currency: "BRL", MinorDigits: 2})
	for _, p := range []placement.Provider{
		{ID: "cheap", Jurisdiction: "BR", Certification: placement.Restricted},
		{ID: "dear", Jurisdiction: "BR", Certification: placement.Restricted},
	} {
		must(e.UpsertProvider(p))
	}
	must(e.SetPrice("cheap", "o1", 100))
	must(e.SetPrice("dear", "o1", 900))
	restrictedSites(e, placement.Resources{VCPU: 8, MemoryMiB: 8192, DiskGiB: 100},
		placement.Site{ID: "sp-cheap", ProviderID: "cheap", Country: "BR", Subdivision: "BR-SP", Lat: -23.55, Lon: -46.63},
		placement.Site{ID: "sp-dear", ProviderID: "dear", Country: "BR", Subdivision: "BR-SP", Lat: -23.50, Lon: -46.60},
		placement.Site{ID: "rj-dear", ProviderID: "dear", Country: "BR", Subdivision: "BR-RJ", Lat: -22.91, Lon: -43.17},
		placement.Site{ID: "campinas", ProviderID: "dear", Country: "BR", Subdivision: "BR-SP", Lat: -22.90, Lon: -47.06},
		placement.Site{ID: "manaus", ProviderID: "dear", Country: "BR", Subdivision: "BR-AM", Lat: -3.12, Lon: -60.02})
	return e
}

func TestCoverChoosesCheapestPerRequirement(t *testing.T) {
	t.Parallel()
	e := capitalsFleet(t)
	d, err := e.Preview(placement.Request{
		OfferingID: "o1", Replicas: 3, Resources: placement.Resources{VCPU: 1},
		Residency:      placement.Residency{Countries: []string{"BR"}},
		PerSubdivision: []string{"BR-RJ"},
		NearPoints:     []placement.NearPoint{{Lat: -3.1, Lon: -60.0, RadiusKm: 50, Label: "Manaus"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range d.Choices {
		got = append(got, c.SiteID+"="+c.Serves)
	}
	slices.Sort(got)
	want := []string{"manaus=Manaus", "rj-dear=BR-RJ", "sp-cheap="}
	if !slices.Equal(got, want) {
		t.Fatalf("choices %v, want %v", got, want)
	}
	if d.TotalMonthlyMinor != 1900 || !d.Exact {
		t.Fatalf("total %d exact %v", d.TotalMonthlyMinor, d.Exact)
	}
	if s := d.Explain(i18n.PTBR); !strings.Contains(s, "atende Manaus") || !strings.Contains(s, "atende BR-RJ") {
		t.Fatalf("explanation does not name what each replica serves: %s", s)
	}
}

// TestCoverManySubdivisionsExact: above MaxExactReplicas, per-subdivision
// coverage without set rules is still the proven cheapest set.
func TestCoverManySubdivisionsExact(t *testing.T) {
	t.Parallel()
	e := placement.New(placement.Options{Currency: "BRL", MinorDigits: 2})
	must(e.UpsertProvider(placement.Provider{ID: "p", Jurisdiction: "BR", Certification: placement.Restricted}))
	must(e.UpsertProvider(placement.Provider{ID: "q", Jurisdiction: "BR", Certification: placement.Restricted}))
	must(e.SetPrice("p", "o1", 300))
	must(e.SetPrice("q", "o1", 200))
	var subs []string
	for _, sd := range geo.Subdivisions("BR") {
		subs = append(subs, sd.Code)
		for _, prov := range []string{"p", "q"} {
			must(e.UpsertSite(placement.Site{ID: sd.Code + "-" + prov, ProviderID: prov, Country: "BR", Subdivision: sd.Code,
				Certification: placement.Restricted, Capacity: placement.Resources{VCPU: 8}}))
		}
	}
	d, err := e.Preview(placement.Request{OfferingID: "o1", Replicas: len(subs) + 2, Resources: placement.Resources{VCPU: 1},
		Residency: placement.Residency{Countries: []string{"BR"}}, PerSubdivision: subs})
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(len(subs)*200 + 2*300); d.TotalMonthlyMinor != want || !d.Exact {
		t.Fatalf("total %d exact %v, want %d exact", d.TotalMonthlyMinor, d.Exact, want)
	}
}

func TestCoverNoFitNamesThePoint(t *testing.T) {
	t.Parallel()
	e := capitalsFleet(t)
	_, err := e.Preview(placement.Request{
		OfferingID: "o1", Replicas: 2, Resources: placement.Resources{VCPU: 1},
		Residency:      placement.Residency{Countries: []string{"BR"}},
		PerSubdivision: []string{"BR-RS"},
		NearPoints:     []placement.NearPoint{{Lat: -15.79, Lon: -47.88, RadiusKm: 100, Label: "Brasília"}},
	})
	var nf *placement.NoFitError
	if !errors.As(err, &nf) {
		t.Fatalf("want NoFitError, got %v", err)
	}
	for lang, want := range map[i18n.Lang][]string{
		i18n.ES:   {"a 100 km o menos de Brasília", "está en BR-RS"},
		i18n.PTBR: {"a até 100 km de Brasília", "está em BR-RS"},
		i18n.EN:   {"within 100 km of Brasília (the nearest, campinas,", "is in BR-RS"},
	} {
		s := nf.Explain(lang)
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Errorf("%s: %q lacks %q", lang, s, w)
			}
		}
	}
}

func TestCoverValidation(t *testing.T) {
	t.Parallel()
	e := capitalsFleet(t)
	_, err := e.Preview(placement.Request{
		OfferingID: "o1", Replicas: 1, Resources: placement.Resources{VCPU: 1},
		Residency:      placement.Residency{Countries: []string{"BR"}},
		PerSubdivision: []string{"BR-SP", "AR-B", "nope"},
		NearPoints:     []placement.NearPoint{{Lat: 91, Lon: 0, RadiusKm: 0}},
	})
	var ie *placement.InvalidRequestError
	if !errors.As(err, &ie) {
		t.Fatalf("want InvalidRequestError, got %v", err)
	}
	var got []string
	for _, f := range ie.Fields {
		got = append(got, f.Field+":"+f.Problem)
	}
	want := []string{"near[0].lat:out_of_range", "near[0].radius_km:out_of_range", "per_subdivision[1]:outside_countries",
		"per_subdivision[2]:invalid_code", "replicas:fewer_than_cover"}
	if !slices.Equal(got, want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
}
