package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestWorkloadWait waits for two workloads to run, then for one to be
// deleted, and checks the errors: a bad --for, a timeout naming the
// workloads still pending, and a workload that ended otherwise.
func TestWorkloadWait(t *testing.T) {
	t.Parallel()
	h, run, project, offering := startCLI(t)
	ctx := context.Background()
	var ids []string
	for range 2 {
		var w map[string]any
		body := map[string]any{"project_id": project, "offering_id": offering, "replicas": 1, "classification": "internal",
			"residency": map[string]any{"countries": []string{"BR"}}}
		if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", body, &w); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w["id"].(string))
	}

	if _, errOut, code := run("workload", "wait", "--for", "gone", ids[0]); code == 0 || !strings.Contains(errOut, "--for must be running or deleted") {
		t.Fatalf("bad --for: %d %s", code, errOut)
	}
	out, errOut, code := run("workload", "wait", "--for", "running", "--interval", "20ms", ids[0], ids[1], ids[0])
	if code != 0 || !strings.Contains(out, "all 2 workloads are running") || !strings.Contains(out, ids[0]+" is running") ||
		!strings.Contains(out, ids[1]+" is running") {
		t.Fatalf("wait running: %d %s %s", code, out, errOut)
	}
	// Nothing deletes ids[1]: the wait gives up and names it.
	if _, err := h.Admin.Do(ctx, "DELETE", "/v1/workloads/"+ids[0], nil, nil); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = run("workload", "wait", "--for", "deleted", "--interval", "20ms", "--timeout", "300ms", ids[1])
	if code == 0 || !strings.Contains(errOut, "0 of 1 workload is deleted; still waiting for "+ids[1]) {
		t.Fatalf("timeout: %d %s", code, errOut)
	}
	out, errOut, code = run("workload", "wait", "--for", "deleted", "--interval", "20ms", ids[0])
	if code != 0 || !strings.Contains(out, "1 workload is deleted") {
		t.Fatalf("wait deleted: %d %s %s", code, out, errOut)
	}
	// A deleted workload never runs: waiting for it to run fails at once.
	_, errOut, code = run("workload", "wait", "--lang", "es", ids[0])
	if code == 0 || !strings.Contains(errOut, "la carga "+ids[0]+" terminó en el estado deleted") {
		t.Fatalf("wait on a deleted workload: %d %s", code, errOut)
	}
}

// startCLI starts an in-process server on the demo fleet and returns it,
// a runner of CLI commands against it as the admin (in English), and the
// ids of the demo project prontuario-eletronico and of SCS-1V-2-20s.
func startCLI(t *testing.T) (h *servertest.Harness, run func(args ...string) (string, string, int), project, offering string) {
	t.Helper()
	h = servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	env := map[string]string{"SOBERANA_SERVER": h.URL, "SOBERANA_TOKEN": servertest.AdminToken, "LANG": "en"}
	run = func(args ...string) (string, string, int) {
		var out, errOut bytes.Buffer
		code := cli.RunEnv(ctx, args, &out, &errOut, func(k string) string { return env[k] })
		return out.String(), errOut.String(), code
	}
	return h, run, h.FirstID(t, "/v1/projects?name=prontuario-eletronico"), h.FirstID(t, "/v1/offerings?name=SCS-1V-2-20s")
}
