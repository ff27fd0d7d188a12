package workload_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// realBeside adds to the demo fleet (simulated, cheap) one real provider
// with two Brazilian sites, priced above the simulated ones, whose
// driver is the sim's (so that nothing here needs a cloud). It returns the
// provider and its sites.
func realBeside(t *testing.T, h *servertest.Harness, offering string) (string, []string) {
	t.Helper()
	ctx := context.Background()
	var prv model.Provider
	var sites []string
	err := h.Server.Store.InTx(ctx, func(tx *store.Tx) error {
		prv = model.Provider{Name: "Nuvem Real", Driver: model.DriverOpenStack, Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
		prv.Defaults()
		if err := tx.Providers().Create(ctx, &prv, "prv"); err != nil {
			return err
		}
		for _, city := range []struct {
			sub      string
			lat, lon float64
		}{{"BR-AM", -3.119, -60.022}, {"BR-PA", -1.456, -48.502}} {
			s := model.Site{ProviderID: prv.ID, Name: "real " + city.sub, Country: "BR", Subdivision: city.sub, Latitude: city.lat, Longitude: city.lon,
				Tier: model.TierCore, FailureDomain: "real-fd-" + city.sub, Health: model.HealthHealthy,
				Capacity: model.Capacity{VCPUs: 64, MemoryMiB: 262144, DiskGiB: 4096}}
			s.Defaults()
			if err := tx.Sites().Create(ctx, &s, "site"); err != nil {
				return err
			}
			sites = append(sites, s.ID)
		}
		pr := model.Price{ProviderID: prv.ID, OfferingID: offering, Currency: "BRL", PerHour: "1.5", ValidFrom: "2020-01-01"}
		return tx.Prices().Create(ctx, &pr, "prc")
	})
	if err != nil {
		t.Fatal(err)
	}
	if prv.Simulated {
		t.Fatal("the openstack provider is marked simulated")
	}
	h.Server.Drivers.Set(model.DriverOpenStack, h.Server.Sim)
	if err := h.Server.Fleet.Refresh(ctx, true); err != nil {
		t.Fatal(err)
	}
	return prv.ID, sites
}

func placementsOf(t *testing.T, h *servertest.Harness, id string) []store.PlacementRow {
	t.Helper()
	ps, err := h.Server.Store.Read().PlacementsOf(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestNoSilentSimulatedPlacement (issue #22, item 3): in a fleet of cheap
// simulated sites and one expensive real provider, a workload goes on the
// real provider only; asked explicitly (allow_simulated) it may take the
// cheaper simulated sites; one that needs two providers does not fit, and
// says in every language that simulated sites were left out; and when
// the real sites go down, its replica is not moved to a simulated one.
func TestNoSilentSimulatedPlacement(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	c := h.Admin
	prj, off := fixture(t, c)
	realPrv, realSites := realBeside(t, h, off)
	req := func(replicas int) map[string]any { return internalBR(prj, off, replicas) }

	var onReal view
	if _, err := c.Do(ctx, "POST", "/v1/workloads", req(2), &onReal); err != nil {
		t.Fatal(err)
	}
	onReal = waitState(t, c, onReal.ID, "running")
	for _, p := range placementsOf(t, h, onReal.ID) {
		if p.ProviderID != realPrv || p.Simulated {
			t.Fatalf("a replica went to %s (simulated %v) beside a real provider: no silent simulated site", p.ProviderID, p.Simulated)
		}
	}

	allowed := req(2)
	allowed["allow_simulated"] = true
	var anywhere view
	if _, err := c.Do(ctx, "POST", "/v1/workloads", allowed, &anywhere); err != nil {
		t.Fatal(err)
	}
	sims := 0
	for _, p := range placementsOf(t, h, anywhere.ID) {
		if p.Simulated {
			sims++
		}
	}
	if sims == 0 {
		t.Fatal("allow_simulated: the cheaper simulated sites were not used (the rule, not the price, kept them out?)")
	}

	two := workload.CreateRequest{ProjectID: prj, WorkloadPolicy: model.WorkloadPolicy{OfferingID: off, Replicas: 2, Classification: "internal",
		Residency: model.Residency{Countries: []string{"BR"}}, Redundancy: model.Redundancy{MinProviders: 2}}}
	_, _, err := h.Server.Workloads.Create(ctx, workload.Actor{Name: "test", ID: "test"}, two, nil)
	var pe *workload.PlaceError
	if !errors.As(err, &pe) {
		t.Fatalf("two providers with one real: %v, want no fit", err)
	}
	for lang, want := range map[i18n.Lang]string{i18n.ES: "proveedores simulados", i18n.PTBR: "provedores simulados", i18n.EN: "simulated providers"} {
		if msg := pe.Explain(lang); !strings.Contains(msg, want) || !strings.Contains(msg, "allow_simulated") {
			t.Errorf("%s: %q does not say simulated sites were left out", lang, msg)
		}
	}

	// Both real sites go down: the running replicas have nowhere real to
	// go, and must not land on a simulated site.
	for _, s := range realSites {
		if err := h.Server.Sim.SetOutage(ctx, realPrv, s, true); err != nil {
			t.Fatal(err)
		}
	}
	opstest.Eventually(t, 30*time.Second, "the workload on the downed real provider failed", func() (bool, string) {
		var v view
		if _, err := c.Do(ctx, "GET", "/v1/workloads/"+onReal.ID, nil, &v); err != nil {
			t.Fatal(err)
		}
		for _, p := range placementsOf(t, h, onReal.ID) {
			if p.Simulated {
				t.Fatalf("replica %d moved from the real provider to simulated site %s", p.Replica, p.SiteID)
			}
		}
		return v.State == string(model.StateFailed), fmt.Sprintf("it is %s (%s)", v.State, v.Reason)
	})
}
