package placement

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// problems collects what is wrong with a request, in the order the checks
// find it.
type problems []FieldError

// add records one problem with one field.
func (p *problems) add(field, problem string) {
	*p = append(*p, FieldError{Field: field, Problem: problem})
}

// validate checks a request and normalises its defaults in place. It
// allocates only when the request is invalid or has coverage requirements
// (whose field names it builds as it goes). The checks run in a fixed
// order, which is the order the problems are reported in.
func validate(req *Request) error {
	var errs problems
	checkOffering(req, &errs)
	checkResidency(req, &errs)
	checkSovereignty(req, &errs)
	checkRedundancy(req, &errs)
	checkNear(req, &errs)
	checkCover(req, &errs)
	checkSelection(req, &errs)
	if errs != nil {
		return &InvalidRequestError{Fields: errs}
	}
	return nil
}

// checkOffering checks what is asked for: the offering, the number of
// replicas, the resources of each and the data classification.
func checkOffering(req *Request, errs *problems) {
	if req.OfferingID == "" {
		errs.add("offering_id", "required")
	}
	if req.Replicas < 1 || req.Replicas > MaxReplicas {
		errs.add("replicas", "out_of_range")
	}
	r := req.Resources
	switch {
	case r.VCPU < 0 || r.MemoryMiB < 0 || r.DiskGiB < 0 ||
		r.VCPU > 1<<40 || r.MemoryMiB > 1<<40 || r.DiskGiB > 1<<40:
		errs.add("resources", "out_of_range")
	case r.VCPU == 0 && r.MemoryMiB == 0 && r.DiskGiB == 0:
		errs.add("resources", "required")
	}
	if !req.Classification.Valid() {
		errs.add("classification", "unknown_value")
	}
}

// checkResidency checks the allowed countries (at least one, each an ISO
// 3166-1 code) and subdivisions (ISO 3166-2 codes of allowed countries).
func checkResidency(req *Request, errs *problems) {
	if len(req.Residency.Countries) == 0 {
		errs.add("residency.countries", "required")
	}
	for i, c := range req.Residency.Countries {
		if !validCountry(c) {
			errs.add("residency.countries["+strconv.Itoa(i)+"]", "invalid_code")
		}
	}
	for i, s := range req.Residency.Subdivisions {
		switch {
		case !validSubdivision(s):
			errs.add("residency.subdivisions["+strconv.Itoa(i)+"]", "invalid_code")
		case !containsStr(req.Residency.Countries, s[:2]):
			errs.add("residency.subdivisions["+strconv.Itoa(i)+"]", "outside_countries")
		}
	}
}

// checkSovereignty checks the sovereignty mode, defaulting an empty one to
// SovereigntyAny, and the jurisdictions (required for Regional, each an
// ISO 3166-1 code).
func checkSovereignty(req *Request, errs *problems) {
	switch req.Sovereignty.Mode {
	case "":
		req.Sovereignty.Mode = SovereigntyAny
	case SovereigntyAny, National:
	case Regional:
		if len(req.Sovereignty.Jurisdictions) == 0 {
			errs.add("sovereignty.jurisdictions", "required")
		}
	default:
		errs.add("sovereignty.mode", "unknown_value")
	}
	for i, j := range req.Sovereignty.Jurisdictions {
		if !validCountry(j) {
			errs.add("sovereignty.jurisdictions["+strconv.Itoa(i)+"]", "invalid_code")
		}
	}
}

// checkRedundancy checks the spread: the minimum providers and failure
// domains (no more than the replicas, when those are valid), the minimum
// distance between replicas (at most half the Earth's circumference) and
// the cap per failure domain.
func checkRedundancy(req *Request, errs *problems) {
	rd := req.Redundancy
	if rd.MinProviders < 0 || rd.MinProviders > req.Replicas && req.Replicas > 0 {
		errs.add("redundancy.min_providers", "out_of_range")
	}
	if rd.MinFailureDomains < 0 || rd.MinFailureDomains > req.Replicas && req.Replicas > 0 {
		errs.add("redundancy.min_failure_domains", "out_of_range")
	}
	if math.IsNaN(rd.MinDistanceKm) || rd.MinDistanceKm < 0 || rd.MinDistanceKm > 20_100 {
		errs.add("redundancy.min_distance_km", "out_of_range")
	}
	if rd.MaxPerFailureDomain < 0 {
		errs.add("redundancy.max_per_failure_domain", "out_of_range")
	}
}

// checkNear checks the point every replica must be near, if any: a
// latitude and longitude in range and a positive, finite radius.
func checkNear(req *Request, errs *problems) {
	n := req.Near
	if n == nil {
		return
	}
	if math.IsNaN(n.Lat) || n.Lat < -90 || n.Lat > 90 {
		errs.add("near.lat", "out_of_range")
	}
	if math.IsNaN(n.Lon) || n.Lon < -180 || n.Lon > 180 {
		errs.add("near.lon", "out_of_range")
	}
	if math.IsNaN(n.RadiusKm) || n.RadiusKm <= 0 || math.IsInf(n.RadiusKm, 0) {
		errs.add("near.radius_km", "out_of_range")
	}
}

// checkCover checks the coverage requirements: each near point (its
// coordinates, and a radius of at most half the Earth's circumference),
// each per-subdivision code (valid, of an allowed country, listed once),
// and their number (at most MaxCover, and no more than the replicas).
func checkCover(req *Request, errs *problems) {
	for i, p := range req.NearPoints {
		f := "near[" + strconv.Itoa(i) + "]"
		if math.IsNaN(p.Lat) || p.Lat < -90 || p.Lat > 90 {
			errs.add(f+".lat", "out_of_range")
		}
		if math.IsNaN(p.Lon) || p.Lon < -180 || p.Lon > 180 {
			errs.add(f+".lon", "out_of_range")
		}
		if math.IsNaN(p.RadiusKm) || p.RadiusKm <= 0 || p.RadiusKm > 20_100 {
			errs.add(f+".radius_km", "out_of_range")
		}
	}
	for i, s := range req.PerSubdivision {
		f := "per_subdivision[" + strconv.Itoa(i) + "]"
		switch {
		case !validSubdivision(s):
			errs.add(f, "invalid_code")
		case !containsStr(req.Residency.Countries, s[:2]):
			errs.add(f, "outside_countries")
		case slices.Contains(req.PerSubdivision[:i], s):
			errs.add(f, "duplicate")
		}
	}
	if nc := len(req.NearPoints) + len(req.PerSubdivision); nc > MaxCover {
		errs.add("near", "out_of_range")
	} else if nc > req.Replicas && req.Replicas > 0 {
		errs.add("replicas", "fewer_than_cover")
	}
}

// checkSelection checks what narrows and orders the choice among sets
// that fit: the tier, the cost ceiling and the preference, defaulting an
// empty preference to Cheapest (Nearest needs Near).
func checkSelection(req *Request, errs *problems) {
	if req.Tier != nil && !req.Tier.Valid() {
		errs.add("tier", "unknown_value")
	}
	if req.CostCeilingMinor < 0 {
		errs.add("cost_ceiling_minor", "out_of_range")
	}
	switch req.Preference {
	case "":
		req.Preference = Cheapest
	case Cheapest, Balanced:
	case Nearest:
		if req.Near == nil {
			errs.add("near", "required")
		}
	default:
		errs.add("preference", "unknown_value")
	}
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
