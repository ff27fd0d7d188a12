package cli

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/edge"
)

// TestBenchEdgeShape runs the edge bench with tiny numbers against the
// real broker: every figure is filled in, the workloads run on the edge
// sites with their capacity reserved, and the stopped site goes down (the
// shape of the result, not its timing).
func TestBenchEdgeShape(t *testing.T) {
	url := os.Getenv("SOBERANA_TEST_NATS_URL")
	if url == "" {
		t.Skip("edge bench test skipped: set SOBERANA_TEST_NATS_URL (e.g. nats://127.0.0.1:4222); .ci/run starts nats-server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := runEdgeBench(ctx, edgeBenchOptions{sites: 12, groups: 3, workloads: 30, every: 400 * time.Millisecond, window: time.Second,
		nats: url, agents: "in-process", previews: 20, stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res)
	if res.Sites != 12 || res.ImportSeconds <= 0 || res.RSSMiB <= 0 || res.HeartbeatsPerSec <= 0 || res.SitesHeard != 12 {
		t.Errorf("figures missing: %+v", res)
	}
	if res.StoppedDownSecs <= 0 || res.Previews != 20 || res.PreviewP99Ms <= 0 || res.PreviewP99Ms < res.PreviewP50Ms {
		t.Errorf("down time or previews missing: %+v", res)
	}
	if res.WorkloadsRunning < 30 || res.EdgeVCPUsReserved != 30 {
		t.Errorf("workloads: %d running, %d vCPUs reserved on the edge sites, want 30 and 30", res.WorkloadsRunning, res.EdgeVCPUsReserved)
	}
	// Every beat of this bench's own agents is accepted. "unknown" is
	// left out: on a shared broker (a developer's, or CI's beside another
	// run) the tracker also hears other servers' subclouds — a CI run once
	// failed on 4,525 of them from a bench running beside it.
	for reason, n := range res.Rejected {
		if reason != edge.RejectUnknown && n > 0 {
			t.Errorf("rejected heartbeats: %v", res.Rejected)
		}
	}
}
