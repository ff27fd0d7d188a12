package placement

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Options tune an Engine. The zero value is usable.
type Options struct {
	// HeadroomPermille is, for the Balanced preference, the share of a
	// site's effective capacity that may be in use after the placement
	// (default 800: keep 20% free).
	HeadroomPermille Permille
	// Currency and MinorDigits describe the national currency, only to
	// format amounts in explanations (e.g. "BRL", 2; "CLP", 0).
	Currency    string
	MinorDigits int
	// SearchBudget bounds the nodes the exact search visits per decision
	// (default 1<<20, some 30 ms). When it runs out the best set found so far is
	// returned with Decision.Exact false.
	SearchBudget int
	// MaxAttempts bounds how often Place decides again after another
	// decision took the capacity it chose (default 8). The last attempt
	// holds every other reservation off while it decides, so it only fails
	// when nothing fits.
	MaxAttempts int
}

// Engine decides where replicas go. It holds an in-memory, indexed copy of
// the fleet that the caller keeps current, and the capacity reserved on each
// site. All methods are safe for concurrent use.
type Engine struct {
	opts Options

	// mu guards the fleet's shape: fleet updates take it exclusively,
	// decisions and reservations share it. Capacity use is per-site
	// atomics, changed under the site's own mutex.
	mu        sync.RWMutex
	providers []*providerRec // by index; nil once removed (indices are not reused)
	provByID  map[string]int32
	sites     []*siteRec // by index; nil when free
	siteByID  map[string]int32
	freeSites []int32
	countries []*countryRec
	ctyByCode map[string]uint16
	subByCode map[string]uint16 // subdivision codes, from 1; 0 is none
	fdByName  map[string]int32
	nFD       int32
	offerings map[string]*offeringRec
	imgByName map[string]int32 // image families, interned from 1

	// gate orders reservations: commits and Reserve share it; the last
	// attempt of a starved Place holds it alone.
	gate sync.RWMutex

	pool sync.Pool // *work
}

type providerRec struct {
	id     string
	name   string
	jur    int32 // country index of the jurisdiction
	cert   Classification
	health Health
	sim    bool
	nSites int
}

type siteRec struct {
	// What the per-site checks read, together.
	used    [nDims]atomic.Int64
	capEff  [nDims]int64
	health  atomic.Uint32
	prov    int32
	sub     uint16 // interned subdivision; 0: none
	country uint16
	cert    Classification
	tier    Tier

	fd          int32
	images      []int32 // interned image families
	countryPos  int32
	pt          geoPoint
	mu          sync.Mutex // serialises reservation changes on this site
	id          string
	name        string
	subdivision string
	fdName      string
}

type countryRec struct {
	code  string
	sites []int32
}

// offeringRec holds the price of one offering at every provider and, per
// country, the priced sites sorted by cost (built on first use, dropped when
// a price or the country's sites change).
type offeringRec struct {
	id     string
	prices []int64 // by provider index; noPrice when absent
	lists  []atomic.Pointer[candList]
	build  sync.Mutex
}

const noPrice = -1

// candList is the priced sites of one country for one offering, sorted by
// (price, provider ID, site ID). A provider's sites form one run.
type candList struct {
	e []listEntry
}

type listEntry struct {
	site   int32
	prov   int32
	runEnd int32 // index of the first entry of the next run
	price  int64
}

// New returns an empty engine.
func New(opts Options) *Engine {
	if opts.HeadroomPermille <= 0 {
		opts.HeadroomPermille = 800
	}
	if opts.SearchBudget <= 0 {
		opts.SearchBudget = 1 << 20
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 8
	}
	if opts.MinorDigits < 0 {
		opts.MinorDigits = 0
	}
	e := &Engine{
		opts:      opts,
		provByID:  map[string]int32{},
		siteByID:  map[string]int32{},
		ctyByCode: map[string]uint16{},
		subByCode: map[string]uint16{},
		fdByName:  map[string]int32{},
		offerings: map[string]*offeringRec{},
		imgByName: map[string]int32{},
	}
	e.pool.New = func() any { return &work{} }
	return e
}

// validCountry reports whether s looks like an ISO 3166-1 alpha-2 code.
func validCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// validSubdivision reports whether s looks like an ISO 3166-2 code
// ("BR-SP", "MX-CMX", "CO-DC").
func validSubdivision(s string) bool {
	if len(s) < 4 || len(s) > 6 || !validCountry(s[:2]) || s[2] != '-' {
		return false
	}
	for i := 3; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func validCoord(lat, lon float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}

// country returns the index of code, adding it. Needs mu held exclusively.
func (e *Engine) country(code string) uint16 {
	if c, ok := e.ctyByCode[code]; ok {
		return c
	}
	c := uint16(len(e.countries))
	e.countries = append(e.countries, &countryRec{code: code})
	e.ctyByCode[code] = c
	for _, off := range e.offerings {
		off.growLists(len(e.countries))
	}
	return c
}

func (off *offeringRec) growLists(n int) {
	if len(off.lists) >= n {
		return
	}
	lists := make([]atomic.Pointer[candList], n)
	for i := range off.lists {
		lists[i].Store(off.lists[i].Load())
	}
	off.lists = lists
}

// invalidate drops the cached lists of country c. Needs mu held exclusively.
func (e *Engine) invalidate(c uint16) {
	for _, off := range e.offerings {
		off.lists[c].Store(nil)
	}
}

// UpsertProvider adds a provider or updates its jurisdiction, certification
// and health.
func (e *Engine) UpsertProvider(p Provider) error {
	switch {
	case p.ID == "":
		return fmt.Errorf("%w: provider without ID", ErrInvalidFleet)
	case !validCountry(p.Jurisdiction):
		return fmt.Errorf("%w: provider %s: jurisdiction %q is not an ISO 3166-1 alpha-2 code", ErrInvalidFleet, p.ID, p.Jurisdiction)
	case !p.Certification.Valid():
		return fmt.Errorf("%w: provider %s: invalid certification", ErrInvalidFleet, p.ID)
	case !p.Health.Valid():
		return fmt.Errorf("%w: provider %s: invalid health", ErrInvalidFleet, p.ID)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	jur := int32(e.country(p.Jurisdiction))
	if i, ok := e.provByID[p.ID]; ok {
		r := e.providers[i]
		r.jur, r.cert, r.health, r.sim, r.name = jur, p.Certification, p.Health, p.Simulated, p.Name
		return nil
	}
	e.provByID[p.ID] = int32(len(e.providers))
	e.providers = append(e.providers, &providerRec{id: p.ID, name: p.Name, jur: jur, cert: p.Certification, health: p.Health, sim: p.Simulated})
	for _, off := range e.offerings {
		off.prices = append(off.prices, noPrice)
	}
	return nil
}

// RemoveProvider removes a provider and its prices. It fails while the
// provider still has sites.
func (e *Engine) RemoveProvider(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	i, ok := e.provByID[id]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownProvider, id)
	}
	if n := e.providers[i].nSites; n > 0 {
		return fmt.Errorf("%w: provider %s still has %d sites", ErrInvalidFleet, id, n)
	}
	for _, off := range e.offerings {
		off.prices[i] = noPrice
	}
	e.providers[i] = nil
	delete(e.provByID, id)
	return nil
}

// UpsertSite adds a site or updates it in place; reservations on an
// existing site are kept. Its provider must exist.
func (e *Engine) UpsertSite(s Site) error {
	if err := checkSite(&s); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	pi, ok := e.provByID[s.ProviderID]
	if !ok {
		return fmt.Errorf("%w: site %s: provider %s", ErrUnknownProvider, s.ID, s.ProviderID)
	}
	c := e.country(s.Country)
	fdName := s.FailureDomain
	if fdName == "" {
		fdName = "\x00" + s.ID // its own domain
	}
	fd, ok := e.fdByName[fdName]
	if !ok {
		fd = e.nFD
		e.nFD++
		e.fdByName[fdName] = fd
	}

	idx, exists := e.siteByID[s.ID]
	var r *siteRec
	if exists {
		r = e.sites[idx]
		if r.country != c || r.prov != pi {
			e.detach(idx, r)
			e.attach(idx, r, c, pi)
		}
	} else {
		if n := len(e.freeSites); n > 0 {
			idx = e.freeSites[n-1]
			e.freeSites = e.freeSites[:n-1]
		} else {
			idx = int32(len(e.sites))
			e.sites = append(e.sites, nil)
		}
		r = &siteRec{id: s.ID}
		e.sites[idx] = r
		e.siteByID[s.ID] = idx
		e.attach(idx, r, c, pi)
	}
	r.name = s.Name
	r.subdivision = s.Subdivision
	r.sub = 0
	if s.Subdivision != "" {
		id, ok := e.subByCode[s.Subdivision]
		if !ok {
			id = uint16(len(e.subByCode) + 1)
			e.subByCode[s.Subdivision] = id
		}
		r.sub = id
	}
	r.fdName = s.FailureDomain
	r.fd = fd
	r.images = r.images[:0]
	for _, f := range s.Images {
		id, ok := e.imgByName[f]
		if !ok {
			id = int32(len(e.imgByName) + 1)
			e.imgByName[f] = id
		}
		if !slices.Contains(r.images, id) {
			r.images = append(r.images, id)
		}
	}
	r.tier = s.Tier
	r.cert = s.Certification
	r.health.Store(uint32(s.Health))
	r.pt = geoPoint{lat: s.Lat, lon: s.Lon, v: unitVec(s.Lat, s.Lon)}
	oc := s.Overcommit.dims()
	for d, v := range s.Capacity.dims() {
		r.capEff[d] = v * int64(oc[d]) / 1000
	}
	return nil
}

func checkSite(s *Site) error {
	bad := func(what string) error {
		return fmt.Errorf("%w: site %q: %s", ErrInvalidFleet, s.ID, what)
	}
	switch {
	case s.ID == "":
		return bad("no ID")
	case !validCountry(s.Country):
		return bad("country is not an ISO 3166-1 alpha-2 code")
	case s.Subdivision != "" && (!validSubdivision(s.Subdivision) || !strings.HasPrefix(s.Subdivision, s.Country+"-")):
		return bad("subdivision is not an ISO 3166-2 code of its country")
	case !validCoord(s.Lat, s.Lon):
		return bad("coordinates out of range")
	case !s.Tier.Valid():
		return bad("invalid tier")
	case !s.Certification.Valid():
		return bad("invalid certification")
	case !s.Health.Valid():
		return bad("invalid health")
	}
	for _, v := range s.Capacity.dims() {
		if v < 0 || v > 1<<40 {
			return bad("capacity out of range")
		}
	}
	for _, v := range []Permille{s.Overcommit.VCPU, s.Overcommit.Memory, s.Overcommit.Disk} {
		if v < 0 || v > 100_000 {
			return bad("overcommit out of range")
		}
	}
	return nil
}

func (e *Engine) attach(idx int32, r *siteRec, c uint16, pi int32) {
	cr := e.countries[c]
	r.country, r.prov = c, pi
	r.countryPos = int32(len(cr.sites))
	cr.sites = append(cr.sites, idx)
	e.providers[pi].nSites++
	e.invalidate(c)
}

func (e *Engine) detach(idx int32, r *siteRec) {
	cr := e.countries[r.country]
	last := cr.sites[len(cr.sites)-1]
	cr.sites[r.countryPos] = last
	e.sites[last].countryPos = r.countryPos
	cr.sites = cr.sites[:len(cr.sites)-1]
	if p := e.providers[r.prov]; p != nil {
		p.nSites--
	}
	e.invalidate(r.country)
}

// RemoveSite forgets a site and what was reserved on it.
func (e *Engine) RemoveSite(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	idx, ok := e.siteByID[id]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownSite, id)
	}
	e.detach(idx, e.sites[idx])
	e.sites[idx] = nil
	delete(e.siteByID, id)
	e.freeSites = append(e.freeSites, idx)
	return nil
}

// SetSiteHealth records a site's health. It does not block decisions.
func (e *Engine) SetSiteHealth(id string, h Health) error {
	if !h.Valid() {
		return fmt.Errorf("%w: invalid health %d", ErrInvalidFleet, h)
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	idx, ok := e.siteByID[id]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownSite, id)
	}
	e.sites[idx].health.Store(uint32(h))
	return nil
}

// SetPrice sets the monthly cost of one replica of an offering at a
// provider, already converted by the caller to the national currency at the
// applicable dated exchange rate, in minor units.
func (e *Engine) SetPrice(providerID, offeringID string, monthlyMinor int64) error {
	if offeringID == "" {
		return fmt.Errorf("%w: price without offering", ErrInvalidFleet)
	}
	if monthlyMinor < 0 || monthlyMinor > 1<<40 { // 10,000 replicas still sum in an int64
		return fmt.Errorf("%w: price %d out of range", ErrInvalidFleet, monthlyMinor)
	}
	return e.setPrice(providerID, offeringID, monthlyMinor)
}

// RemovePrice withdraws a provider's price for an offering; its sites are
// no longer candidates for it.
func (e *Engine) RemovePrice(providerID, offeringID string) error {
	return e.setPrice(providerID, offeringID, noPrice)
}

func (e *Engine) setPrice(providerID, offeringID string, v int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	pi, ok := e.provByID[providerID]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownProvider, providerID)
	}
	off := e.offerings[offeringID]
	if off == nil {
		if v == noPrice {
			return nil
		}
		off = &offeringRec{id: offeringID, prices: make([]int64, len(e.providers))}
		for i := range off.prices {
			off.prices[i] = noPrice
		}
		off.growLists(len(e.countries))
		e.offerings[offeringID] = off
	}
	if off.prices[pi] == v {
		return nil
	}
	off.prices[pi] = v
	for i := range off.lists {
		off.lists[i].Store(nil)
	}
	return nil
}

// SiteCount returns the number of sites in the fleet.
func (e *Engine) SiteCount() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.siteByID)
}

// list returns the sorted priced sites of country c for an offering,
// building it on first use. Needs mu held (shared is enough).
func (e *Engine) list(off *offeringRec, c uint16) *candList {
	if l := off.lists[c].Load(); l != nil {
		return l
	}
	off.build.Lock()
	defer off.build.Unlock()
	if l := off.lists[c].Load(); l != nil {
		return l
	}
	sites := e.countries[c].sites
	l := &candList{e: make([]listEntry, 0, len(sites))}
	for _, si := range sites {
		s := e.sites[si]
		if p := off.prices[s.prov]; p != noPrice {
			l.e = append(l.e, listEntry{site: si, prov: s.prov, price: p})
		}
	}
	slices.SortFunc(l.e, func(a, b listEntry) int { return e.cmpEntry(&a, &b) })
	end := int32(len(l.e))
	for i := len(l.e) - 1; i >= 0; i-- {
		if i+1 < len(l.e) && l.e[i+1].prov != l.e[i].prov {
			end = int32(i + 1)
		}
		l.e[i].runEnd = end
	}
	off.lists[c].Store(l)
	return l
}

// cmpEntry orders candidates by price, then provider ID, then site ID, so
// that ties break the same way whatever order the fleet was loaded in.
func (e *Engine) cmpEntry(a, b *listEntry) int {
	if c := cmp.Compare(a.price, b.price); c != 0 {
		return c
	}
	if a.prov != b.prov {
		return strings.Compare(e.providers[a.prov].id, e.providers[b.prov].id)
	}
	return strings.Compare(e.sites[a.site].id, e.sites[b.site].id)
}
