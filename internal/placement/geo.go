package placement

import "math"

// EarthRadiusKm is the mean Earth radius used for great-circle distances.
const EarthRadiusKm = 6371.0088

// DistanceKm is the great-circle (haversine) distance between two points
// given in degrees. It is the distance every constraint of this package is
// defined by.
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	φ1, φ2 := lat1*rad, lat2*rad
	dφ := φ2 - φ1
	dλ := (lon2 - lon1) * rad
	s1 := math.Sin(dφ / 2)
	s2 := math.Sin(dλ / 2)
	a := s1*s1 + math.Cos(φ1)*math.Cos(φ2)*s2*s2
	if a > 1 {
		a = 1
	}
	return 2 * EarthRadiusKm * math.Asin(math.Sqrt(a))
}

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
	θ := km / EarthRadiusKm
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
		return DistanceKm(a.lat, a.lon, b.lat, b.lon) >= km
	}
	c := chord2(a.v, b.v)
	if c > thr2*(1+chordBand) {
		return true
	}
	if c < thr2*(1-chordBand) {
		return false
	}
	return DistanceKm(a.lat, a.lon, b.lat, b.lon) >= km
}

// withinKm reports DistanceKm(a, b) <= km, where thr2 = chord2For(km).
func withinKm(a, b *geoPoint, km, thr2 float64) bool {
	if km < 1 {
		return DistanceKm(a.lat, a.lon, b.lat, b.lon) <= km
	}
	c := chord2(a.v, b.v)
	if c < thr2*(1-chordBand) {
		return true
	}
	if c > thr2*(1+chordBand) {
		return false
	}
	return DistanceKm(a.lat, a.lon, b.lat, b.lon) <= km
}
