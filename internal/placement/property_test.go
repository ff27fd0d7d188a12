package placement_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/soberana/soberana/internal/placement"
)

var (
	testCountries    = []string{"BR", "AR", "CL"}
	testSubdivisions = map[string][]string{
		"BR": {"BR-SP", "BR-RJ"},
		"AR": {"AR-B", "AR-C"},
		"CL": {"CL-RM", "CL-VS"},
	}
	testJurisdictions = []string{"BR", "AR", "CL", "US"}
)

func genHealth(t *rapid.T, label string) placement.Health {
	return rapid.SampledFrom([]placement.Health{
		placement.Healthy, placement.Healthy, placement.Healthy, placement.Degraded, placement.Down,
	}).Draw(t, label)
}

func genSite(t *rapid.T, id string, provs []string) placement.Site {
	country := rapid.SampledFrom(testCountries).Draw(t, id+".country")
	return placement.Site{
		ID:            id,
		ProviderID:    rapid.SampledFrom(provs).Draw(t, id+".provider"),
		Country:       country,
		Subdivision:   rapid.SampledFrom(append([]string{""}, testSubdivisions[country]...)).Draw(t, id+".sub"),
		Lat:           -35 + float64(rapid.IntRange(0, 150).Draw(t, id+".lat"))/10,
		Lon:           -70 + float64(rapid.IntRange(0, 300).Draw(t, id+".lon"))/10,
		Tier:          placement.Tier(rapid.IntRange(0, 1).Draw(t, id+".tier")),
		FailureDomain: rapid.SampledFrom([]string{"fd-a", "fd-b", "fd-c", "fd-d", ""}).Draw(t, id+".fd"),
		Certification: placement.Classification(rapid.IntRange(0, 3).Draw(t, id+".cert")),
		Health:        genHealth(t, id+".health"),
		Capacity: placement.Resources{
			VCPU:      int64(rapid.IntRange(0, 8).Draw(t, id+".vcpu")),
			MemoryMiB: rapid.SampledFrom([]int64{0, 1024, 4096, 8192}).Draw(t, id+".mem"),
			DiskGiB:   int64(rapid.IntRange(0, 200).Draw(t, id+".disk")),
		},
		Overcommit: placement.Overcommit{
			VCPU: rapid.SampledFrom([]placement.Permille{0, 1000, 2000}).Draw(t, id+".oc"),
		},
	}
}

// genModelL with lenient set makes fleets where most requests fit.
func genModelL(t *rapid.T, maxSites int, lenient bool) *model {
	m := newModel()
	nProv := rapid.IntRange(1, 5).Draw(t, "providers")
	var provs []string
	for i := range nProv {
		id := fmt.Sprintf("p%d", i)
		provs = append(provs, id)
		m.providers[id] = placement.Provider{
			ID:            id,
			Jurisdiction:  rapid.SampledFrom(testJurisdictions).Draw(t, id+".jur"),
			Certification: placement.Classification(rapid.IntRange(0, 3).Draw(t, id+".cert")),
			Health:        genHealth(t, id+".health"),
		}
		if lenient {
			p := m.providers[id]
			p.Certification, p.Health = placement.Restricted, placement.Healthy
			m.providers[id] = p
		}
		if lenient || rapid.IntRange(0, 9).Draw(t, id+".priced") < 8 {
			// Small prices make many ties, the hard case for tie-breaking.
			m.prices[[2]string{id, "o1"}] = int64(rapid.IntRange(1, 50).Draw(t, id+".price"))
		}
	}
	nSites := rapid.IntRange(0, maxSites).Draw(t, "sites")
	for i := range nSites {
		s := genSite(t, fmt.Sprintf("s%02d", i), provs)
		if lenient {
			s.Health, s.Certification = placement.Healthy, placement.Restricted
			s.Capacity.VCPU += 4
			s.Capacity.MemoryMiB += 8192
			s.Capacity.DiskGiB += 100
		}
		m.sites = append(m.sites, s)
		if rapid.IntRange(0, 3).Draw(t, s.ID+".reserved") == 0 {
			m.used[s.ID] = placement.Resources{
				VCPU:      int64(rapid.IntRange(0, 8).Draw(t, s.ID+".used.vcpu")),
				MemoryMiB: rapid.SampledFrom([]int64{0, 1024, 4096}).Draw(t, s.ID+".used.mem"),
			}
		}
	}
	return m
}

// genRequestL with lenient set draws fewer and looser constraints.
func genRequestL(t *rapid.T, m *model, maxReplicas int, lenient bool) placement.Request {
	// often reports whether an optional constraint applies: one time in
	// four, one in ten when lenient.
	often := func(label string) bool {
		if lenient {
			return rapid.IntRange(0, 9).Draw(t, label) == 0
		}
		return rapid.IntRange(0, 3).Draw(t, label) == 0
	}
	n := rapid.IntRange(1, maxReplicas).Draw(t, "replicas")
	req := placement.Request{
		OfferingID: "o1",
		Replicas:   n,
		Resources: placement.Resources{
			VCPU:      int64(rapid.IntRange(0, 4).Draw(t, "req.vcpu")),
			MemoryMiB: rapid.SampledFrom([]int64{0, 512, 2048}).Draw(t, "req.mem"),
			DiskGiB:   int64(rapid.IntRange(0, 50).Draw(t, "req.disk")),
		},
		Classification: placement.Classification(rapid.IntRange(0, 3).Draw(t, "req.class")),
	}
	if req.Resources == (placement.Resources{}) {
		req.Resources.VCPU = 1
	}
	req.Residency.Countries = rapid.SliceOfNDistinct(rapid.SampledFrom(testCountries), 1, 3, rapid.ID[string]).Draw(t, "req.countries")
	var subs []string
	for _, c := range req.Residency.Countries {
		subs = append(subs, testSubdivisions[c]...)
	}
	if often("req.hasSubs") {
		req.Residency.Subdivisions = rapid.SliceOfNDistinct(rapid.SampledFrom(subs), 0, 2, rapid.ID[string]).Draw(t, "req.subs")
	}
	sov := 0
	if !lenient || rapid.IntRange(0, 3).Draw(t, "req.strictSov") == 0 {
		sov = rapid.IntRange(0, 3).Draw(t, "req.sov")
	}
	switch sov {
	case 1:
		req.Sovereignty.Mode = placement.SovereigntyAny
	case 2:
		req.Sovereignty.Mode = placement.National
	case 3:
		req.Sovereignty.Mode = placement.Regional
		req.Sovereignty.Jurisdictions = rapid.SliceOfNDistinct(rapid.SampledFrom(testJurisdictions), 1, 2, rapid.ID[string]).Draw(t, "req.jur")
	}
	req.Redundancy = placement.Redundancy{
		MinProviders:        rapid.IntRange(0, n).Draw(t, "req.minProviders"),
		MinFailureDomains:   rapid.IntRange(0, n).Draw(t, "req.minDomains"),
		MinDistanceKm:       rapid.SampledFrom([]float64{0, 0, 100, 300, 800}).Draw(t, "req.minKm"),
		MaxPerFailureDomain: rapid.SampledFrom([]int{0, 0, 1, 2}).Draw(t, "req.maxPerDomain"),
	}
	if rapid.IntRange(0, 3).Draw(t, "req.hasNear") == 0 {
		// Nearest needs Near: it stays one in four even when lenient.
		req.Near = &placement.Near{
			Lat:      -35 + float64(rapid.IntRange(0, 150).Draw(t, "near.lat"))/10,
			Lon:      -70 + float64(rapid.IntRange(0, 300).Draw(t, "near.lon"))/10,
			RadiusKm: rapid.SampledFrom([]float64{200, 500, 1500, 3000}).Draw(t, "near.radius"),
		}
	}
	if often("req.hasTier") {
		tier := placement.Tier(rapid.IntRange(0, 1).Draw(t, "req.tier"))
		req.Tier = &tier
	}
	req.CostCeilingMinor = rapid.SampledFrom([]int64{0, 0, 0, 20, 60, 100, 150}).Draw(t, "req.ceiling")
	if len(m.sites) > 0 && often("req.hasExclude") {
		req.Exclude = []string{rapid.SampledFrom(m.sites).Draw(t, "req.exclude").ID}
	}
	prefs := []placement.Preference{"", placement.Cheapest, placement.Balanced}
	if req.Near != nil {
		prefs = append(prefs, placement.Nearest)
	}
	req.Preference = rapid.SampledFrom(prefs).Draw(t, "req.pref")
	return req
}

// checkSound fails unless d is a set that breaks no hard constraint, judged
// by the model as it was before the decision.
func checkSound(t *rapid.T, m *model, req placement.Request, d placement.Decision) {
	t.Helper()
	if len(d.Choices) != req.Replicas {
		t.Fatalf("%d choices for %d replicas", len(d.Choices), req.Replicas)
	}
	var set []placement.Site
	var total int64
	seen := map[string]bool{}
	for _, c := range d.Choices {
		if seen[c.SiteID] {
			t.Fatalf("site %s chosen twice", c.SiteID)
		}
		seen[c.SiteID] = true
		s := m.site(c.SiteID)
		if !m.eligible(s, req, false) {
			t.Fatalf("chosen site %s breaks a per-site constraint: %+v", s.ID, s)
		}
		if c.ProviderID != s.ProviderID || c.MonthlyMinor != m.price(s, req.OfferingID) {
			t.Fatalf("choice %+v does not match site %+v", c, s)
		}
		set = append(set, s)
		total += c.MonthlyMinor
	}
	if !setOK(set, req.Redundancy) {
		t.Fatalf("chosen set breaks a redundancy rule %+v: %+v", req.Redundancy, d.Choices)
	}
	if total != d.TotalMonthlyMinor {
		t.Fatalf("total %d, choices sum to %d", d.TotalMonthlyMinor, total)
	}
	if req.CostCeilingMinor > 0 && total > req.CostCeilingMinor {
		t.Fatalf("total %d over ceiling %d", total, req.CostCeilingMinor)
	}
}

// checkDecision compares one engine answer with brute force.
func checkDecision(t *rapid.T, m *model, req placement.Request, d placement.Decision, err error) {
	t.Helper()
	ceil := req.CostCeilingMinor
	// want: the key the engine must reach, or the error it must return.
	var (
		wantKey      int64
		wantFallback bool
		wantNoFit    bool
		wantCeiling  int64 = -1
	)
	nearest := req.Preference == placement.Nearest
	cheapest := m.brute(req, false, false, 0)
	switch {
	case nearest:
		nb := m.brute(req, false, true, ceil)
		switch {
		case nb.ok:
			wantKey = nb.key
		case !cheapest.ok:
			wantNoFit = true
		default:
			wantCeiling = cheapest.cost
		}
	default:
		if req.Preference == placement.Balanced {
			if h := m.brute(req, true, false, 0); h.ok && (ceil == 0 || h.cost <= ceil) {
				wantKey = h.cost
				break
			}
			wantFallback = true
		}
		switch {
		case !cheapest.ok:
			wantNoFit = true
		case ceil > 0 && cheapest.cost > ceil:
			wantCeiling = cheapest.cost
		default:
			wantKey = cheapest.cost
		}
	}

	switch {
	case wantNoFit:
		var nf *placement.NoFitError
		if !errors.As(err, &nf) || !errors.Is(err, placement.ErrNoFit) {
			t.Fatalf("want no fit, got %v (decision %+v)", err, d.Choices)
		}
		r := nf.Reasons
		sum := r.Fit
		for _, rc := range r.Rejected {
			sum += rc.Sites
		}
		if sum != len(m.sites) || r.Sites != len(m.sites) {
			t.Fatalf("reasons count %d sites of %d: %+v", sum, len(m.sites), r)
		}
		if want := m.eligibleCount(req); r.Fit != want {
			t.Fatalf("reasons say %d sites fit, brute force %d", r.Fit, want)
		}
	case wantCeiling >= 0:
		var ce *placement.CostCeilingError
		if !errors.As(err, &ce) || !errors.Is(err, placement.ErrCostCeiling) {
			t.Fatalf("want cost ceiling (cheapest %d), got %v", wantCeiling, err)
		}
		if ce.CheapestMinor != wantCeiling {
			t.Fatalf("cheapest reported %d, brute force %d", ce.CheapestMinor, wantCeiling)
		}
	default:
		if err != nil {
			t.Fatalf("want a set of key %d, got %v", wantKey, err)
		}
		checkSound(t, m, req, d)
		got := d.TotalMonthlyMinor
		if nearest {
			got = 0
			for _, c := range d.Choices {
				got += nearKey(m.site(c.SiteID), req.Near)
			}
		}
		if got != wantKey {
			t.Fatalf("key %d, brute-force optimum %d: %+v", got, wantKey, d.Choices)
		}
		if !d.Exact {
			t.Fatalf("decision not marked exact")
		}
		if d.Reasons.HeadroomFallback != wantFallback {
			t.Fatalf("headroom fallback %v, want %v", d.Reasons.HeadroomFallback, wantFallback)
		}
	}
}

// On random fleets of up to 30 sites, every answer is sound, and optimal
// against brute force (up to MaxExactReplicas replicas).
func TestPropertyOptimalAndSound(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		lenient := rapid.Bool().Draw(t, "lenient")
		m := genModelL(t, 30, lenient)
		req := genRequestL(t, m, placement.MaxExactReplicas, lenient)
		e := m.engine()
		d, err := e.Preview(req)
		checkDecision(t, m, req, d, err)
	})
}

// Adding capacity (more on a site, or a new site) never turns a feasible
// request infeasible, nor makes the cheapest set dearer.
func TestPropertyMoreCapacityStaysFeasible(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		m := genModelL(t, 20, true)
		req := genRequestL(t, m, placement.MaxExactReplicas, true)
		e := m.engine()
		before, err := e.Preview(req)
		if err != nil {
			t.Skip("infeasible to start with")
		}
		if len(m.sites) > 0 && rapid.Bool().Draw(t, "grow") {
			i := rapid.IntRange(0, len(m.sites)-1).Draw(t, "grown")
			s := &m.sites[i]
			s.Capacity.VCPU += int64(rapid.IntRange(0, 8).Draw(t, "more.vcpu"))
			s.Capacity.MemoryMiB += rapid.SampledFrom([]int64{0, 4096}).Draw(t, "more.mem")
			s.Capacity.DiskGiB += int64(rapid.IntRange(0, 100).Draw(t, "more.disk"))
			must(e.UpsertSite(*s))
		} else {
			provs := make([]string, 0, len(m.providers))
			for id := range m.providers {
				provs = append(provs, id)
			}
			slices.Sort(provs)
			s := genSite(t, "new", provs)
			m.sites = append(m.sites, s)
			must(e.UpsertSite(s))
		}
		after, err := e.Preview(req)
		if err != nil {
			t.Fatalf("feasible before (%+v), not after adding capacity: %v", before.Choices, err)
		}
		if (req.Preference == placement.Cheapest) && after.TotalMonthlyMinor > before.TotalMonthlyMinor {
			t.Fatalf("cheapest set got dearer: %d -> %d", before.TotalMonthlyMinor, after.TotalMonthlyMinor)
		}
		checkDecision(t, m, req, after, err)
	})
}

// A run of Place and Release against one engine: each decision is sound and
// optimal for the capacity left by the ones before it, and the engine's
// usage always matches the model's.
func TestPropertyPlaceAndRelease(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		lenient := rapid.Bool().Draw(t, "lenient")
		m := genModelL(t, 15, lenient)
		e := m.engine()
		var live []placement.Decision
		steps := rapid.IntRange(1, 12).Draw(t, "steps")
		for i := range steps {
			if len(live) > 0 && rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("release%d", i)) == 0 {
				j := rapid.IntRange(0, len(live)-1).Draw(t, fmt.Sprintf("which%d", i))
				d := live[j]
				live = slices.Delete(live, j, j+1)
				must(e.ReleaseDecision(d))
				for _, c := range d.Choices {
					u := m.used[c.SiteID]
					u.VCPU -= d.Resources.VCPU
					u.MemoryMiB -= d.Resources.MemoryMiB
					u.DiskGiB -= d.Resources.DiskGiB
					m.used[c.SiteID] = u
				}
				continue
			}
			req := genRequestL(t, m, 3, lenient)
			d, err := e.Place(req)
			checkDecision(t, m, req, d, err)
			if err != nil {
				continue
			}
			live = append(live, d)
			for _, c := range d.Choices {
				u := m.used[c.SiteID]
				u.VCPU += d.Resources.VCPU
				u.MemoryMiB += d.Resources.MemoryMiB
				u.DiskGiB += d.Resources.DiskGiB
				m.used[c.SiteID] = u
			}
		}
		for _, s := range m.sites {
			u, ok := e.Usage(s.ID)
			if !ok || u.Used != m.used[s.ID] {
				t.Fatalf("site %s: engine usage %+v, model %+v", s.ID, u.Used, m.used[s.ID])
			}
		}
	})
}

// More than MaxExactReplicas replicas: the heuristic's sets are sound.
func TestPropertyHeuristicSound(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		lenient := rapid.Bool().Draw(t, "lenient")
		m := genModelL(t, 40, lenient)
		req := genRequestL(t, m, 12, lenient)
		if req.Replicas <= placement.MaxExactReplicas {
			req.Replicas += placement.MaxExactReplicas
		}
		e := m.engine()
		d, err := e.Preview(req)
		if err != nil {
			if !errors.Is(err, placement.ErrNoFit) && !errors.Is(err, placement.ErrCostCeiling) {
				t.Fatalf("unexpected error %v", err)
			}
			if errors.Is(err, placement.ErrNoFit) && req.Preference != placement.Nearest {
				// The heuristic may miss a set, but never when brute
				// force says so too: check the per-site numbers at least.
				var nf *placement.NoFitError
				errors.As(err, &nf)
				if nf.Reasons.Fit != m.eligibleCount(req) {
					t.Fatalf("reasons say %d fit, model %d", nf.Reasons.Fit, m.eligibleCount(req))
				}
			}
			return
		}
		checkSound(t, m, req, d)
	})
}

// drawSquareSite draws a restricted Brazilian site with room for 8 vCPU,
// of one of provs, in the 10°×10° square north-east of (lat0, lon0), in
// one of nFD failure domains.
func drawSquareSite(t *rapid.T, id string, provs []string, lat0, lon0 float64, nFD int) placement.Site {
	return placement.Site{
		ID:            id,
		ProviderID:    rapid.SampledFrom(provs).Draw(t, id+".provider"),
		Country:       "BR",
		Lat:           lat0 + float64(rapid.IntRange(0, 100).Draw(t, id+".lat"))/10,
		Lon:           lon0 + float64(rapid.IntRange(0, 100).Draw(t, id+".lon"))/10,
		FailureDomain: fmt.Sprintf("fd%d", rapid.IntRange(0, nFD-1).Draw(t, id+".fd")),
		Certification: placement.Restricted,
		Capacity:      placement.Resources{VCPU: 8, MemoryMiB: 8192, DiskGiB: 100},
	}
}

// Fleets where every site passes the per-site rules, so that only the
// redundancy rules and prices shape the answer: this drives the search's
// bounds hard (the first set found is rarely the best).
func TestPropertyRedundancyOptimal(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		m := newModel()
		provs := m.drawCertifiedProviders(t, 2, 8, 1000)
		nFD := rapid.IntRange(1, 8).Draw(t, "domains")
		nSites := rapid.IntRange(1, 30).Draw(t, "sites")
		for i := range nSites {
			m.sites = append(m.sites, drawSquareSite(t, fmt.Sprintf("s%02d", i), provs, -30, -55, nFD))
		}
		n := rapid.IntRange(1, placement.MaxExactReplicas).Draw(t, "replicas")
		req := placement.Request{
			OfferingID: "o1", Replicas: n,
			Resources: placement.Resources{VCPU: 1},
			Residency: placement.Residency{Countries: []string{"BR"}},
			Redundancy: placement.Redundancy{
				MinProviders:        rapid.IntRange(0, n).Draw(t, "minProviders"),
				MinFailureDomains:   rapid.IntRange(0, n).Draw(t, "minDomains"),
				MinDistanceKm:       rapid.SampledFrom([]float64{0, 0, 50, 150, 400}).Draw(t, "minKm"),
				MaxPerFailureDomain: rapid.SampledFrom([]int{0, 0, 0, 1, 2}).Draw(t, "maxPerDomain"),
			},
		}
		if rapid.IntRange(0, 3).Draw(t, "nearest") == 0 {
			req.Near = &placement.Near{Lat: -27, Lon: -52, RadiusKm: 2000}
			req.Preference = placement.Nearest
			req.CostCeilingMinor = rapid.SampledFrom([]int64{0, 1000, 2000}).Draw(t, "ceiling")
		}
		d, err := m.engine().Preview(req)
		checkDecision(t, m, req, d, err)
	})
}
