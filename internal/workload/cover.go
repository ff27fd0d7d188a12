package workload

import (
	"fmt"
	"strconv"

	"github.com/soberana/soberana/internal/geo"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/store"
)

// validateCover checks the coverage requirements: near points and
// per-subdivision replicas (issue 21).
func (r *CreateRequest) validateCover(v *model.Validator) {
	for i, p := range r.Near {
		f := fmt.Sprintf("near[%d]", i)
		if !(p.Latitude >= -90 && p.Latitude <= 90) {
			v.Add(f+".latitude", "field.latitude", p.Latitude)
		}
		if !(p.Longitude >= -180 && p.Longitude <= 180) {
			v.Add(f+".longitude", "field.longitude", p.Longitude)
		}
		if !(p.RadiusKm > 0 && p.RadiusKm <= 20_000) {
			v.Add(f+".radius_km", "workload.field.distance", strconv.FormatFloat(p.RadiusKm, 'f', -1, 64))
		}
		if len(p.Label) > 200 {
			v.Add(f+".label", "workload.field.near_label")
		}
	}
	for i, s := range r.PerSubdivision {
		f := fmt.Sprintf("per_subdivision[%d]", i)
		switch {
		case !v.Subdivision(f, s, ""):
		case len(r.Residency.Countries) > 0 && !contains(r.Residency.Countries, s[:2]):
			v.Add(f, "workload.field.subdivision_outside", s)
		case contains(r.PerSubdivision[:i], s):
			v.Add(f, "workload.field.cover_duplicate", s)
		}
	}
	n := len(r.Near) + len(r.PerSubdivision)
	switch {
	case n > placement.MaxCover:
		v.Add("near", "workload.field.cover_too_many", placement.MaxCover, n)
	case n > r.Replicas && r.Replicas >= 1:
		v.Add("replicas", "workload.field.cover_replicas", r.Replicas, len(r.Near), len(r.PerSubdivision))
	}
}

// hasCover reports whether w asks for coverage (near points or
// per-subdivision replicas).
func hasCover(w *model.Workload) bool { return len(w.Near)+len(w.PerSubdivision) > 0 }

// failoverCover turns req (one replacement replica, built from w's policy)
// into the edge failover request: the replacement must take over the
// requirements the surviving replicas do not serve, and among the sites
// that keep every constraint it is the nearest — to the point it serves,
// or else to the failed site (a subdivision, or a replica that served
// nothing). Nearest, not cheapest: people keep being served from close
// by; the cost ceiling (what is left of the workload's) still holds, and
// among equally near sites the cheaper wins.
func (s *Service) failoverCover(w *model.Workload, req *placement.Request, failedSite string, keep []store.PlacementRow) {
	var owedPts []placement.NearPoint
	var owedSubs []string
	serves := s.servedBy(w, keep)
	for i, p := range req.NearPoints {
		if !serves[i] {
			owedPts = append(owedPts, p)
		}
	}
	for i, code := range req.PerSubdivision {
		if !serves[len(req.NearPoints)+i] {
			owedSubs = append(owedSubs, code)
		}
	}
	req.NearPoints, req.PerSubdivision = owedPts, owedSubs
	if req.Near != nil {
		// The workload's own nearness constraint stays; nearest to it.
		req.Preference = placement.Nearest
		return
	}
	switch {
	case len(owedPts) > 0:
		req.Near = &placement.Near{Lat: owedPts[0].Lat, Lon: owedPts[0].Lon, RadiusKm: owedPts[0].RadiusKm}
	default:
		site, ok := s.fleet.Site(failedSite)
		if !ok {
			return // unknown site: the workload's preference decides
		}
		req.Near = &placement.Near{Lat: site.Latitude, Lon: site.Longitude, RadiusKm: 20_000}
	}
	req.Preference = placement.Nearest
}

// servedBy says which of w's requirements (near points, then
// subdivisions) the replicas in keep serve, each replica serving at most
// one (a maximum matching).
func (s *Service) servedBy(w *model.Workload, keep []store.PlacementRow) []bool {
	nReq := len(w.Near) + len(w.PerSubdivision)
	covers := func(site model.Site, q int) bool {
		if q < len(w.Near) {
			p := w.Near[q]
			return geo.DistanceKm(site.Latitude, site.Longitude, p.Latitude, p.Longitude) <= p.RadiusKm
		}
		return site.Subdivision == w.PerSubdivision[q-len(w.Near)]
	}
	var sites []model.Site
	for _, q := range keep {
		if site, ok := s.fleet.Site(q.SiteID); ok {
			sites = append(sites, site)
		}
	}
	owner := make([]int, len(sites)) // replica -> requirement
	for i := range owner {
		owner[i] = -1
	}
	served := make([]bool, nReq)
	var try func(q int, seen []bool) bool
	try = func(q int, seen []bool) bool {
		for i := range sites {
			if seen[i] || !covers(sites[i], q) {
				continue
			}
			seen[i] = true
			if owner[i] < 0 || try(owner[i], seen) {
				owner[i] = q
				return true
			}
		}
		return false
	}
	for q := range nReq {
		served[q] = try(q, make([]bool, len(sites)))
	}
	// An augmenting path can move a requirement to another replica but
	// never unserve it; served stays true once set.
	return served
}
