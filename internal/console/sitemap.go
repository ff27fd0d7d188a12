package console

import "strconv"

// The site map is an inline SVG: country outlines (map_data.go, generated
// by gen_map.go) and one mark per site, in an equirectangular projection of
// the Americas south of 33°N. No tile server, no network.
const (
	mapLonMin, mapLatMax = -120.0, 33.0
	mapScale             = 5.0
)

// project returns the SVG x, y of a latitude/longitude.
func project(lat, lon float64) (string, string) {
	x := (lon - mapLonMin) * mapScale
	y := (mapLatMax - lat) * mapScale
	return strconv.FormatFloat(x, 'f', 1, 64), strconv.FormatFloat(y, 'f', 1, 64)
}
