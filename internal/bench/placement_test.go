package bench_test

import (
	"encoding/json"
	"flag"
	"testing"

	"github.com/soberana/soberana/internal/bench"
)

// Flags to run a scenario at full size from go test, e.g.
//
//	go test ./internal/bench -run TestPlacementScenario -v -args -scenario=single -sites=10000 -requests=100000
var (
	scenario  = flag.String("scenario", "", "placement scenario to run at full size (single, redundant, bulk)")
	sites     = flag.Int("sites", 0, "sites")
	providers = flag.Int("providers", 0, "providers")
	requests  = flag.Int("requests", 0, "requests")
	replicas  = flag.Int("replicas", 0, "replicas per request")
)

func TestPlacementScenario(t *testing.T) {
	if *scenario == "" {
		t.Skip("no -scenario given")
	}
	res, err := bench.Placement(bench.PlacementOpts{
		Scenario: *scenario, Sites: *sites, Providers: *providers, Requests: *requests, Replicas: *replicas,
	})
	if err != nil {
		t.Fatal(err)
	}
	line, _ := json.Marshal(res)
	t.Log(string(line))
}

// Every scenario runs, small, and most requests fit.
func TestPlacementSmall(t *testing.T) {
	for _, sc := range []string{"single", "redundant", "bulk"} {
		t.Run(sc, func(t *testing.T) {
			opts := bench.PlacementOpts{Scenario: sc, Sites: 600, Providers: 12, Requests: 300}
			if sc == "bulk" {
				opts.Requests, opts.Replicas, opts.FailureDomains = 3, 60, 10
			}
			res, err := bench.Placement(opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Placed < res.Requests/2 || res.DecisionsPerSec <= 0 || res.P99us < res.P50us || res.RSSMiB <= 0 {
				t.Errorf("implausible result %+v", res)
			}
			if _, err := json.Marshal(res); err != nil {
				t.Fatal(err)
			}
		})
	}
	if _, err := bench.Placement(bench.PlacementOpts{Scenario: "nope"}); err == nil {
		t.Error("unknown scenario accepted")
	}
}

// Exchange conversion is exact integer arithmetic with half-up rounding.
func TestToNationalMinor(t *testing.T) {
	cases := []struct {
		p    bench.Price
		want int64
	}{
		{bench.Price{Currency: "BRL", ListMinor: 12345}, 12345},
		{bench.Price{Currency: "USD", ListMinor: 4000}, 21728},  // $40.00 × 5.4321 = R$ 217.284
		{bench.Price{Currency: "CLP", ListMinor: 37000}, 21504}, // CLP 37,000 × 0.005812 = R$ 215.044
		{bench.Price{Currency: "USD", ListMinor: 1}, 5},         // 5.4321 cents rounds to 5
	}
	for _, c := range cases {
		if got := bench.ToNationalMinor(c.p); got != c.want {
			t.Errorf("%+v: %d, want %d", c.p, got, c.want)
		}
	}
}
