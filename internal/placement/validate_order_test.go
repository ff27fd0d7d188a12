package placement

import (
	"math"
	"slices"
	"testing"
)

// fieldList renders the problems of a validation error as "field:problem",
// in the order validate reported them.
func fieldList(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	ie, ok := err.(*InvalidRequestError)
	if !ok {
		t.Fatalf("want *InvalidRequestError, got %T %v", err, err)
	}
	out := make([]string, len(ie.Fields))
	for i, f := range ie.Fields {
		out[i] = f.Field + ":" + f.Problem
	}
	return out
}

// TestValidateOrder pins every problem validate can report and the order
// they come in when several apply at once: the order is what callers show
// (and what the i18n keys "placement.invalid.<problem>" render).
func TestValidateOrder(t *testing.T) {
	t.Parallel()
	tier := Tier(7)
	nan := math.NaN()
	valid := func() Request {
		return Request{
			OfferingID: "o", Replicas: 1, Resources: Resources{VCPU: 1},
			Residency: Residency{Countries: []string{"BR"}},
		}
	}
	manyPoints := make([]NearPoint, MaxCover+1)
	for i := range manyPoints {
		manyPoints[i] = NearPoint{Lat: 1, Lon: 1, RadiusKm: 10}
	}
	for _, tc := range []struct {
		name string
		req  Request
		want []string
	}{
		{
			name: "every check fails, no replicas",
			req: Request{
				Resources:        Resources{VCPU: -1},
				Classification:   Classification(200),
				Residency:        Residency{Subdivisions: []string{"xx", "BR-SP"}},
				Sovereignty:      Sovereignty{Mode: "weird", Jurisdictions: []string{"br"}},
				Redundancy:       Redundancy{MinProviders: -1, MinFailureDomains: -1, MinDistanceKm: nan, MaxPerFailureDomain: -1},
				Near:             &Near{Lat: nan, Lon: 181, RadiusKm: math.Inf(1)},
				NearPoints:       []NearPoint{{Lat: -91, Lon: nan, RadiusKm: 20_101}},
				PerSubdivision:   []string{"bad", "AR-B"},
				Tier:             &tier,
				CostCeilingMinor: -1,
				Preference:       "fast",
			},
			want: []string{
				"offering_id:required", "replicas:out_of_range", "resources:out_of_range",
				"classification:unknown_value", "residency.countries:required",
				"residency.subdivisions[0]:invalid_code", "residency.subdivisions[1]:outside_countries",
				"sovereignty.mode:unknown_value", "sovereignty.jurisdictions[0]:invalid_code",
				"redundancy.min_providers:out_of_range", "redundancy.min_failure_domains:out_of_range",
				"redundancy.min_distance_km:out_of_range", "redundancy.max_per_failure_domain:out_of_range",
				"near.lat:out_of_range", "near.lon:out_of_range", "near.radius_km:out_of_range",
				"near[0].lat:out_of_range", "near[0].lon:out_of_range", "near[0].radius_km:out_of_range",
				"per_subdivision[0]:invalid_code", "per_subdivision[1]:outside_countries",
				"tier:unknown_value", "cost_ceiling_minor:out_of_range", "preference:unknown_value",
			},
		},
		{
			name: "the other branch of each choice",
			req: Request{
				OfferingID: "o", Replicas: 2,
				Residency:      Residency{Countries: []string{"BR", "brazil"}, Subdivisions: []string{"br-sp"}},
				Sovereignty:    Sovereignty{Mode: Regional},
				Redundancy:     Redundancy{MinProviders: 3, MinFailureDomains: 3, MinDistanceKm: 20_101},
				Near:           &Near{Lat: 91, Lon: -181, RadiusKm: 0},
				NearPoints:     []NearPoint{{Lat: 0, Lon: 0, RadiusKm: 1}},
				PerSubdivision: []string{"BR-SP", "BR-SP"},
				Preference:     "nearest",
			},
			want: []string{
				"resources:required", "residency.countries[1]:invalid_code",
				"residency.subdivisions[0]:invalid_code", "sovereignty.jurisdictions:required",
				"redundancy.min_providers:out_of_range", "redundancy.min_failure_domains:out_of_range",
				"redundancy.min_distance_km:out_of_range",
				"near.lat:out_of_range", "near.lon:out_of_range", "near.radius_km:out_of_range",
				"per_subdivision[1]:duplicate", "replicas:fewer_than_cover",
			},
		},
		{
			name: "nearest without near",
			req:  func() Request { r := valid(); r.Preference = Nearest; return r }(),
			want: []string{"near:required"},
		},
		{
			name: "too many coverage requirements wins over fewer replicas than cover",
			req:  func() Request { r := valid(); r.NearPoints = manyPoints; return r }(),
			want: []string{"near:out_of_range"},
		},
		{
			name: "too many replicas",
			req:  func() Request { r := valid(); r.Replicas = MaxReplicas + 1; r.NearPoints = manyPoints; return r }(),
			want: []string{"replicas:out_of_range", "near:out_of_range"},
		},
		{
			name: "huge resources",
			req:  func() Request { r := valid(); r.Resources.DiskGiB = 1<<40 + 1; return r }(),
			want: []string{"resources:out_of_range"},
		},
		{
			name: "regional with jurisdictions, national and any",
			req: func() Request {
				r := valid()
				r.Sovereignty = Sovereignty{Mode: Regional, Jurisdictions: []string{"BR", "AR"}}
				return r
			}(),
		},
		{
			name: "subdivision of an allowed country, cover within replicas",
			req: func() Request {
				r := valid()
				r.Replicas = 3
				r.Residency.Subdivisions = []string{"BR-SP"}
				r.PerSubdivision = []string{"BR-SP", "BR-RJ"}
				r.NearPoints = []NearPoint{{Lat: -23, Lon: -46, RadiusKm: 20_100}}
				r.Near = &Near{Lat: -90, Lon: 180, RadiusKm: 1}
				r.Redundancy = Redundancy{MinProviders: 3, MinFailureDomains: 3, MinDistanceKm: 20_100}
				r.Preference = Nearest
				return r
			}(),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := tc.req
			if got := fieldList(t, validate(&req)); !slices.Equal(got, tc.want) {
				t.Fatalf("fields\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestValidateDefaults: validate fills the empty sovereignty mode and
// preference in place, and leaves given ones alone, even when it fails.
func TestValidateDefaults(t *testing.T) {
	t.Parallel()
	req := Request{OfferingID: "o", Replicas: 1, Resources: Resources{VCPU: 1}, Residency: Residency{Countries: []string{"BR"}}}
	if err := validate(&req); err != nil {
		t.Fatal(err)
	}
	if req.Sovereignty.Mode != SovereigntyAny || req.Preference != Cheapest {
		t.Fatalf("defaults: mode %q preference %q", req.Sovereignty.Mode, req.Preference)
	}
	bad := Request{}
	if validate(&bad) == nil {
		t.Fatal("an empty request validated")
	}
	if bad.Sovereignty.Mode != SovereigntyAny || bad.Preference != Cheapest {
		t.Fatalf("defaults of an invalid request: mode %q preference %q", bad.Sovereignty.Mode, bad.Preference)
	}
	kept := Request{OfferingID: "o", Replicas: 1, Resources: Resources{VCPU: 1}, Residency: Residency{Countries: []string{"BR"}},
		Sovereignty: Sovereignty{Mode: National}, Preference: Balanced}
	if err := validate(&kept); err != nil {
		t.Fatal(err)
	}
	if kept.Sovereignty.Mode != National || kept.Preference != Balanced {
		t.Fatalf("given values changed: mode %q preference %q", kept.Sovereignty.Mode, kept.Preference)
	}
}

// TestValidateAllocs: a valid request without coverage requirements is
// checked without allocating (the field names of near points and
// per-subdivision entries are built for each one, valid or not).
func TestValidateAllocs(t *testing.T) {
	base := Request{
		OfferingID: "o", Replicas: 3, Resources: Resources{VCPU: 1},
		Residency:   Residency{Countries: []string{"BR", "AR"}, Subdivisions: []string{"BR-SP"}},
		Sovereignty: Sovereignty{Mode: Regional, Jurisdictions: []string{"BR"}},
		Redundancy:  Redundancy{MinProviders: 2, MinFailureDomains: 2, MinDistanceKm: 100, MaxPerFailureDomain: 1},
		Near:        &Near{Lat: -23, Lon: -46, RadiusKm: 100},
		Preference:  Nearest,
	}
	if n := testing.AllocsPerRun(100, func() {
		req := base
		if err := validate(&req); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("validate allocated %v times for a valid request", n)
	}
}
