package placement

import "math"

// search chooses w.n candidates meeting the set constraints, minimising the
// sum of their keys. It reports whether it found a set and whether the set
// is proven best.
func (e *Engine) search(w *work) (found, exact bool) {
	if len(w.cov) > 0 {
		return e.searchCover(w)
	}
	if w.n > MaxExactReplicas {
		return e.greedy(w), false
	}
	return w.exhaustive(func() { e.dfs(w, 0, 0, 0, 0, 0, 0) })
}

// exhaustive runs one depth-first walk (dfs, or covDfs for requirement
// covers) from a clean state and keeps its best set in w.pick. ok: a set
// was found; exact: the walk finished within its node budget.
func (w *work) exhaustive(walk func()) (ok, exact bool) {
	w.found, w.aborted, w.nodes = false, false, 0
	w.bestKey = math.MaxInt64
	walk()
	if !w.found {
		return false, false
	}
	w.pick = append(w.pick[:0], w.best[:w.n]...)
	return true, !w.aborted
}

// dfs is a branch and bound over the candidates in key order: it extends
// the partial set chosen[:k] (key sum pk, price sum pp, np distinct
// providers, nf distinct failure domains) with candidates from index start.
//
// Candidates are sorted by key, so the k+1..n picks after index j cost at
// least the sum of the keys of the candidates right after j; once that bound
// reaches the best set found, no later j can do better. Two more bounds use
// the redundancy rules: picks that must come from new providers (or new
// failure domains) cost at least the cheapest candidate of each of the
// cheapest such providers (domains).
func (e *Engine) dfs(w *work, k, start int, pk, pp int64, np, nf int) {
	r := w.n - k - 1 // picks still to make after this one
	for j := start; ; j++ {
		w.nodes++
		if w.nodes > w.budget {
			w.aborted = true
			return
		}
		if !e.ensure(w, j+r+1) {
			return // fewer than r+1 candidates from j on
		}
		c := &w.cands[j]
		simple := pk + w.prefix[j+r+1] - w.prefix[j]
		if w.found && simple >= w.bestKey {
			return
		}
		// Not chosen already (covDfs may have), far enough from the
		// chosen, within the per-domain cap.
		newP, newF, ok := w.fits(k, int32(j))
		if !ok {
			continue
		}
		dP, dF := w.minP-np-newP, w.minF-nf-newF
		if dP > r || dF > r {
			continue
		}
		if w.ceiling > 0 && pp+c.price+int64(r)*w.minPrice > w.ceiling {
			continue
		}
		w.chosen[k] = int32(j)
		if r == 0 {
			// Later j have keys at least as large: this is the best leaf
			// under chosen[:k].
			w.found = true
			w.bestKey = pk + c.key
			copy(w.best[:], w.chosen[:w.n])
			return
		}
		kk := k + 1
		if dP > 0 {
			b, ok := w.newBound(kk, j, dP, r, false)
			if !ok || w.found && pk+c.key+b >= w.bestKey {
				continue
			}
		}
		if dF > 0 {
			b, ok := w.newBound(kk, j, dF, r, true)
			if !ok || w.found && pk+c.key+b >= w.bestKey {
				continue
			}
		}
		e.dfs(w, kk, j+1, pk+c.key, pp+c.price, np+newP, nf+newF)
		if w.aborted {
			return
		}
	}
}

// newBound returns a lower bound on the keys of the r picks after index j,
// d of which must come from distinct providers (domains, if fd) not among
// chosen[:kk]. ok is false when that is impossible.
func (w *work) newBound(kk, j, d, r int, fd bool) (bound int64, ok bool) {
	order, last := w.provOrder, w.provLast
	if fd {
		order, last = w.fdOrder, w.fdLast
	}
	got := 0
	for _, fi := range order {
		g := w.group(int(fi), fd)
		if w.among(g, kk, fd) {
			continue
		}
		if w.exhausted && int(last[g]) <= j {
			continue // nothing of it left after j
		}
		bound += w.cands[fi].key
		got++
		if got == d {
			break
		}
	}
	if got < d {
		if w.exhausted {
			return 0, false
		}
		// Groups not seen yet cost at least the last candidate seen.
		bound += int64(d-got) * w.cands[len(w.cands)-1].key
	}
	// The other r-d picks cost at least the cheapest candidates after j.
	bound += w.prefix[j+1+r-d] - w.prefix[j+1]
	return bound, true
}

func (w *work) group(i int, fd bool) int32 {
	if fd {
		return w.cands[i].fd
	}
	return w.cands[i].prov
}

func (w *work) among(g int32, kk int, fd bool) bool {
	for i := range kk {
		if w.group(int(w.chosen[i]), fd) == g {
			return true
		}
	}
	return false
}

// greedy is the heuristic for more than MaxExactReplicas replicas: take
// candidates in key order, skipping any that would break the distance rule
// or the per-domain cap, or leave too few picks to reach the required
// providers and failure domains.
func (e *Engine) greedy(w *work) bool {
	w.newPass()
	g := greedyState{}
	for j := 0; len(w.pick) < w.n; j++ {
		if !e.ensure(w, j+1) {
			return false
		}
		e.take(w, int32(j), &g)
	}
	return true
}

func (e *Engine) farFromPicks(w *work, c *cand) bool {
	for _, pi := range w.pick {
		if !atLeastKm(&w.cands[pi].pt, &c.pt, w.minD, w.minD2) {
			return false
		}
	}
	return true
}
