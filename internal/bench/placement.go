package bench

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/placement"
)

// PlacementOpts sizes `soberana bench placement`. Zero fields take the
// scenario's defaults.
type PlacementOpts struct {
	// Scenario is "single" (one replica per request), "redundant" (Replicas
	// on at least 2 providers and 2 failure domains, 50 km apart) or "bulk"
	// (one large request spread evenly over FailureDomains domains).
	Scenario       string
	Sites          int // default 10,000 (bulk: 5,000)
	Providers      int // default 50
	Requests       int // default 100,000 (redundant: 20,000; bulk: 100)
	Replicas       int // default 1 (redundant: 3; bulk: 600)
	FailureDomains int // default sites/50 (bulk: 50)
	Seed           uint64
}

// PlacementResult is the one JSON line the command prints.
type PlacementResult struct {
	Scenario         string  `json:"scenario"`
	Sites            int     `json:"sites"`
	Providers        int     `json:"providers"`
	FailureDomains   int     `json:"failure_domains"`
	Requests         int     `json:"requests"`
	Replicas         int     `json:"replicas"`
	Placed           int     `json:"placed"`  // requests that got a set (and reserved it)
	NoFit            int     `json:"no_fit"`  // requests refused with ErrNoFit or ErrCostCeiling
	Inexact          int     `json:"inexact"` // sets not proven optimal (heuristic or search budget)
	DecisionsPerSec  float64 `json:"decisions_per_sec"`
	PlacementsPerSec float64 `json:"placements_per_sec"` // replicas placed per second
	P50us            float64 `json:"p50_us"`
	P99us            float64 `json:"p99_us"`
	MaxUs            float64 `json:"max_us"`
	AllocsPerOp      float64 `json:"allocs_per_op"`
	BytesPerOp       float64 `json:"bytes_per_op"`
	RSSMiB           float64 `json:"rss_mib"`
	LoadMs           float64 `json:"load_ms"` // building the engine from the fleet
	// WallMs and CPUMs are the run's elapsed and process CPU time: on a
	// machine busy with other work, CPU well below wall time means the
	// throughput above is the machine's, not the engine's.
	WallMs float64 `json:"wall_ms"`
	CPUMs  float64 `json:"cpu_ms"`
}

func (o *PlacementOpts) defaults() error {
	switch o.Scenario {
	case "", "single":
		o.Scenario = "single"
		o.Replicas = cmpOr(o.Replicas, 1)
		o.Requests = cmpOr(o.Requests, 100_000)
		o.Sites = cmpOr(o.Sites, 10_000)
	case "redundant":
		o.Replicas = cmpOr(o.Replicas, 3)
		o.Requests = cmpOr(o.Requests, 20_000)
		o.Sites = cmpOr(o.Sites, 10_000)
	case "bulk":
		o.Replicas = cmpOr(o.Replicas, 600)
		o.Requests = cmpOr(o.Requests, 100)
		o.Sites = cmpOr(o.Sites, 5_000)
		o.FailureDomains = cmpOr(o.FailureDomains, 50)
	default:
		return fmt.Errorf("bench placement: unknown scenario %q (single, redundant, bulk)", o.Scenario)
	}
	o.Providers = cmpOr(o.Providers, 50)
	o.FailureDomains = cmpOr(o.FailureDomains, max(10, o.Sites/50))
	if o.Sites < 1 || o.Providers < 1 || o.Requests < 1 || o.Replicas < 1 || o.Replicas > placement.MaxReplicas {
		return errors.New("bench placement: sites, providers, requests and replicas must be positive")
	}
	return nil
}

func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// Placement builds a synthetic fleet, then runs Requests decisions with
// reservations (Place) one after the other in one goroutine, and measures
// them.
func Placement(opts PlacementOpts) (PlacementResult, error) {
	if err := opts.defaults(); err != nil {
		return PlacementResult{}, err
	}
	fleet := NewFleet(FleetOpts{Sites: opts.Sites, Providers: opts.Providers, FailureDomains: opts.FailureDomains, Seed: opts.Seed})
	reqs := Requests(opts.Scenario, opts.Requests, opts.Replicas, opts.FailureDomains, opts.Seed+1)

	start := time.Now()
	e := placement.New(placement.Options{Currency: "BRL", MinorDigits: 2})
	if err := fleet.Load(e); err != nil {
		return PlacementResult{}, fmt.Errorf("bench placement: loading the fleet: %w", err)
	}
	load := time.Since(start)
	// Warm the per-offering indexes so that the run measures steady state.
	for _, r := range reqs[:min(len(reqs), 64)] {
		_, _ = e.Preview(r)
	}

	res := PlacementResult{
		Scenario: opts.Scenario, Sites: opts.Sites, Providers: opts.Providers,
		FailureDomains: opts.FailureDomains, Requests: opts.Requests, Replicas: opts.Replicas,
		LoadMs: float64(load.Microseconds()) / 1000,
	}
	lat := make([]time.Duration, len(reqs))
	replicas := 0
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	t0 := time.Now()
	for i := range reqs {
		s := time.Now()
		d, err := e.Place(reqs[i])
		lat[i] = time.Since(s)
		switch {
		case err == nil:
			res.Placed++
			replicas += len(d.Choices)
			if !d.Exact {
				res.Inexact++
			}
		case errors.Is(err, placement.ErrNoFit), errors.Is(err, placement.ErrCostCeiling):
			res.NoFit++
		default:
			return res, fmt.Errorf("bench placement: request %d: %w", i, err)
		}
	}
	elapsed := time.Since(t0)
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&after)

	n := float64(len(reqs))
	res.DecisionsPerSec = round1(n / elapsed.Seconds())
	res.PlacementsPerSec = round1(float64(replicas) / elapsed.Seconds())
	res.AllocsPerOp = round1(float64(after.Mallocs-before.Mallocs) / n)
	res.BytesPerOp = round1(float64(after.TotalAlloc-before.TotalAlloc) / n)
	slices.Sort(lat)
	res.P50us = us(lat[len(lat)/2])
	res.P99us = us(lat[min(len(lat)-1, len(lat)*99/100)])
	res.MaxUs = us(lat[len(lat)-1])
	res.RSSMiB = round1(rssMiB())
	res.WallMs = round1(float64(elapsed.Microseconds()) / 1000)
	res.CPUMs = round1(float64(cpu.Microseconds()) / 1000)
	return res, nil
}

func us(d time.Duration) float64 { return round1(float64(d.Nanoseconds()) / 1000) }

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// rssMiB reads the resident set size from /proc/self/status (Linux); 0
// elsewhere.
func rssMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err != nil {
				return 0
			}
			return kb / 1024
		}
	}
	return 0
}
