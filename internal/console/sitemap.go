package console

import (
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
)

// The site map is an inline SVG: country outlines (map_data.go, generated
// by gen_map.go) and one mark per site, in an equirectangular projection of
// the Americas south of 33°N. No tile server, no network.
const (
	mapLonMin, mapLatMax = -120.0, 33.0
	mapScale             = 5.0
	// mapW and mapH are the whole map's size in SVG units (zoom 0).
	mapW, mapH = 450.0, 445.0
	// mapMaxZoom bounds zooming in (each level doubles the scale).
	mapMaxZoom = 8
	// mapMarksMax is how many sites the visible window may hold before
	// they are drawn as clusters: a few hundred single marks stay readable
	// and light; 10,000 would not.
	mapMarksMax = 300
	// mapCell is a cluster's grid cell, in SVG units at zoom 0 (halved at
	// each zoom level, so a cell is always the same size on screen).
	mapCell = 24.0
	// sitesPerPage is the site table's page size.
	sitesPerPage = 50
)

// project returns the SVG x, y of a latitude/longitude.
func project(lat, lon float64) (string, string) {
	x, y := projectF(lat, lon)
	return strconv.FormatFloat(x, 'f', 1, 64), strconv.FormatFloat(y, 'f', 1, 64)
}

func projectF(lat, lon float64) (float64, float64) {
	return (lon - mapLonMin) * mapScale, (mapLatMax - lat) * mapScale
}

// unproject is project's inverse.
func unproject(x, y float64) (lat, lon float64) {
	return mapLatMax - y/mapScale, x/mapScale + mapLonMin
}

// mapView is the visible window of the map: a zoom level and the centre.
type mapView struct {
	Zoom   int
	CX, CY float64 // centre, SVG units at zoom 0
}

// parseMapView reads zoom, lat and lon from a query (defaults: the whole
// map), clamping the centre so the window stays on the map.
func parseMapView(q url.Values) mapView {
	v := mapView{CX: mapW / 2, CY: mapH / 2}
	if z, err := strconv.Atoi(q.Get("zoom")); err == nil {
		v.Zoom = min(max(z, 0), mapMaxZoom)
	}
	lat, errLat := strconv.ParseFloat(q.Get("lat"), 64)
	lon, errLon := strconv.ParseFloat(q.Get("lon"), 64)
	if errLat == nil && errLon == nil && !math.IsNaN(lat) && !math.IsNaN(lon) && v.Zoom > 0 {
		v.CX, v.CY = projectF(lat, lon)
	}
	w, h := v.size()
	v.CX = min(max(v.CX, w/2), mapW-w/2)
	v.CY = min(max(v.CY, h/2), mapH-h/2)
	return v
}

func (v mapView) scale() float64 { return math.Pow(2, float64(v.Zoom)) }

func (v mapView) size() (float64, float64) { return mapW / v.scale(), mapH / v.scale() }

// ViewBox is the SVG viewBox of the window.
func (v mapView) ViewBox() string {
	w, h := v.size()
	return fmt.Sprintf("%.2f %.2f %.2f %.2f", v.CX-w/2, v.CY-h/2, w, h)
}

// Unit is one screen unit of the zoom-0 map at this zoom (mark sizes are
// multiplied by it so marks keep their size on screen).
func (v mapView) Unit() float64 { return 1 / v.scale() }

func (v mapView) contains(x, y float64) bool {
	w, h := v.size()
	return math.Abs(x-v.CX) <= w/2 && math.Abs(y-v.CY) <= h/2
}

// mapMark is one mark on the map: a single site, or a cluster of sites
// that zooms in on them when followed.
type mapMark struct {
	X, Y     string
	Count    int
	Health   string // the worst health in the mark
	Healthy  int
	Degraded int
	Down     int
	R        string // radius, SVG units
	Font     string // the count's font size, SVG units
	Href     string // a cluster: the map zoomed in on it
	Site     *siteRow
}

// clusterSites groups the sites in the window on a grid whose cell is
// mapCell screen units, when more than mapMarksMax sites are visible.
// Marks come back in a stable order (by cell), single sites as themselves.
func clusterSites(rows []siteRow, v mapView, zoomHref func(lat, lon float64, zoom int) string) (marks []mapMark, visible int) {
	type cell struct {
		sx, sy float64
		idx    []int
		h      [3]int
	}
	in := make([]int, 0, len(rows))
	for i := range rows {
		x, y := projectF(rows[i].Latitude, rows[i].Longitude)
		if v.contains(x, y) {
			in = append(in, i)
		}
	}
	visible = len(in)
	u := v.Unit()
	single := func(i int) mapMark {
		r := &rows[i]
		return mapMark{X: r.X, Y: r.Y, Count: 1, Health: r.Health, Site: r,
			R: fmtF(5 * u), Font: fmtF(7 * u)}
	}
	if len(in) <= mapMarksMax {
		for _, i := range in {
			marks = append(marks, single(i))
		}
		return marks, visible
	}
	size := mapCell * u
	cells := map[[2]int]*cell{}
	var keys [][2]int
	for _, i := range in {
		x, y := projectF(rows[i].Latitude, rows[i].Longitude)
		k := [2]int{int(math.Floor(x / size)), int(math.Floor(y / size))}
		c := cells[k]
		if c == nil {
			c = &cell{}
			cells[k] = c
			keys = append(keys, k)
		}
		c.sx += x
		c.sy += y
		c.idx = append(c.idx, i)
		switch rows[i].Health {
		case "down":
			c.h[2]++
		case "degraded":
			c.h[1]++
		default:
			c.h[0]++
		}
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a][1] != keys[b][1] {
			return keys[a][1] < keys[b][1]
		}
		return keys[a][0] < keys[b][0]
	})
	for _, k := range keys {
		c := cells[k]
		if len(c.idx) == 1 {
			marks = append(marks, single(c.idx[0]))
			continue
		}
		n := float64(len(c.idx))
		x, y := c.sx/n, c.sy/n
		m := mapMark{X: fmtF(x), Y: fmtF(y), Count: len(c.idx), Healthy: c.h[0], Degraded: c.h[1], Down: c.h[2],
			R: fmtF((6 + 2*math.Log10(n)*2) * u), Font: fmtF(7 * u)}
		switch {
		case c.h[2] > 0:
			m.Health = "down"
		case c.h[1] > 0:
			m.Health = "degraded"
		default:
			m.Health = "healthy"
		}
		lat, lon := unproject(x, y)
		m.Href = zoomHref(lat, lon, min(v.Zoom+2, mapMaxZoom))
		marks = append(marks, m)
	}
	return marks, visible
}

func fmtF(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }

// Dot, Edge and EdgeShift size single site marks at this zoom.
func (v mapView) Dot() string       { return fmtF(5 * v.Unit()) }
func (v mapView) Edge() string      { return fmtF(7 * v.Unit()) }
func (v mapView) EdgeShift() string { return fmtF(-3.5 * v.Unit()) }
