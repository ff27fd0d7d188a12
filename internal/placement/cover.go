package placement

import (
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/soberana/soberana/internal/geo"
	"github.com/soberana/soberana/internal/i18n"
)

// Coverage requirements (Request.NearPoints, Request.PerSubdivision): each
// needs a replica of its own that covers it. The exact search branches on
// the requirements first — for the uncovered requirement with the fewest
// candidates, over each candidate that covers it, in key order — and then
// fills the remaining replicas with the ordinary branch and bound. Every
// feasible set has an assignment of distinct replicas to requirements, so
// enumerating the servers requirement by requirement, with the same lower
// bounds, keeps the search exact.

// covReq is one coverage requirement of a request, ready for the hot loop.
type covReq struct {
	sub   int32 // interned subdivision (0: one no site has); -1 for a point
	pt    geoPoint
	km    float64
	thr2  float64
	label string
}

// prepareCover fills w.cov from the request.
func (e *Engine) prepareCover(w *work, req *Request) {
	w.cov = w.cov[:0]
	for _, p := range req.NearPoints {
		label := p.Label
		if label == "" {
			label = strconv.FormatFloat(p.Lat, 'f', -1, 64) + "," + strconv.FormatFloat(p.Lon, 'f', -1, 64)
		}
		w.cov = append(w.cov, covReq{sub: -1, pt: geoPoint{lat: p.Lat, lon: p.Lon, v: unitVec(p.Lat, p.Lon)},
			km: p.RadiusKm, thr2: chord2For(p.RadiusKm), label: label})
	}
	for _, code := range req.PerSubdivision {
		w.cov = append(w.cov, covReq{sub: int32(e.subByCode[code]), label: code})
	}
	w.all = 0
	if n := len(w.cov); n > 0 {
		w.all = 1<<uint(n) - 1
		if n == 64 {
			w.all = math.MaxUint64
		}
	}
}

// coverMask is the set of requirements site s covers.
func (w *work) coverMask(s *siteRec) uint64 {
	var m uint64
	for i := range w.cov {
		q := &w.cov[i]
		if q.sub < 0 {
			if withinKm(&s.pt, &q.pt, q.km, q.thr2) {
				m |= 1 << uint(i)
			}
		} else if q.sub != 0 && int32(s.sub) == q.sub {
			m |= 1 << uint(i)
		}
	}
	return m
}

// searchCover is search for a request with coverage requirements.
func (e *Engine) searchCover(w *work) (found, exact bool) {
	for !w.exhausted {
		if !e.pull(w) {
			w.exhausted = true
		}
	}
	if len(w.cands) < w.n {
		return false, false
	}
	w.covIdx = grow(w.covIdx, len(w.cov))
	for q := range w.covIdx {
		w.covIdx[q] = w.covIdx[q][:0]
	}
	for j := range w.cands {
		for m := w.cands[j].mask; m != 0; m &= m - 1 {
			q := bits.TrailingZeros64(m)
			w.covIdx[q] = append(w.covIdx[q], int32(j))
		}
	}
	for q := range w.cov {
		if len(w.covIdx[q]) == 0 {
			return false, false
		}
	}
	if w.n > MaxExactReplicas {
		if !e.greedyCover(w) {
			return false, false
		}
		// Disjoint requirements (subdivisions) with no set rule: the
		// cheapest site of each, then the cheapest others, is the best set.
		return true, len(w.req.NearPoints) == 0 && w.minP <= 1 && w.minF <= 1 && w.minD == 0 && w.maxFD == 0 && w.ceiling == 0
	}
	return w.exhaustive(func() { e.covDfs(w, 0, 0, 0, 0, 0, 0) })
}

// covDfs assigns a server to each requirement not in matched, then hands
// the rest of the replicas to dfs.
func (e *Engine) covDfs(w *work, k int, matched uint64, pk, pp int64, np, nf int) {
	if matched == w.all {
		if k < w.n {
			e.dfs(w, k, 0, pk, pp, np, nf)
			return
		}
		if np >= w.minP && nf >= w.minF && (!w.found || pk < w.bestKey) {
			w.found, w.bestKey = true, pk
			copy(w.best[:], w.chosen[:w.n])
		}
		return
	}
	q, fewest := -1, math.MaxInt
	for i := range w.cov {
		if matched&(1<<uint(i)) == 0 && len(w.covIdx[i]) < fewest {
			q, fewest = i, len(w.covIdx[i])
		}
	}
	r := w.n - k - 1
	for _, j := range w.covIdx[q] {
		w.nodes++
		if w.nodes > w.budget {
			w.aborted = true
			return
		}
		c := &w.cands[j]
		if w.found && pk+c.key+w.prefix[r] >= w.bestKey {
			return // later servers of q cost at least as much
		}
		newP, newF, ok := w.fits(k, j)
		if !ok {
			continue
		}
		if w.minP-np-newP > r || w.minF-nf-newF > r {
			continue
		}
		if w.ceiling > 0 && pp+c.price+int64(r)*w.minPrice > w.ceiling {
			continue
		}
		w.chosen[k] = j
		e.covDfs(w, k+1, matched|1<<uint(q), pk+c.key, pp+c.price, np+newP, nf+newF)
		if w.aborted {
			return
		}
	}
}

// fits checks candidate j against chosen[:k]: not already chosen, far
// enough from each, within the per-domain cap. newP and newF say whether
// it adds a provider and a failure domain.
func (w *work) fits(k int, j int32) (newP, newF int, ok bool) {
	c := &w.cands[j]
	newP, newF = 1, 1
	sameFD := 0
	for i := range k {
		if w.chosen[i] == j {
			return 0, 0, false
		}
		o := &w.cands[w.chosen[i]]
		if o.prov == c.prov {
			newP = 0
		}
		if o.fd == c.fd {
			newF = 0
			sameFD++
		}
		if w.minD > 0 && !atLeastKm(&o.pt, &c.pt, w.minD, w.minD2) {
			return 0, 0, false
		}
	}
	if w.maxFD > 0 && sameFD >= w.maxFD {
		return 0, 0, false
	}
	return newP, newF, true
}

// greedyCover is the heuristic for more than MaxExactReplicas replicas:
// the cheapest fitting server of each requirement (fewest candidates
// first), then the cheapest other candidates.
func (e *Engine) greedyCover(w *work) bool {
	w.newPass()
	w.taken = grow(w.taken, len(w.cands))
	clear(w.taken)
	w.order = w.order[:0]
	for q := range w.cov {
		w.order = append(w.order, int32(q))
	}
	slices.SortStableFunc(w.order, func(a, b int32) int { return len(w.covIdx[a]) - len(w.covIdx[b]) })
	g := greedyState{}
	for _, q := range w.order {
		served := false
		for _, j := range w.covIdx[q] {
			if !w.taken[j] && e.take(w, j, &g) {
				w.taken[j] = true
				served = true
				break
			}
		}
		if !served {
			return false
		}
	}
	for j := 0; len(w.pick) < w.n; j++ {
		if j >= len(w.cands) {
			return false
		}
		if !w.taken[j] && e.take(w, int32(j), &g) {
			w.taken[j] = true
		}
	}
	return true
}

// newPass starts a greedy pass: no pick yet, and a new epoch for the
// provider and failure-domain counts (cleared when the epoch wraps).
func (w *work) newPass() {
	w.pick = w.pick[:0]
	w.gEpoch++
	if w.gEpoch == 0 {
		clear(w.gMark)
		clear(w.fMark)
		w.gEpoch = 1
	}
}

// greedyState is what a greedy pass has picked so far: providers,
// failure domains and the price of the picks.
type greedyState struct {
	np, nf int
	pp     int64
}

// picked is how many of this pass's picks share c's provider (pc) and
// its failure domain (fc).
func (w *work) picked(c *cand) (pc, fc int32) {
	if w.gMark[c.prov] == w.gEpoch {
		pc = w.gCnt[c.prov]
	}
	if w.fMark[c.fd] == w.gEpoch {
		fc = w.fCnt[c.fd]
	}
	return pc, fc
}

// take adds candidate j to w.pick when the set rules allow it, and
// reports whether it did.
func (e *Engine) take(w *work, j int32, g *greedyState) bool {
	c := &w.cands[j]
	pc, fc := w.picked(c)
	if w.maxFD > 0 && int(fc) >= w.maxFD {
		return false
	}
	r := w.n - len(w.pick) - 1
	np2, nf2 := g.np, g.nf
	if pc == 0 {
		np2++
	}
	if fc == 0 {
		nf2++
	}
	if w.minP-np2 > r || w.minF-nf2 > r {
		return false
	}
	if w.ceiling > 0 && g.pp+c.price+int64(r)*w.minPrice > w.ceiling {
		return false
	}
	if w.minD > 0 && !e.farFromPicks(w, c) {
		return false
	}
	w.pick = append(w.pick, j)
	g.pp += c.price
	g.np, g.nf = np2, nf2
	if pc == 0 {
		w.gMark[c.prov] = w.gEpoch
	}
	w.gCnt[c.prov] = pc + 1
	if fc == 0 {
		w.fMark[c.fd] = w.gEpoch
	}
	w.fCnt[c.fd] = fc + 1
	return true
}

// assignCover matches the picks to the requirements (each requirement its
// own replica): serves[i] is the requirement pick i serves, or -1.
func (w *work) assignCover() []int {
	serves := make([]int, len(w.pick))
	for i := range serves {
		serves[i] = -1
	}
	owner := make([]int, len(w.cov)) // requirement -> pick
	for q := range owner {
		owner[q] = -1
	}
	var try func(q int, seen []bool) bool
	try = func(q int, seen []bool) bool {
		for i, ci := range w.pick {
			if seen[i] || w.cands[ci].mask&(1<<uint(q)) == 0 {
				continue
			}
			seen[i] = true
			if serves[i] < 0 || try(serves[i], seen) {
				serves[i], owner[q] = q, i
				return true
			}
		}
		return false
	}
	for q := range w.cov {
		try(q, make([]bool, len(w.pick)))
	}
	return serves
}

// Uncovered is a coverage requirement that no site meeting every other
// constraint covers.
type Uncovered struct {
	Label       string
	Subdivision bool
	RadiusKm    float64
	// NearestKm and NearestSite name the closest fitting site to the point
	// (NearestKm < 0: no site fits at all).
	NearestKm   float64
	NearestSite string
}

// uncovered lists the requirements that none of the fitting sites covers.
func (e *Engine) uncovered(w *work, fitting []int32) []Uncovered {
	var out []Uncovered
	for qi := range w.cov {
		q := &w.cov[qi]
		u := Uncovered{Label: q.label, Subdivision: q.sub >= 0, RadiusKm: q.km, NearestKm: -1}
		covered := false
		for _, si := range fitting {
			s := e.sites[si]
			if w.coverMask(s)&(1<<uint(qi)) != 0 {
				covered = true
				break
			}
			if q.sub < 0 {
				d := geo.DistanceKm(s.pt.lat, s.pt.lon, q.pt.lat, q.pt.lon)
				if u.NearestKm < 0 || d < u.NearestKm {
					u.NearestKm, u.NearestSite = d, nameOr(s.name, s.id)
				}
			}
		}
		if !covered {
			out = append(out, u)
		}
	}
	return out
}

// coverageText says which requirements no fitting site covers, and for a
// point the closest fitting site.
func (r *Reasons) coverageText(lang i18n.Lang) string {
	parts := make([]string, len(r.Uncovered))
	for i, u := range r.Uncovered {
		switch {
		case u.Subdivision:
			parts[i] = i18n.T(lang, "placement.cover.subdivision", u.Label)
		case u.NearestKm < 0:
			parts[i] = i18n.T(lang, "placement.cover.point", u.RadiusKm, u.Label)
		default:
			parts[i] = i18n.T(lang, "placement.cover.point_nearest", u.RadiusKm, u.Label, u.NearestSite, u.NearestKm)
		}
	}
	return strings.Join(parts, "; ")
}

func servesText(lang i18n.Lang, c Choice) string {
	if c.ServesDistanceKm > 0 || !strings.HasPrefix(c.Serves, c.Country+"-") {
		return i18n.T(lang, "placement.choice.serves_point", c.Serves, c.ServesDistanceKm)
	}
	return i18n.T(lang, "placement.choice.serves_subdivision", c.Serves)
}
