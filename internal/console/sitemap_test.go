package console

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/soberana/soberana/internal/model"
)

func mapRows(n int) []siteRow {
	rows := make([]siteRow, n)
	for i := range rows {
		s := model.Site{Name: fmt.Sprintf("s%05d", i), Latitude: -23 + float64(i%50)*0.1, Longitude: -46 + float64(i%40)*0.1, Health: "healthy"}
		if i%100 == 0 {
			s.Health = "down"
		}
		x, y := project(s.Latitude, s.Longitude)
		rows[i] = siteRow{Site: s, X: x, Y: y}
	}
	return rows
}

func TestClusterSites(t *testing.T) {
	t.Parallel()
	href := func(lat, lon float64, z int) string { return fmt.Sprintf("z=%d", z) }
	// Few sites: one mark each.
	marks, vis := clusterSites(mapRows(100), parseMapView(url.Values{}), href)
	if vis != 100 || len(marks) != 100 || marks[0].Site == nil {
		t.Fatalf("100 sites: %d marks, %d visible", len(marks), vis)
	}
	// 10,000 sites: a few clusters, every site counted once, down shown.
	rows := mapRows(10000)
	marks, vis = clusterSites(rows, parseMapView(url.Values{}), href)
	total, down := 0, false
	for _, m := range marks {
		total += m.Count
		if m.Href != "" && m.Href != "z=2" {
			t.Errorf("cluster link %q", m.Href)
		}
		down = down || m.Health == "down"
	}
	if vis != 10000 || total != 10000 || len(marks) > 100 || !down {
		t.Fatalf("10,000 sites: %d marks counting %d, %d visible, down shown %v", len(marks), total, vis, down)
	}
	// Zoomed far in on one corner: only the window's sites, unclustered.
	v := parseMapView(url.Values{"zoom": {"8"}, "lat": {"-23"}, "lon": {"-46"}})
	marks, vis = clusterSites(rows, v, href)
	if vis == 0 || vis == 10000 {
		t.Fatalf("zoom 8: %d visible", vis)
	}
	counted := 0
	for _, m := range marks {
		counted += m.Count
	}
	if len(marks) == 0 || counted != vis {
		t.Fatalf("zoom 8: %d marks counting %d, %d visible", len(marks), counted, vis)
	}
	// The window stays on the map.
	v = parseMapView(url.Values{"zoom": {"3"}, "lat": {"90"}, "lon": {"-180"}})
	if w, h := v.size(); v.CX-w/2 < 0 || v.CY-h/2 < 0 {
		t.Fatalf("window off the map: %s", v.ViewBox())
	}
}
