package openstack

import (
	"testing"
	"time"
)

func TestUsageFromDiagnostics(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	// Nova's legacy format, as the libvirt and fake drivers answer.
	first := map[string]any{"cpu0_time": float64(17_300_000_000), "cpu1_time": float64(1_000_000_000), "memory": float64(524288),
		"memory-actual": float64(524288), "memory-rss": float64(131072), "vda_read": float64(262144)}
	if _, ok := usageFromDiagnostics("plc_1", "srv-test-1", first, t0); ok {
		t.Fatal("a first sample has no CPU use yet")
	}
	// 60 s later the two vCPUs used 30 s of CPU: 250 ‰.
	second := map[string]any{"cpu0_time": float64(37_300_000_000), "cpu1_time": float64(11_000_000_000), "memory": float64(524288),
		"memory-actual": float64(524288), "memory-rss": float64(262144)}
	u, ok := usageFromDiagnostics("plc_1", "srv-test-1", second, t0.Add(time.Minute))
	if !ok || u.CPUPermille != 250 || u.MemoryMiB != 512 || u.MemoryUsedMiB != 256 || u.Simulated {
		t.Fatalf("%+v %v", u, ok)
	}
	// Microversion 2.48+, as the fake driver answers.
	std := map[string]any{"cpu_details": []any{map[string]any{"id": float64(0), "time": 1.73e10, "utilisation": float64(15)}},
		"memory_details": map[string]any{"maximum": float64(4096), "used": float64(1024)}}
	u, ok = usageFromDiagnostics("plc_2", "srv-test-2", std, t0)
	if !ok || u.CPUPermille != 150 || u.MemoryMiB != 4096 || u.MemoryUsedMiB != 1024 {
		t.Fatalf("standard: %+v %v", u, ok)
	}
}
