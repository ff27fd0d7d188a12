package failover_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/geo"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
)

// TestFailoverNearestKeepsCoverage: a workload asks for a replica within
// 2,000 km of Florianópolis on Brazilian providers only (national). Its
// replica's site goes down; the replacement is the nearest healthy site
// to Florianópolis among those that keep every constraint — computed here
// from the demo fleet's coordinates, not by the engine.
func TestFailoverNearestKeepsCoverage(t *testing.T) {
	t.Parallel()
	h, clk, d := opstest.StartDemo(t, opstest.FailoverMonitoring)
	ctx := context.Background()
	srv := h.Server
	point := model.NearPoint{Latitude: -27.5954, Longitude: -48.5480, RadiusKm: 2000, Label: "Florianópolis"}
	req := d.Internal(2, model.SovereigntyNational, "BR")
	req.Near = []model.NearPoint{point}
	w := opstest.CreateRunning(t, h, req)
	ps, err := srv.Store.Read().PlacementsOf(ctx, w.ID)
	if err != nil || len(ps) != 2 {
		t.Fatalf("%v %+v", err, ps)
	}
	dist := func(siteID string) float64 {
		s, _ := srv.Fleet.Site(siteID)
		return geo.DistanceKm(s.Latitude, s.Longitude, point.Latitude, point.Longitude)
	}
	// The replica serving Florianópolis is the one within the radius
	// (the nearer one when both are).
	serving, other := ps[0], ps[1]
	if dist(other.SiteID) < dist(serving.SiteID) {
		serving, other = other, serving
	}
	if dist(serving.SiteID) > point.RadiusKm {
		t.Fatalf("no replica within %v km of %s: %+v", point.RadiusKm, point.Label, ps)
	}
	failed := serving.SiteID
	// What the replacement must be: the nearest site to the point of the
	// Brazilian provider, in Brazil, within the radius, neither the failed
	// site nor the other replica's, and (when the other replica is itself
	// within the radius it takes over the point, and) otherwise nearest.
	nv := d.Providers["Nuvem Verde (sim)"]
	want, wantName, wantKm := "", "", 0.0
	for _, s := range d.Sites {
		if s.ProviderID != nv.ID || s.Country != "BR" || s.ID == failed || s.ID == other.SiteID {
			continue
		}
		km := geo.DistanceKm(s.Latitude, s.Longitude, point.Latitude, point.Longitude)
		if dist(other.SiteID) <= point.RadiusKm {
			// The survivor serves the point: the replacement is the
			// nearest to the failed site instead.
			f, _ := srv.Fleet.Site(failed)
			km = geo.DistanceKm(s.Latitude, s.Longitude, f.Latitude, f.Longitude)
		} else if km > point.RadiusKm {
			continue
		}
		if want == "" || km < wantKm {
			want, wantName, wantKm = s.ID, s.Name, km
		}
	}
	if want == "" {
		t.Fatal("the demo fleet has no site left to fail over to")
	}

	opstest.FailSite(t, srv, clk, serving.ProviderID, failed)
	opstest.Eventually(t, time.Minute, "the replica running off the failed site", func() (bool, string) {
		ps, err := srv.Store.Read().PlacementsOf(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Replica == serving.Replica && p.State == model.PlacementRunning && p.SiteID != failed {
				if p.SiteID != want {
					s, _ := srv.Fleet.Site(p.SiteID)
					t.Fatalf("failed over to %s (%.0f km), want the nearest %s (%.0f km)", s.Name, dist(p.SiteID), wantName, wantKm)
				}
				return true, ""
			}
		}
		return false, "not yet"
	})
}
