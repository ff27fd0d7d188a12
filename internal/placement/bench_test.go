package placement_test

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/soberana/soberana/internal/bench"
	"github.com/soberana/soberana/internal/placement"
)

func benchEngine(b *testing.B, sites, domains int) *placement.Engine {
	b.Helper()
	e := placement.New(placement.Options{})
	f := bench.NewFleet(bench.FleetOpts{Sites: sites, Providers: 50, FailureDomains: domains, Seed: 1})
	if err := f.Load(e); err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkPreview decides without reserving, over the scenario requests,
// for several fleet sizes and replica counts.
func BenchmarkPreview(b *testing.B) {
	for _, sites := range []int{1_000, 10_000} {
		e := benchEngine(b, sites, 0)
		for _, sc := range []struct {
			name     string
			replicas int
		}{{"single", 1}, {"redundant", 3}, {"redundant", 5}} {
			reqs := bench.Requests(sc.name, 1024, sc.replicas, 0, 2)
			b.Run(fmt.Sprintf("sites=%d/%s/replicas=%d", sites, sc.name, sc.replicas), func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					_, err := e.Preview(reqs[i%len(reqs)])
					if err != nil && !errors.Is(err, placement.ErrNoFit) && !errors.Is(err, placement.ErrCostCeiling) {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// BenchmarkPlaceRelease reserves and gives back, so the fleet stays in a
// steady state however long the benchmark runs.
func BenchmarkPlaceRelease(b *testing.B) {
	e := benchEngine(b, 10_000, 0)
	for _, replicas := range []int{1, 3} {
		sc := map[int]string{1: "single", 3: "redundant"}[replicas]
		reqs := bench.Requests(sc, 1024, replicas, 0, 3)
		b.Run(fmt.Sprintf("sites=10000/replicas=%d", replicas), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				d, err := e.Place(reqs[i%len(reqs)])
				if err == nil {
					_ = e.ReleaseDecision(d)
				}
				i++
			}
		})
	}
}

// BenchmarkBulk places 600 replicas spread over 50 failure domains.
func BenchmarkBulk(b *testing.B) {
	e := benchEngine(b, 5_000, 50)
	req := bench.Requests("bulk", 1, 600, 50, 4)[0]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Preview(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNoFit measures the slow path that counts reasons over the fleet.
func BenchmarkNoFit(b *testing.B) {
	e := benchEngine(b, 10_000, 0)
	req := bench.Requests("single", 1, 1, 0, 5)[0]
	req.Resources.VCPU = 1 << 30 // fits nowhere
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Preview(req); !errors.Is(err, placement.ErrNoFit) {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlaceParallel places and releases from every P at once against
// one engine: the shared lock and the per-site commit under contention.
func BenchmarkPlaceParallel(b *testing.B) {
	e := benchEngine(b, 10_000, 0)
	reqs := bench.Requests("redundant", 1024, 3, 0, 6)
	b.ReportAllocs()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			d, err := e.Place(reqs[next.Add(1)%int64(len(reqs))])
			if err == nil {
				_ = e.ReleaseDecision(d)
			}
		}
	})
}
