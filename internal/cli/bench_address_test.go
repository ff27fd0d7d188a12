package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

// bench address on the sim prints one JSON line with the percentiles and
// every workload reaching an address (the shape, not the timing).
func TestBenchAddressSimJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an in-process server")
	}
	var out, errb bytes.Buffer
	code := RunEnv(context.Background(), []string{"bench", "address", "--workloads", "3", "--concurrency", "2", "--within", "5m"},
		&out, &errb, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var res map[string]any
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("not one JSON line: %q: %v", out.String(), err)
	}
	for _, k := range []string{"p50_ms", "p99_ms", "max_ms", "seconds", "poll_ms"} {
		if _, ok := res[k].(float64); !ok {
			t.Errorf("%s = %v, want a number", k, res[k])
		}
	}
	if res["scenario"] != "address" || res["target"] != "sim" || res["workloads"] != 3.0 || res["with_address"] != 3.0 ||
		res["without_address"] != 0.0 || res["failed_requests"] != 0.0 {
		t.Fatalf("result %v: want 3 workloads on the sim, all with an address", res)
	}
	if res["p50_ms"].(float64) > res["p99_ms"].(float64) || res["p99_ms"].(float64) > res["max_ms"].(float64) {
		t.Fatalf("percentiles out of order: %v", res)
	}
}
