package placement_test

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"pgregory.net/rapid"

	"github.com/soberana/soberana/internal/geo"
	"github.com/soberana/soberana/internal/placement"
)

// model is the test's own copy of a fleet, with a slow and obviously
// correct reading of the rules to check the engine against.
type model struct {
	providers map[string]placement.Provider
	sites     []placement.Site
	prices    map[[2]string]int64 // provider, offering
	used      map[string]placement.Resources
	headroom  int64 // permille, as in Options
}

func newModel() *model {
	return &model{
		providers: map[string]placement.Provider{},
		prices:    map[[2]string]int64{},
		used:      map[string]placement.Resources{},
		headroom:  800,
	}
}

// drawCertifiedProviders adds between lo and hi Brazilian providers
// certified for restricted data, each pricing offering o1 at 1 to
// maxPrice, and returns their ids.
func (m *model) drawCertifiedProviders(t *rapid.T, lo, hi, maxPrice int) []string {
	nProv := rapid.IntRange(lo, hi).Draw(t, "providers")
	var provs []string
	for i := range nProv {
		id := fmt.Sprintf("p%d", i)
		provs = append(provs, id)
		m.providers[id] = placement.Provider{ID: id, Jurisdiction: "BR", Certification: placement.Restricted}
		m.prices[[2]string{id, "o1"}] = int64(rapid.IntRange(1, maxPrice).Draw(t, id+".price"))
	}
	return provs
}

func (m *model) engine() *placement.Engine {
	e := placement.New(placement.Options{Currency: "BRL", MinorDigits: 2})
	ids := make([]string, 0, len(m.providers))
	for id := range m.providers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		must(e.UpsertProvider(m.providers[id]))
	}
	for _, s := range m.sites {
		must(e.UpsertSite(s))
	}
	for k, v := range m.prices {
		must(e.SetPrice(k[0], k[1], v))
	}
	for id, r := range m.used {
		must(e.Reserve(id, r))
	}
	return e
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func capEff(s placement.Site) placement.Resources {
	oc := func(v, def placement.Permille) int64 {
		if v == 0 {
			return int64(def)
		}
		return int64(v)
	}
	return placement.Resources{
		VCPU:      s.Capacity.VCPU * oc(s.Overcommit.VCPU, 4000) / 1000,
		MemoryMiB: s.Capacity.MemoryMiB * oc(s.Overcommit.Memory, 1000) / 1000,
		DiskGiB:   s.Capacity.DiskGiB * oc(s.Overcommit.Disk, 1000) / 1000,
	}
}

func fdOf(s placement.Site) string {
	if s.FailureDomain == "" {
		return "\x00" + s.ID
	}
	return s.FailureDomain
}

// eligible applies every per-site rule to one site.
func (m *model) eligible(s placement.Site, req placement.Request, headroom bool) bool {
	if slices.Contains(req.Exclude, s.ID) || !slices.Contains(req.Residency.Countries, s.Country) {
		return false
	}
	var subs []string
	for _, sub := range req.Residency.Subdivisions {
		if strings.HasPrefix(sub, s.Country+"-") {
			subs = append(subs, sub)
		}
	}
	if len(subs) > 0 && !slices.Contains(subs, s.Subdivision) {
		return false
	}
	p := m.providers[s.ProviderID]
	switch req.Sovereignty.Mode {
	case placement.National:
		if p.Jurisdiction != s.Country {
			return false
		}
	case placement.Regional:
		if !slices.Contains(req.Sovereignty.Jurisdictions, p.Jurisdiction) {
			return false
		}
	}
	if p.Certification < req.Classification || s.Certification < req.Classification {
		return false
	}
	if req.Tier != nil && s.Tier != *req.Tier {
		return false
	}
	if p.Health == placement.Down || s.Health == placement.Down {
		return false
	}
	if req.Near != nil && geo.DistanceKm(s.Lat, s.Lon, req.Near.Lat, req.Near.Lon) > req.Near.RadiusKm {
		return false
	}
	if _, ok := m.prices[[2]string{s.ProviderID, req.OfferingID}]; !ok {
		return false
	}
	c, u, r := capEff(s), m.used[s.ID], req.Resources
	if u.VCPU+r.VCPU > c.VCPU || u.MemoryMiB+r.MemoryMiB > c.MemoryMiB || u.DiskGiB+r.DiskGiB > c.DiskGiB {
		return false
	}
	if headroom {
		h := m.headroom
		if (u.VCPU+r.VCPU)*1000 > c.VCPU*h || (u.MemoryMiB+r.MemoryMiB)*1000 > c.MemoryMiB*h ||
			(u.DiskGiB+r.DiskGiB)*1000 > c.DiskGiB*h {
			return false
		}
	}
	return true
}

// setOK applies the rules across a set of distinct sites.
func setOK(set []placement.Site, rd placement.Redundancy) bool {
	provs, fds := map[string]bool{}, map[string]int{}
	for i, a := range set {
		provs[a.ProviderID] = true
		fds[fdOf(a)]++
		for _, b := range set[i+1:] {
			if geo.DistanceKm(a.Lat, a.Lon, b.Lat, b.Lon) < rd.MinDistanceKm {
				return false
			}
		}
	}
	if len(provs) < rd.MinProviders || len(fds) < rd.MinFailureDomains {
		return false
	}
	if rd.MaxPerFailureDomain > 0 {
		for _, n := range fds {
			if n > rd.MaxPerFailureDomain {
				return false
			}
		}
	}
	return true
}

func (m *model) price(s placement.Site, off string) int64 {
	return m.prices[[2]string{s.ProviderID, off}]
}

func nearKey(s placement.Site, n *placement.Near) int64 {
	return int64(math.Round(geo.DistanceKm(s.Lat, s.Lon, n.Lat, n.Lon) * 1000))
}

// best is the brute-force optimum: the least key over every feasible set
// (key = cost, or for nearest the total distance in metres), and the cost
// of a set reaching it. ok is false when no set is feasible.
type best struct {
	ok   bool
	key  int64
	cost int64
}

func (m *model) brute(req placement.Request, headroom, nearest bool, ceiling int64) best {
	var b best
	m.eachSet(req, headroom, func(set []placement.Site) {
		if !setOK(set, req.Redundancy) {
			return
		}
		var key, cost int64
		for _, s := range set {
			cost += m.price(s, req.OfferingID)
			if nearest {
				key += nearKey(s, req.Near)
			}
		}
		if !nearest {
			key = cost
		}
		if ceiling > 0 && cost > ceiling {
			return
		}
		if !b.ok || key < b.key {
			b = best{ok: true, key: key, cost: cost}
		}
	})
	return b
}

// eachSet calls fn with every set of req.Replicas sites passing the
// per-site rules (each set once, in site order). fn must not keep set.
func (m *model) eachSet(req placement.Request, headroom bool, fn func(set []placement.Site)) {
	var cands []placement.Site
	for _, s := range m.sites {
		if m.eligible(s, req, headroom) {
			cands = append(cands, s)
		}
	}
	set := make([]placement.Site, 0, req.Replicas)
	var rec func(start int)
	rec = func(start int) {
		if len(set) == req.Replicas {
			fn(set)
			return
		}
		for i := start; i <= len(cands)-(req.Replicas-len(set)); i++ {
			set = append(set, cands[i])
			rec(i + 1)
			set = set[:len(set)-1]
		}
	}
	rec(0)
}

func (m *model) site(id string) placement.Site {
	for _, s := range m.sites {
		if s.ID == id {
			return s
		}
	}
	panic("no site " + id)
}

// eligibleCount counts the sites passing every per-site rule.
func (m *model) eligibleCount(req placement.Request) int {
	n := 0
	for _, s := range m.sites {
		if m.eligible(s, req, false) {
			n++
		}
	}
	return n
}
