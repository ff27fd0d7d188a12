package openstack

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/provider"
)

// Nova's server diagnostics (the fake driver answers them) give a replica's
// memory, and its CPU use from the second sample on.
func TestIntegrationUsageFromDiagnostics(t *testing.T) {
	e := newITEnv(t, Needs{Instances: 1, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 20})
	ctx := context.Background()
	s := e.spec(randID("plc_"), itSite1)
	e.cleanup(t, s.ResourceRef)
	id, err := e.d.Create(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	e.waitState(t, s.ResourceRef, provider.StateActive, 2*time.Minute)
	e.d.Log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ref := s.ResourceRef
	ref.ResourceID = id
	// The first sample may lack CPU use (older microversions give only
	// CPU times: use needs two samples).
	if _, err := e.d.Usage(ctx, ref.ProviderID, []provider.ResourceRef{ref}); err != nil {
		t.Fatal(err)
	}
	second, err := e.d.Usage(ctx, ref.ProviderID, []provider.ResourceRef{ref})
	if err != nil || len(second) != 1 {
		t.Fatalf("second sample: %+v %v", second, err)
	}
	u := second[0]
	t.Logf("diagnostics of %s: %+v", id, u)
	if u.ReplicaID != s.ReplicaID || u.MemoryMiB <= 0 || u.CPUPermille < 0 || u.CPUPermille > 1000 || u.Simulated {
		t.Errorf("sample %+v", u)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }
