package placement_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/soberana/soberana/internal/placement"
)

// vmProvider is a Brazilian provider certified to cert that prices the
// offering "vm" at price.
type vmProvider struct {
	id    string
	cert  placement.Classification
	price int64
}

// vmProviders is an engine of the options with the providers and no
// site yet.
func vmProviders(o placement.Options, provs ...vmProvider) *placement.Engine {
	e := placement.New(o)
	for _, p := range provs {
		must(e.UpsertProvider(placement.Provider{ID: p.id, Jurisdiction: "BR", Certification: p.cert}))
		must(e.SetPrice(p.id, "vm", p.price))
	}
	return e
}

// restrictedSites adds the sites, certified for restricted data, each
// of capacity capa.
func restrictedSites(e *placement.Engine, capa placement.Resources, sites ...placement.Site) {
	for _, s := range sites {
		s.Certification = placement.Restricted
		s.Capacity = capa
		must(e.UpsertSite(s))
	}
}

func vmRequest(n int) placement.Request {
	return placement.Request{
		OfferingID: "vm", Replicas: n,
		Resources: placement.Resources{VCPU: 1, MemoryMiB: 1024, DiskGiB: 10},
		Residency: placement.Residency{Countries: []string{"BR"}},
	}
}

func TestFleetUpdatesInvalidateOrder(t *testing.T) {
	t.Parallel()
	e := explainFleet() // nuvem 1,234.56 (sp-1, sp-2), ceu 1,500.00 (rj-1)
	pick := func() string {
		t.Helper()
		d, err := e.Preview(vmRequest(1))
		if err != nil {
			t.Fatal(err)
		}
		return d.Choices[0].SiteID
	}
	if got := pick(); got != "sp-1" {
		t.Fatalf("cheapest: %s", got)
	}
	// A price change reorders the candidates.
	must(e.SetPrice("ceu", "vm", 100))
	if got := pick(); got != "rj-1" {
		t.Fatalf("after price drop: %s", got)
	}
	// A site that moves out of the allowed country is no longer chosen.
	must(e.UpsertSite(placement.Site{ID: "rj-1", ProviderID: "ceu", Country: "AR", Certification: placement.Restricted,
		Capacity: placement.Resources{VCPU: 16, MemoryMiB: 65536, DiskGiB: 1000}}))
	if got := pick(); got != "sp-1" {
		t.Fatalf("after move: %s", got)
	}
	// Health does not need a rebuild.
	must(e.SetSiteHealth("sp-1", placement.Down))
	if got := pick(); got != "sp-2" {
		t.Fatalf("after sp-1 down: %s", got)
	}
	must(e.RemoveSite("sp-2"))
	must(e.RemovePrice("nuvem", "vm"))
	if _, err := e.Preview(vmRequest(1)); !errors.Is(err, placement.ErrNoFit) {
		t.Fatalf("want no fit, got %v", err)
	}
	if e.SiteCount() != 2 {
		t.Fatalf("site count %d", e.SiteCount())
	}
	// A provider with sites cannot go; once they are gone it can.
	if err := e.RemoveProvider("nuvem"); !errors.Is(err, placement.ErrInvalidFleet) {
		t.Fatalf("remove provider with sites: %v", err)
	}
	must(e.RemoveSite("sp-1"))
	must(e.RemoveProvider("nuvem"))
	// A new site reuses the freed slot and starts with nothing reserved.
	must(e.UpsertSite(placement.Site{ID: "sp-9", ProviderID: "ceu", Country: "BR", Certification: placement.Restricted,
		Capacity: placement.Resources{VCPU: 16, MemoryMiB: 65536, DiskGiB: 1000}}))
	if u, _ := e.Usage("sp-9"); u.Used != (placement.Resources{}) {
		t.Fatalf("new site inherits usage %+v", u.Used)
	}
	if got := pick(); got != "sp-9" {
		t.Fatalf("new site: %s", got)
	}
}

func TestFleetValidation(t *testing.T) {
	t.Parallel()
	e := placement.New(placement.Options{})
	for _, p := range []placement.Provider{{}, {ID: "x", Jurisdiction: "Brasil"}, {ID: "x", Jurisdiction: "BR", Health: 9}} {
		if err := e.UpsertProvider(p); !errors.Is(err, placement.ErrInvalidFleet) {
			t.Errorf("provider %+v: %v", p, err)
		}
	}
	must(e.UpsertProvider(placement.Provider{ID: "p", Jurisdiction: "BR"}))
	for _, s := range []placement.Site{
		{ProviderID: "p", Country: "BR"},
		{ID: "s", ProviderID: "p", Country: "BR", Subdivision: "AR-B"},
		{ID: "s", ProviderID: "p", Country: "BR", Lat: 91},
		{ID: "s", ProviderID: "p", Country: "BR", Capacity: placement.Resources{VCPU: -1}},
	} {
		if err := e.UpsertSite(s); !errors.Is(err, placement.ErrInvalidFleet) {
			t.Errorf("site %+v: %v", s, err)
		}
	}
	if err := e.UpsertSite(placement.Site{ID: "s", ProviderID: "nobody", Country: "BR"}); !errors.Is(err, placement.ErrUnknownProvider) {
		t.Errorf("unknown provider: %v", err)
	}
	if err := e.SetPrice("p", "vm", -1); !errors.Is(err, placement.ErrInvalidFleet) {
		t.Errorf("negative price: %v", err)
	}
	if err := e.Reserve("nowhere", placement.Resources{VCPU: 1}); !errors.Is(err, placement.ErrUnknownSite) {
		t.Errorf("reserve unknown: %v", err)
	}
}

func TestOvercommitAndReservations(t *testing.T) {
	t.Parallel()
	e := vmProviders(placement.Options{}, vmProvider{"p", 0, 10})
	must(e.UpsertSite(placement.Site{ID: "s", ProviderID: "p", Country: "BR",
		Capacity:   placement.Resources{VCPU: 2, MemoryMiB: 4096, DiskGiB: 100},
		Overcommit: placement.Overcommit{Memory: 1500}}))
	u, _ := e.Usage("s")
	if want := (placement.Resources{VCPU: 8, MemoryMiB: 6144, DiskGiB: 100}); u.Capacity != want {
		t.Fatalf("effective capacity %+v, want %+v", u.Capacity, want)
	}
	// Replay of existing placements at startup, even beyond capacity.
	must(e.Reserve("s", placement.Resources{VCPU: 6, MemoryMiB: 1024}))
	req := vmRequest(1)
	req.Resources = placement.Resources{VCPU: 2, MemoryMiB: 1024}
	d, err := e.Place(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Place(req); !errors.Is(err, placement.ErrNoFit) {
		t.Fatalf("vCPU is full (8 of 8), want no fit, got %v", err)
	}
	var nf *placement.NoFitError
	_, err = e.Preview(req)
	if !errors.As(err, &nf) || nf.Reasons.Rejected[0].Reason != placement.ReasonVCPU {
		t.Fatalf("want insufficient vCPU, got %v", err)
	}
	must(e.ReleaseDecision(d))
	if u, _ := e.Usage("s"); u.Used != (placement.Resources{VCPU: 6, MemoryMiB: 1024}) {
		t.Fatalf("after release: %+v", u.Used)
	}
	if err := e.Release("s", placement.Resources{VCPU: 7}); !errors.Is(err, placement.ErrOverRelease) {
		t.Fatalf("over-release: %v", err)
	}
	if u, _ := e.Usage("s"); u.Used.VCPU != 0 {
		t.Fatalf("over-release leaves %+v", u.Used)
	}
}

// Preview reserves nothing; Place does.
func TestPreviewDoesNotReserve(t *testing.T) {
	t.Parallel()
	e := explainFleet()
	for range 3 {
		if _, err := e.Preview(vmRequest(3)); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"sp-1", "sp-2", "rj-1"} {
		if u, _ := e.Usage(id); u.Used != (placement.Resources{}) {
			t.Fatalf("%s: %+v", id, u.Used)
		}
	}
}

// nearlyFull builds sites that hold exactly two replicas each.
func nearlyFull(sites, providers int) *placement.Engine {
	e := placement.New(placement.Options{})
	for p := range providers {
		id := fmt.Sprintf("p%d", p)
		must(e.UpsertProvider(placement.Provider{ID: id, Jurisdiction: "BR"}))
		must(e.SetPrice(id, "vm", int64(100+p)))
	}
	for i := range sites {
		must(e.UpsertSite(placement.Site{
			ID: fmt.Sprintf("s%03d", i), ProviderID: fmt.Sprintf("p%d", i%providers), Country: "BR",
			Lat: -30 + float64(i%10), Lon: -55 + float64(i/10),
			FailureDomain: fmt.Sprintf("fd%d", i%7),
			Capacity:      placement.Resources{VCPU: 2, MemoryMiB: 2048, DiskGiB: 20},
			Overcommit:    placement.Overcommit{VCPU: 1000},
		}))
	}
	return e
}

// Many goroutines placing against a nearly full fleet never overfill a
// site, and together place exactly what fits.
func TestConcurrentPlaceNeverOvercommits(t *testing.T) {
	t.Parallel()
	const sites, workers = 60, 16
	e := nearlyFull(sites, 4)
	var placed atomic.Int64
	var mu sync.Mutex
	var all []placement.Decision
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var mine []placement.Decision // what this worker holds
			defer func() {
				mu.Lock()
				all = append(all, mine...)
				mu.Unlock()
			}()
			for i := 0; ; i++ {
				n := 1 + (w+i)%3
				req := vmRequest(n)
				req.Redundancy = placement.Redundancy{MinProviders: min(n, 2), MinFailureDomains: n}
				d, err := e.Place(req)
				if errors.Is(err, placement.ErrNoFit) {
					// Every site may still have room for a smaller set.
					if n == 1 {
						return
					}
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				placed.Add(int64(len(d.Choices)))
				mine = append(mine, d)
				// Churn: give some back, then keep placing.
				if i%5 == 4 {
					must(e.ReleaseDecision(d))
					placed.Add(-int64(len(d.Choices)))
					mine = mine[:len(mine)-1]
				}
			}
		})
	}
	// Health flapping and price changes while deciding.
	wg.Go(func() {
		for i := range 200 {
			must(e.SetSiteHealth(fmt.Sprintf("s%03d", i%sites), placement.Degraded))
			must(e.SetPrice(fmt.Sprintf("p%d", i%4), "vm", int64(100+i%13)))
		}
	})
	wg.Wait()

	perSite := map[string]int64{}
	for _, d := range all {
		for _, c := range d.Choices {
			perSite[c.SiteID]++
		}
	}
	var total int64
	for i := range sites {
		id := fmt.Sprintf("s%03d", i)
		u, _ := e.Usage(id)
		if u.Used.VCPU > u.Capacity.VCPU || u.Used.MemoryMiB > u.Capacity.MemoryMiB || u.Used.DiskGiB > u.Capacity.DiskGiB {
			t.Errorf("%s overfilled: %+v of %+v", id, u.Used, u.Capacity)
		}
		if u.Used.VCPU != perSite[id] {
			t.Errorf("%s: %d vCPU reserved, decisions hold %d", id, u.Used.VCPU, perSite[id])
		}
		total += u.Used.VCPU
	}
	if total != placed.Load() || total != 2*sites {
		t.Errorf("reserved %d, placed %d, capacity %d", total, placed.Load(), 2*sites)
	}
}

// With a single attempt, Place decides under the exclusive gate: still
// correct, never ErrContention while something fits.
func TestPlaceExclusiveAttempt(t *testing.T) {
	t.Parallel()
	e := placement.New(placement.Options{MaxAttempts: 1})
	must(e.UpsertProvider(placement.Provider{ID: "p", Jurisdiction: "BR"}))
	must(e.SetPrice("p", "vm", 1))
	for i := range 8 {
		must(e.UpsertSite(placement.Site{ID: fmt.Sprintf("s%d", i), ProviderID: "p", Country: "BR",
			Capacity: placement.Resources{VCPU: 1, MemoryMiB: 1024, DiskGiB: 10}, Overcommit: placement.Overcommit{VCPU: 1000}}))
	}
	var ok atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				_, err := e.Place(vmRequest(1))
				if errors.Is(err, placement.ErrNoFit) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 8 {
		t.Fatalf("placed %d, room for 8", ok.Load())
	}
}
