package placement

import (
	"errors"
	"fmt"
)

func checkResources(r Resources) error {
	for _, v := range r.dims() {
		if v < 0 || v > 1<<40 {
			return fmt.Errorf("%w: resources out of range", ErrInvalidFleet)
		}
	}
	return nil
}

// siteToChange checks r and finds the site whose reservation Reserve or
// Release (doing, "reserving" or "releasing") changes by r. The caller
// holds e.mu for reading.
func (e *Engine) siteToChange(doing, siteID string, r Resources) (*siteRec, error) {
	if err := checkResources(r); err != nil {
		return nil, err
	}
	idx, ok := e.siteByID[siteID]
	if !ok {
		return nil, fmt.Errorf("%s on %s: %w", doing, siteID, ErrUnknownSite)
	}
	return e.sites[idx], nil
}

// Reserve records resources as used on a site whatever its free capacity:
// it replays existing placements at startup (reservations are rebuilt from
// the store) and records placements made outside the engine. A site over
// its capacity simply receives nothing more until enough is released.
func (e *Engine) Reserve(siteID string, r Resources) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	s, err := e.siteToChange("reserving", siteID, r)
	if err != nil {
		return err
	}
	e.gate.RLock()
	s.mu.Lock()
	for d, v := range r.dims() {
		s.used[d].Add(v)
	}
	s.mu.Unlock()
	e.gate.RUnlock()
	return nil
}

// Release gives back resources reserved on a site, when a placement failed
// or its workload was deleted. Releasing more than is reserved clamps the
// reservation at zero and reports ErrOverRelease.
func (e *Engine) Release(siteID string, r Resources) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	s, err := e.siteToChange("releasing", siteID, r)
	if err != nil {
		return err
	}
	over := false
	s.mu.Lock()
	for d, v := range r.dims() {
		if u := s.used[d].Load(); u < v {
			s.used[d].Store(0)
			over = true
		} else {
			s.used[d].Add(-v)
		}
	}
	s.mu.Unlock()
	if over {
		return fmt.Errorf("releasing on %s: %w", siteID, ErrOverRelease)
	}
	return nil
}

// ReleaseDecision releases what Place reserved for a decision on every
// chosen site.
func (e *Engine) ReleaseDecision(d Decision) error {
	var errs []error
	for _, c := range d.Choices {
		if err := e.Release(c.SiteID, d.Resources); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Usage returns what is reserved on a site and its effective capacity.
func (e *Engine) Usage(siteID string) (Usage, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	idx, ok := e.siteByID[siteID]
	if !ok {
		return Usage{}, false
	}
	s := e.sites[idx]
	var used [nDims]int64
	for d := range nDims {
		used[d] = s.used[d].Load()
	}
	return Usage{Used: fromDims(used), Capacity: fromDims(s.capEff)}, true
}
