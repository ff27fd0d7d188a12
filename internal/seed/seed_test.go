package seed

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/geo"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestDemoSitesAreGeoCities: every demo site is in a city of geo.Cities,
// and the sites Demo writes carry that city's subdivision and coordinates
// (one source: the demo fleet and geo cannot drift apart again).
func TestDemoSitesAreGeoCities(t *testing.T) {
	t.Parallel()
	n := 0
	for _, p := range demo {
		for _, s := range p.sites {
			if _, ok := geo.CityNamed(s.country, s.city); !ok {
				t.Errorf("site %s: %s (%s) is not in geo.Cities", s.name, s.city, s.country)
			}
			n++
		}
	}
	st := storetest.SQLite(t)
	ctx := context.Background()
	if err := st.InTx(ctx, func(tx *store.Tx) error { return Demo(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	sites, err := st.Read().Sites().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != n {
		t.Fatalf("Demo wrote %d sites, want %d", len(sites), n)
	}
	for _, s := range sites {
		c, ok := geo.CityNamed(s.Country, s.City)
		if !ok {
			t.Errorf("site %s: %s (%s) is not in geo.Cities", s.Name, s.City, s.Country)
			continue
		}
		if s.Latitude != c.Lat || s.Longitude != c.Lon || s.Subdivision != c.Subdivision {
			t.Errorf("site %s at (%v, %v) in %s, want %s's (%v, %v) in %s", s.Name, s.Latitude, s.Longitude, s.Subdivision,
				c.Name, c.Lat, c.Lon, c.Subdivision)
		}
	}
}
