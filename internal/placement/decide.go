package placement

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/soberana/soberana/internal/geo"
)

// MaxExactReplicas is the largest replica count for which the engine
// searches for the proven best set. Above it a spread heuristic chooses a
// set that still meets every hard constraint.
const MaxExactReplicas = 5

// MaxReplicas bounds Request.Replicas.
const MaxReplicas = 10_000

// cand is one site that passes every per-site constraint of a request.
type cand struct {
	site, prov, fd int32
	key            int64 // what the preference minimises: price, or metres to Near
	price          int64
	mask           uint64 // coverage requirements it covers
	pt             geoPoint
}

// slot is one allowed country of a request.
type slot struct {
	c            uint16
	restricted   bool // only the subdivisions subs[subLo:subHi] are allowed
	subLo, subHi int32
	list         *candList
	pos          int32
}

// Provider-level failures, computed once per decision.
const (
	pfSovereignty uint8 = 1 << iota
	pfCert
	pfDown
	pfSubstrate
)

// work is the scratch of one decision; pooled so that deciding allocates
// only what it returns.
type work struct {
	rq       Request // the caller's request, copied
	req      *Request
	n        int
	res      [nDims]int64
	class    Classification
	national bool
	tier     int8  // -1: any
	image    int32 // interned family the sites must have; 0: any, -1: one no site has
	off      *offeringRec
	slots    []slot
	subs     []uint16 // allowed subdivisions, interned
	jurs     []int32  // Regional: allowed jurisdictions, as country indices
	prov     []uint8  // provider-level failures, by provider index
	provJur  []int32
	exclude  []int32
	hasNear  bool
	near     geoPoint
	nearKm   float64
	near2    float64
	minD     float64
	minD2    float64
	minP     int
	minF     int
	maxFD    int
	headroom bool
	hr       int64
	nearest  bool
	cov      []covReq // coverage requirements
	all      uint64   // mask of every requirement
	covIdx   [][]int32
	taken    []bool
	order    []int32
	ceiling  int64 // enforced inside the search (nearest only); 0: none

	// Candidates, materialised lazily in preference order.
	cands     []cand
	prefix    []int64 // prefix[i] = sum of cands[:i].key
	exhausted bool
	epoch     uint32
	provMark  []uint32
	provLast  []int32
	provOrder []int32 // index of each provider's first (best) candidate
	fdMark    []uint32
	fdLast    []int32
	fdOrder   []int32
	minPrice  int64

	// Search.
	chosen  [MaxExactReplicas]int32
	best    [MaxExactReplicas]int32
	bestKey int64
	found   bool
	nodes   int
	budget  int
	aborted bool
	pick    []int32 // the chosen candidates
	gMark   []uint32
	gCnt    []int32
	gEpoch  uint32
	fMark   []uint32
	fCnt    []int32
	sorted  []int32
}

func (e *Engine) getWork() *work { return e.pool.Get().(*work) }

func (e *Engine) putWork(w *work) {
	w.rq, w.req, w.off = Request{}, nil, nil // keep no caller data alive
	e.pool.Put(w)
}

// Preview decides where the replicas would go without reserving anything.
func (e *Engine) Preview(req Request) (Decision, error) {
	w := e.getWork()
	defer e.putWork(w)
	w.rq = req // a copy in the pooled scratch: req itself does not escape
	if err := validate(&w.rq); err != nil {
		return Decision{}, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	d, err := e.decide(w, &w.rq)
	if err != nil {
		return Decision{}, err
	}
	return e.build(w, d), nil
}

// Place decides where the replicas go and reserves their resources on the
// chosen sites, atomically with respect to every other decision: if another
// decision took the capacity in between, it decides again.
func (e *Engine) Place(req Request) (Decision, error) {
	w := e.getWork()
	defer e.putWork(w)
	w.rq = req
	if err := validate(&w.rq); err != nil {
		return Decision{}, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	for attempt := range e.opts.MaxAttempts {
		d, ok, err := e.tryPlace(w, attempt == e.opts.MaxAttempts-1)
		if err != nil {
			return Decision{}, err
		}
		if ok {
			return e.build(w, d), nil
		}
	}
	return Decision{}, fmt.Errorf("placing %d replicas: %w", req.Replicas, ErrContention)
}

// tryPlace decides and commits once. Optimistic attempts commit under the
// shared gate and fail when another decision took the capacity first; the
// exclusive attempt holds every other commit off while it decides, so a
// request that fits cannot be starved.
func (e *Engine) tryPlace(w *work, exclusive bool) (outcome, bool, error) {
	if exclusive {
		e.gate.Lock()
		defer e.gate.Unlock()
	}
	d, err := e.decide(w, &w.rq)
	if err != nil {
		return d, false, err
	}
	if exclusive {
		return d, e.commit(w), nil
	}
	e.gate.RLock()
	ok := e.commit(w)
	e.gate.RUnlock()
	return d, ok, nil
}

// outcome is what decide found besides w.pick.
type outcome struct {
	exact    bool
	fallback bool // Balanced found no set with headroom
}

// decide fills w.pick or returns why it cannot.
func (e *Engine) decide(w *work, req *Request) (outcome, error) {
	e.prepare(w, req)
	switch {
	case w.nearest:
		w.ceiling = req.CostCeilingMinor
		w.resetCands()
		e.drainByDistance(w)
		if ok, exact := e.search(w); ok {
			return outcome{exact: exact}, nil
		}
		// Nothing within the ceiling (or at all): find the cheapest set to
		// say which.
		w.nearest, w.ceiling = false, 0
		w.resetCands()
		if ok, exact := e.search(w); ok {
			if !e.exceeds(w) {
				// Only when the nearest search ran out of budget.
				return outcome{}, nil
			}
			return outcome{}, e.overCeiling(w, exact)
		}
		return outcome{}, e.noFit(w)
	case req.Preference == Balanced:
		w.headroom = true
		w.resetCands()
		if ok, exact := e.search(w); ok && !e.exceeds(w) {
			return outcome{exact: exact}, nil
		}
		w.headroom = false
		return e.cheapest(w, true)
	default:
		return e.cheapest(w, false)
	}
}

// cheapest searches the cheapest set over all candidates and turns its
// result into an outcome: no set fits, or the best one exceeds the
// ceiling, or it is the answer (fallback: a Balanced request that found
// nothing within headroom).
func (e *Engine) cheapest(w *work, fallback bool) (outcome, error) {
	w.resetCands()
	ok, exact := e.search(w)
	if !ok {
		return outcome{}, e.noFit(w)
	}
	if e.exceeds(w) {
		return outcome{}, e.overCeiling(w, exact)
	}
	return outcome{exact: exact, fallback: fallback}, nil
}

func (w *work) total() int64 {
	var t int64
	for _, ci := range w.pick {
		t += w.cands[ci].price
	}
	return t
}

func (e *Engine) exceeds(w *work) bool {
	return w.req.CostCeilingMinor > 0 && w.total() > w.req.CostCeilingMinor
}

// prepare turns a valid request into what the hot loop reads.
func (e *Engine) prepare(w *work, req *Request) {
	e.prepareSiteFilter(w, req)
	prepareSpread(w, req)
	e.prepareCover(w, req)
	w.headroom = false
	w.hr = int64(e.opts.HeadroomPermille)
	w.nearest = req.Preference == Nearest
	w.ceiling = 0
	w.budget = e.opts.SearchBudget
	e.prepareSlots(w, req)
	e.prepareProviders(w, req)
	e.prepareExclude(w, req)
	e.growMarks(w)
}

// prepareSiteFilter sets what every site is checked against: the replica
// count and resources, the classification, national sovereignty, the
// tier, the offering and the image (-1 when no site has that family).
func (e *Engine) prepareSiteFilter(w *work, req *Request) {
	w.req = req
	w.n = req.Replicas
	w.res = req.Resources.dims()
	w.class = req.Classification
	w.national = req.Sovereignty.Mode == National
	w.tier = -1
	if req.Tier != nil {
		w.tier = int8(*req.Tier)
	}
	w.off = e.offerings[req.OfferingID]
	w.image = 0
	if req.Image != "" {
		w.image = -1
		if id, ok := e.imgByName[req.Image]; ok {
			w.image = id
		}
	}
}

// prepareSpread sets the redundancy constraints and the point every
// replica must be near, with the chord thresholds the distance checks use.
func prepareSpread(w *work, req *Request) {
	w.minP = req.Redundancy.MinProviders
	w.minF = req.Redundancy.MinFailureDomains
	w.maxFD = req.Redundancy.MaxPerFailureDomain
	w.minD = req.Redundancy.MinDistanceKm
	w.minD2 = chord2For(w.minD)
	w.hasNear = req.Near != nil
	if w.hasNear {
		w.near = geoPoint{lat: req.Near.Lat, lon: req.Near.Lon, v: unitVec(req.Near.Lat, req.Near.Lon)}
		w.nearKm = req.Near.RadiusKm
		w.near2 = chord2For(w.nearKm)
	}
}

// prepareSlots lists the allowed countries that have sites, once each in
// request order, with the interned subdivisions each is restricted to.
func (e *Engine) prepareSlots(w *work, req *Request) {
	w.slots = w.slots[:0]
	w.subs = w.subs[:0]
	for _, code := range req.Residency.Countries {
		c, ok := e.ctyByCode[code]
		if !ok || slices.ContainsFunc(w.slots, func(s slot) bool { return s.c == c }) {
			continue
		}
		s := slot{c: c, subLo: int32(len(w.subs))}
		for _, sub := range req.Residency.Subdivisions {
			if strings.HasPrefix(sub, code) && sub[2] == '-' {
				s.restricted = true
				if id, ok := e.subByCode[sub]; ok {
					w.subs = append(w.subs, id)
				}
			}
		}
		s.subHi = int32(len(w.subs))
		w.slots = append(w.slots, s)
	}
}

// prepareProviders computes, once per decision, the provider-level
// failures (sovereignty, certification, health, substrate) of every
// provider index and the jurisdiction of each.
func (e *Engine) prepareProviders(w *work, req *Request) {
	w.jurs = w.jurs[:0]
	if req.Sovereignty.Mode == Regional {
		for _, j := range req.Sovereignty.Jurisdictions {
			if c, ok := e.ctyByCode[j]; ok {
				w.jurs = append(w.jurs, int32(c))
			}
		}
	}
	np := len(e.providers)
	w.prov = grow(w.prov, np)
	w.provJur = grow(w.provJur, np)
	for i, p := range e.providers {
		var f uint8
		if p == nil {
			f = pfDown
		} else {
			w.provJur[i] = p.jur
			if req.Sovereignty.Mode == Regional && !slices.Contains(w.jurs, p.jur) {
				f |= pfSovereignty
			}
			if p.cert < w.class {
				f |= pfCert
			}
			if p.health == Down {
				f |= pfDown
			}
			if req.Substrate == SubstrateReal && p.sim || req.Substrate == SubstrateSimulated && !p.sim {
				f |= pfSubstrate
			}
		}
		w.prov[i] = f
	}
}

// prepareExclude interns the site IDs to avoid; unknown ones are dropped.
func (e *Engine) prepareExclude(w *work, req *Request) {
	w.exclude = w.exclude[:0]
	for _, id := range req.Exclude {
		if i, ok := e.siteByID[id]; ok {
			w.exclude = append(w.exclude, i)
		}
	}
}

// growMarks sizes the per-provider and per-failure-domain marks and counts
// of the search to the fleet; the scratch keeps them between decisions.
func (e *Engine) growMarks(w *work) {
	np := len(e.providers)
	nfd := int(e.nFD)
	if len(w.provMark) < np {
		w.provMark = make([]uint32, np)
		w.provLast = make([]int32, np)
		w.gMark = make([]uint32, np)
		w.gCnt = make([]int32, np)
	}
	if len(w.fdMark) < nfd {
		w.fdMark = make([]uint32, nfd)
		w.fdLast = make([]int32, nfd)
		w.fMark = make([]uint32, nfd)
		w.fCnt = make([]int32, nfd)
	}
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// resetCands starts a new candidate stream for the current settings.
func (w *work) resetCands() {
	w.cands = w.cands[:0]
	w.prefix = append(w.prefix[:0], 0)
	w.provOrder = w.provOrder[:0]
	w.fdOrder = w.fdOrder[:0]
	w.exhausted = false
	w.minPrice = math.MaxInt64
	w.nextEpoch()
	for i := range w.slots {
		w.slots[i].list = nil
		w.slots[i].pos = 0
	}
}

// note indexes cands[i] once it is final.
func (w *work) note(i int) {
	c := &w.cands[i]
	w.prefix = append(w.prefix, w.prefix[len(w.prefix)-1]+c.key)
	if w.provMark[c.prov] != w.epoch {
		w.provMark[c.prov] = w.epoch
		w.provOrder = append(w.provOrder, int32(i))
	}
	w.provLast[c.prov] = int32(i)
	if w.fdMark[c.fd] != w.epoch {
		w.fdMark[c.fd] = w.epoch
		w.fdOrder = append(w.fdOrder, int32(i))
	}
	w.fdLast[c.fd] = int32(i)
	if c.price < w.minPrice {
		w.minPrice = c.price
	}
}

// ensure materialises candidates until there are n, and reports whether
// there are.
func (e *Engine) ensure(w *work, n int) bool {
	for len(w.cands) < n {
		if w.exhausted || !e.pull(w) {
			w.exhausted = true
			return false
		}
	}
	return true
}

// head returns the next entry of slot s whose provider passes the
// provider-level constraints, skipping whole provider runs.
func (e *Engine) head(w *work, s *slot) *listEntry {
	if s.list == nil {
		if w.off == nil {
			return nil
		}
		s.list = e.list(w.off, s.c)
	}
	ents := s.list.e
	for int(s.pos) < len(ents) {
		en := &ents[s.pos]
		if w.prov[en.prov] != 0 || w.national && w.provJur[en.prov] != int32(s.c) {
			s.pos = en.runEnd
			continue
		}
		return en
	}
	return nil
}

// pull appends the next candidate in price order; false at the end.
func (e *Engine) pull(w *work) bool {
	for {
		var best *listEntry
		bi := -1
		for i := range w.slots {
			en := e.head(w, &w.slots[i])
			if en == nil {
				continue
			}
			if best == nil || e.cmpEntry(en, best) < 0 {
				best, bi = en, i
			}
		}
		if best == nil {
			return false
		}
		s := &w.slots[bi]
		s.pos++
		site := e.sites[best.site]
		if e.siteReason(w, site, best.site, s, false) != ReasonNone {
			continue
		}
		w.cands = append(w.cands, cand{
			site: best.site, prov: best.prov, fd: site.fd,
			key: best.price, price: best.price, pt: site.pt, mask: w.coverMask(site),
		})
		w.note(len(w.cands) - 1)
		return true
	}
}

// drainByDistance materialises every candidate and orders them by distance
// to Near, then price.
func (e *Engine) drainByDistance(w *work) {
	for e.pull(w) {
	}
	for i := range w.cands {
		c := &w.cands[i]
		c.key = int64(math.Round(geo.DistanceKm(c.pt.lat, c.pt.lon, w.near.lat, w.near.lon) * 1000))
	}
	slices.SortFunc(w.cands, func(a, b cand) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		if a.price != b.price {
			return cmp.Compare(a.price, b.price)
		}
		return strings.Compare(e.sites[a.site].id, e.sites[b.site].id)
	})
	w.reindex()
	w.exhausted = true
}

// reindex rebuilds the prefix sums and first/last marks after the
// candidates were reordered.
func (w *work) reindex() {
	w.prefix = w.prefix[:1]
	w.provOrder = w.provOrder[:0]
	w.fdOrder = w.fdOrder[:0]
	w.nextEpoch()
	for i := range w.cands {
		w.note(i)
	}
}

func (w *work) nextEpoch() {
	w.epoch++
	if w.epoch == 0 { // wrapped: forget every mark
		clear(w.provMark)
		clear(w.fdMark)
		w.epoch = 1
	}
}

// siteReason returns the first constraint a site fails, in the fixed order
// the explanations count them, or ReasonNone. With full false the caller has
// already applied residency by country, the provider-level constraints and
// the price.
func (e *Engine) siteReason(w *work, s *siteRec, idx int32, sl *slot, full bool) Reason {
	if len(w.exclude) > 0 && slices.Contains(w.exclude, idx) {
		return ReasonExcluded
	}
	if sl.restricted && !slices.Contains(w.subs[sl.subLo:sl.subHi], s.sub) {
		return ReasonResidency
	}
	if full {
		pf := w.prov[s.prov]
		if pf&pfSubstrate != 0 {
			return ReasonSubstrate
		}
		if pf&pfSovereignty != 0 || w.national && w.provJur[s.prov] != int32(s.country) {
			return ReasonSovereignty
		}
		if pf&pfCert != 0 {
			return ReasonProviderCertification
		}
		if s.cert < w.class {
			return ReasonSiteCertification
		}
		if w.tier >= 0 && s.tier != Tier(w.tier) {
			return ReasonTier
		}
		if pf&pfDown != 0 || Health(s.health.Load()) == Down {
			return ReasonUnhealthy
		}
	} else {
		if s.cert < w.class {
			return ReasonSiteCertification
		}
		if w.tier >= 0 && s.tier != Tier(w.tier) {
			return ReasonTier
		}
		if Health(s.health.Load()) == Down {
			return ReasonUnhealthy
		}
	}
	if w.hasNear && !withinKm(&s.pt, &w.near, w.nearKm, w.near2) {
		return ReasonTooFar
	}
	if full && (w.off == nil || w.off.prices[s.prov] == noPrice) {
		return ReasonNoPrice
	}
	if w.image != 0 && !slices.Contains(s.images, w.image) {
		return ReasonImage
	}
	for d := range nDims {
		if s.used[d].Load()+w.res[d] > s.capEff[d] {
			return ReasonVCPU + Reason(d)
		}
	}
	if w.headroom {
		for d := range nDims {
			if (s.used[d].Load()+w.res[d])*1000 > s.capEff[d]*w.hr {
				return reasonNoHeadroom
			}
		}
	}
	return ReasonNone
}

// commit reserves the request's resources on every chosen site, or on none
// if one of them no longer has room.
func (e *Engine) commit(w *work) bool {
	w.sorted = w.sorted[:0]
	for _, ci := range w.pick {
		w.sorted = append(w.sorted, w.cands[ci].site)
	}
	slices.Sort(w.sorted) // one lock order for everyone
	for _, si := range w.sorted {
		e.sites[si].mu.Lock()
	}
	ok := true
check:
	for _, si := range w.sorted {
		s := e.sites[si]
		for d := range nDims {
			if s.used[d].Load()+w.res[d] > s.capEff[d] {
				ok = false
				break check
			}
		}
	}
	for _, si := range w.sorted {
		s := e.sites[si]
		if ok {
			for d := range nDims {
				if w.res[d] != 0 {
					s.used[d].Add(w.res[d])
				}
			}
		}
		s.mu.Unlock()
	}
	return ok
}

// build turns w.pick into a Decision; the only allocation of a decision.
func (e *Engine) build(w *work, o outcome) Decision {
	req := w.req
	d := Decision{
		OfferingID: req.OfferingID,
		Resources:  req.Resources,
		Choices:    make([]Choice, len(w.pick)),
		Exact:      o.exact,
	}
	w.gEpoch++
	if w.gEpoch == 0 {
		clear(w.gMark)
		clear(w.fMark)
		w.gEpoch = 1
	}
	var provs, fds int
	var serves []int
	if len(w.cov) > 0 {
		serves = w.assignCover()
	}
	for i, ci := range w.pick {
		c := &w.cands[ci]
		s := e.sites[c.site]
		ch := Choice{
			SiteID:        s.id,
			ProviderID:    e.providers[c.prov].id,
			SiteName:      s.name,
			ProviderName:  e.providers[c.prov].name,
			FailureDomain: s.fdName,
			Country:       e.countries[s.country].code,
			Subdivision:   s.subdivision,
			MonthlyMinor:  c.price,
		}
		if w.hasNear {
			ch.DistanceKm = geo.DistanceKm(c.pt.lat, c.pt.lon, w.near.lat, w.near.lon)
		}
		if serves != nil && serves[i] >= 0 {
			q := &w.cov[serves[i]]
			ch.Serves = q.label
			if q.sub < 0 {
				ch.ServesDistanceKm = geo.DistanceKm(c.pt.lat, c.pt.lon, q.pt.lat, q.pt.lon)
			}
		}
		d.Choices[i] = ch
		d.TotalMonthlyMinor += c.price
		if w.gMark[c.prov] != w.gEpoch {
			w.gMark[c.prov] = w.gEpoch
			provs++
		}
		if w.fMark[c.fd] != w.gEpoch {
			w.fMark[c.fd] = w.gEpoch
			fds++
		}
	}
	minPair := 0.0
	if n := len(w.pick); n > 1 && n <= 32 {
		minPair = math.Inf(1)
		for i := range n {
			a := &w.cands[w.pick[i]].pt
			for j := i + 1; j < n; j++ {
				b := &w.cands[w.pick[j]].pt
				minPair = min(minPair, geo.DistanceKm(a.lat, a.lon, b.lat, b.lon))
			}
		}
	}
	d.Reasons = e.baseReasons(w)
	d.Reasons.Placed = len(w.pick)
	d.Reasons.TotalMonthlyMinor = d.TotalMonthlyMinor
	d.Reasons.Exact = o.exact
	d.Reasons.HeadroomFallback = o.fallback
	d.Reasons.Providers = provs
	d.Reasons.FailureDomains = fds
	d.Reasons.MinPairDistanceKm = minPair
	return d
}

func (e *Engine) baseReasons(w *work) Reasons {
	req := w.req
	p := req.Preference
	if p == "" {
		p = Cheapest
	}
	r := Reasons{
		Sites:          len(e.siteByID),
		Replicas:       req.Replicas,
		OfferingID:     req.OfferingID,
		OfferingName:   req.OfferingName,
		Preference:     p,
		Classification: req.Classification,
		Residency:      req.Residency,
		Sovereignty:    req.Sovereignty,
		Redundancy:     req.Redundancy,
		Substrate:      req.Substrate,
		Image:          req.Image,
		Currency:       e.opts.Currency,
		MinorDigits:    e.opts.MinorDigits,
	}
	if req.Tier != nil {
		r.Tier, r.HasTier = *req.Tier, true
	}
	if req.Near != nil {
		r.Near = *req.Near
		r.HasNear = true
	}
	return r
}
