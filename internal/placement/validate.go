package placement

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// validate checks a request and normalises its defaults in place. It
// allocates only when the request is invalid.
func validate(req *Request) error {
	var errs []FieldError
	bad := func(field, problem string) {
		errs = append(errs, FieldError{Field: field, Problem: problem})
	}
	if req.OfferingID == "" {
		bad("offering_id", "required")
	}
	if req.Replicas < 1 || req.Replicas > MaxReplicas {
		bad("replicas", "out_of_range")
	}
	r := req.Resources
	switch {
	case r.VCPU < 0 || r.MemoryMiB < 0 || r.DiskGiB < 0 ||
		r.VCPU > 1<<40 || r.MemoryMiB > 1<<40 || r.DiskGiB > 1<<40:
		bad("resources", "out_of_range")
	case r.VCPU == 0 && r.MemoryMiB == 0 && r.DiskGiB == 0:
		bad("resources", "required")
	}
	if !req.Classification.Valid() {
		bad("classification", "unknown_value")
	}

	if len(req.Residency.Countries) == 0 {
		bad("residency.countries", "required")
	}
	for i, c := range req.Residency.Countries {
		if !validCountry(c) {
			bad("residency.countries["+strconv.Itoa(i)+"]", "invalid_code")
		}
	}
	for i, s := range req.Residency.Subdivisions {
		switch {
		case !validSubdivision(s):
			bad("residency.subdivisions["+strconv.Itoa(i)+"]", "invalid_code")
		case !containsStr(req.Residency.Countries, s[:2]):
			bad("residency.subdivisions["+strconv.Itoa(i)+"]", "outside_countries")
		}
	}

	switch req.Sovereignty.Mode {
	case "":
		req.Sovereignty.Mode = SovereigntyAny
	case SovereigntyAny, National:
	case Regional:
		if len(req.Sovereignty.Jurisdictions) == 0 {
			bad("sovereignty.jurisdictions", "required")
		}
	default:
		bad("sovereignty.mode", "unknown_value")
	}
	for i, j := range req.Sovereignty.Jurisdictions {
		if !validCountry(j) {
			bad("sovereignty.jurisdictions["+strconv.Itoa(i)+"]", "invalid_code")
		}
	}

	rd := req.Redundancy
	if rd.MinProviders < 0 || rd.MinProviders > req.Replicas && req.Replicas > 0 {
		bad("redundancy.min_providers", "out_of_range")
	}
	if rd.MinFailureDomains < 0 || rd.MinFailureDomains > req.Replicas && req.Replicas > 0 {
		bad("redundancy.min_failure_domains", "out_of_range")
	}
	if math.IsNaN(rd.MinDistanceKm) || rd.MinDistanceKm < 0 || rd.MinDistanceKm > 20_100 {
		bad("redundancy.min_distance_km", "out_of_range")
	}
	if rd.MaxPerFailureDomain < 0 {
		bad("redundancy.max_per_failure_domain", "out_of_range")
	}

	if n := req.Near; n != nil {
		if math.IsNaN(n.Lat) || n.Lat < -90 || n.Lat > 90 {
			bad("near.lat", "out_of_range")
		}
		if math.IsNaN(n.Lon) || n.Lon < -180 || n.Lon > 180 {
			bad("near.lon", "out_of_range")
		}
		if math.IsNaN(n.RadiusKm) || n.RadiusKm <= 0 || math.IsInf(n.RadiusKm, 0) {
			bad("near.radius_km", "out_of_range")
		}
	}
	for i, p := range req.NearPoints {
		f := "near[" + strconv.Itoa(i) + "]"
		if math.IsNaN(p.Lat) || p.Lat < -90 || p.Lat > 90 {
			bad(f+".lat", "out_of_range")
		}
		if math.IsNaN(p.Lon) || p.Lon < -180 || p.Lon > 180 {
			bad(f+".lon", "out_of_range")
		}
		if math.IsNaN(p.RadiusKm) || p.RadiusKm <= 0 || p.RadiusKm > 20_100 {
			bad(f+".radius_km", "out_of_range")
		}
	}
	for i, s := range req.PerSubdivision {
		f := "per_subdivision[" + strconv.Itoa(i) + "]"
		switch {
		case !validSubdivision(s):
			bad(f, "invalid_code")
		case !containsStr(req.Residency.Countries, s[:2]):
			bad(f, "outside_countries")
		case slices.Contains(req.PerSubdivision[:i], s):
			bad(f, "duplicate")
		}
	}
	if nc := len(req.NearPoints) + len(req.PerSubdivision); nc > MaxCover {
		bad("near", "out_of_range")
	} else if nc > req.Replicas && req.Replicas > 0 {
		bad("replicas", "fewer_than_cover")
	}
	if req.Tier != nil && !req.Tier.Valid() {
		bad("tier", "unknown_value")
	}
	if req.CostCeilingMinor < 0 {
		bad("cost_ceiling_minor", "out_of_range")
	}
	switch req.Preference {
	case "":
		req.Preference = Cheapest
	case Cheapest, Balanced:
	case Nearest:
		if req.Near == nil {
			bad("near", "required")
		}
	default:
		bad("preference", "unknown_value")
	}
	if errs != nil {
		return &InvalidRequestError{Fields: errs}
	}
	return nil
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
