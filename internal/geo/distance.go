package geo

import (
	"errors"
	"fmt"
	"math"
)

// EarthRadiusKm is the mean radius of the Earth (IUGG, (2a+b)/3 of WGS 84),
// in kilometres.
const EarthRadiusKm = 6371.0088

// ErrInvalidCoordinate is wrapped by every error ValidLatLon returns.
var ErrInvalidCoordinate = errors.New("invalid coordinate")

// ValidLatLon returns nil when lat is a latitude in [-90, 90] and lon a
// longitude in [-180, 180], both in decimal degrees; otherwise an error,
// wrapping ErrInvalidCoordinate, that names the bad value. NaN and the
// infinities are invalid.
func ValidLatLon(lat, lon float64) error {
	if math.IsNaN(lat) || lat < -90 || lat > 90 {
		return fmt.Errorf("%w: latitude %v: want a number of degrees in [-90, 90]", ErrInvalidCoordinate, lat)
	}
	if math.IsNaN(lon) || lon < -180 || lon > 180 {
		return fmt.Errorf("%w: longitude %v: want a number of degrees in [-180, 180]", ErrInvalidCoordinate, lon)
	}
	return nil
}

// DistanceKm returns the great-circle distance in kilometres between two
// points given in decimal degrees, by the haversine formula on a sphere of
// radius EarthRadiusKm. It is within 0.5% of the distance on the WGS 84
// ellipsoid, plenty for choosing between sites. Validate coordinates that
// come from outside with ValidLatLon first: invalid ones give NaN or
// meaningless results.
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	φ1, φ2 := lat1*rad, lat2*rad
	dφ, dλ := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := hav(dφ) + math.Cos(φ1)*math.Cos(φ2)*hav(dλ)
	// Rounding can push h a hair outside [0, 1] for antipodal points.
	h = math.Min(1, math.Max(0, h))
	return 2 * EarthRadiusKm * math.Asin(math.Sqrt(h))
}

// hav is the haversine, sin²(θ/2).
func hav(θ float64) float64 {
	s := math.Sin(θ / 2)
	return s * s
}
