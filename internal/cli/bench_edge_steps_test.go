package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestBenchEdgeRefusesBadSizes: the sizes are checked before anything
// starts, and the result still names them.
func TestBenchEdgeRefusesBadSizes(t *testing.T) {
	for _, o := range []edgeBenchOptions{{sites: 1, groups: 1, every: time.Second}, {sites: 2, groups: 0, every: time.Second}, {sites: 2, groups: 1}} {
		res, err := runEdgeBench(context.Background(), o)
		if err == nil || err.Error() != "bench edge: --sites ≥ 2, --groups ≥ 1 and --every > 0" {
			t.Errorf("%+v: %v", o, err)
		}
		if res.Sites != o.sites || res.Groups != o.groups || res.Every != o.every.String() || res.Rejected == nil {
			t.Errorf("%+v: result %+v", o, res)
		}
	}
}

func benchEdgeNATS(t *testing.T) string {
	t.Helper()
	url := os.Getenv("SOBERANA_TEST_NATS_URL")
	if url == "" {
		t.Skip("edge bench test skipped: set SOBERANA_TEST_NATS_URL (e.g. nats://127.0.0.1:4222); .ci/run starts nats-server")
	}
	return url
}

// TestBenchEdgeRefusesUnknownAgents: --agents names where the agents
// run; anything else stops the run after the import.
func TestBenchEdgeRefusesUnknownAgents(t *testing.T) {
	url := benchEdgeNATS(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := runEdgeBench(ctx, edgeBenchOptions{sites: 2, groups: 1, every: 400 * time.Millisecond, nats: url, agents: "elsewhere", stderr: io.Discard})
	if err == nil || err.Error() != `--agents: subprocess or in-process, not "elsewhere"` {
		t.Fatalf("got %v", err)
	}
	if res.ImportSeconds <= 0 || res.DownAfter != "600ms" || res.Agents != "elsewhere" {
		t.Fatalf("result before the agents: %+v", res)
	}
}

// TestBenchEdgeWritesProfiles: with --profile-dir the bench writes the
// window's CPU profile, the heap's, where the previews wait, their CPU
// profile and their trace, and still fills in every figure.
func TestBenchEdgeWritesProfiles(t *testing.T) {
	url := benchEdgeNATS(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := filepath.Join(t.TempDir(), "profiles")
	res, err := runEdgeBench(ctx, edgeBenchOptions{sites: 3, groups: 1, every: 400 * time.Millisecond, nats: url, agents: "in-process",
		previews: 4, profDir: dir, stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if res.Previews != 4 || res.SitesHeard != 3 || res.WindowSeconds <= 0 || res.StoppedDownSecs <= 0 ||
		res.Agents != "in-process (CPU share includes the agents' signing)" || res.AgentsCPUShare != 0 {
		t.Errorf("figures: %+v", res)
	}
	for _, name := range []string{"window.pprof", "heap.pprof", "mutex.pprof", "block.pprof", "previews.pprof", "previews.trace"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
}
