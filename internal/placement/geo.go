package placement

import (
	"math"

	"github.com/soberana/soberana/internal/geo"
)

// Distances are geo's: great-circle (haversine) distance on the mean
// Earth sphere, the distance every constraint of this package is defined
// by (geo.DistanceKm, geo.EarthRadiusKm).

// vec3 is a point on the unit sphere. The squared chord between two points
// is monotone in their great-circle distance, so comparing a chord against a
// threshold needs no trigonometry per pair.
type vec3 struct{ x, y, z float64 }

func unitVec(lat, lon float64) vec3 {
	const rad = math.Pi / 180
	φ, λ := lat*rad, lon*rad
	c := math.Cos(φ)
	return vec3{c * math.Cos(λ), c * math.Sin(λ), math.Sin(φ)}
}

func chord2(a, b vec3) float64 {
	dx, dy, dz := a.x-b.x, a.y-b.y, a.z-b.z
	return dx*dx + dy*dy + dz*dz
}

// chord2For is the squared chord of an arc of km kilometres.
func chord2For(km float64) float64 {
	θ := km / geo.EarthRadiusKm
	if θ >= math.Pi {
		return 4
	}
	s := 2 * math.Sin(θ/2)
	return s * s
}

// The chord test decides alone outside a thin band around the threshold;
// inside it, and for tiny thresholds where rounding matters, the haversine
// distance decides, so the fast test never disagrees with DistanceKm.
const chordBand = 1e-6

// geoPoint is a point with both forms of its position.
type geoPoint struct {
	lat, lon float64
	v        vec3
}

// atLeastKm reports DistanceKm(a, b) >= km, where thr2 = chord2For(km).
func atLeastKm(a, b *geoPoint, km, thr2 float64) bool {
	if km < 1 {
		return geo.DistanceKm(a.lat, a.lon, b.lat, b.lon) >= km
	}
	c := chord2(a.v, b.v)
	if c > thr2*(1+chordBand) {
		return true
	}
	if c < thr2*(1-chordBand) {
		return false
	}
	return geo.DistanceKm(a.lat, a.lon, b.lat, b.lon) >= km
}

// withinKm reports DistanceKm(a, b) <= km, where thr2 = chord2For(km).
func withinKm(a, b *geoPoint, km, thr2 float64) bool {
	if km < 1 {
		return geo.DistanceKm(a.lat, a.lon, b.lat, b.lon) <= km
	}
	c := chord2(a.v, b.v)
	if c < thr2*(1-chordBand) {
		return true
	}
	if c > thr2*(1+chordBand) {
		return false
	}
	return geo.DistanceKm(a.lat, a.lon, b.lat, b.lon) <= km
}
