package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/residency"
)

// TestOpsCommands drives workload migrate, provider evacuate, residency
// and alerts list against an in-process server.
func TestOpsCommands(t *testing.T) {
	t.Parallel()
	h, run, project, offering := startCLI(t)
	ctx := context.Background()
	// The workload is migrated and its provider evacuated: the ministry's
	// data policy must admit providers of any jurisdiction in Brazil.
	var prj map[string]any
	if _, err := h.Admin.Do(ctx, "GET", "/v1/projects/"+project, nil, &prj); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run("institution", "policy", prj["institution_id"].(string), "--sovereignty", "any", "--country", "BR", "-o", "json")
	if code != 0 || !strings.Contains(out, `"sovereignty": "any"`) {
		t.Fatalf("institution policy: %d %s %s", code, out, errOut)
	}
	out, errOut, code = run("workload", "create", "--project", project, "--offering", offering, "--country", "BR",
		"--classification", "internal", "--sovereignty", "any", "-o", "json")
	var w struct {
		ID         string `json:"id"`
		State      string `json:"state"`
		Placements []struct {
			ProviderID string `json:"provider_id"`
			State      string `json:"state"`
		} `json:"placements"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &w) != nil || w.ID == "" {
		t.Fatalf("create: %d %s %s", code, out, errOut)
	}
	wid := w.ID
	h.WaitRunning(t, wid, time.Minute)
	if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+wid, nil, &w); err != nil || len(w.Placements) == 0 {
		t.Fatalf("workload: %v %+v", err, w)
	}
	from := w.Placements[0].ProviderID

	out, errOut, code = run("workload", "migrate", wid, "--exclude-provider", from, "--plan")
	if code != 0 || !strings.Contains(out, "migration plan for "+wid) || !strings.Contains(out, "monthly cost") || !strings.Contains(out, "1. create 1 replicas") ||
		!strings.Contains(out, "budget commitment at the switch") {
		t.Fatalf("migrate --plan: %d %s %s", code, out, errOut)
	}
	if _, errOut, code := run("workload", "migrate", wid); code == 0 || !strings.Contains(errOut, "--to-provider") {
		t.Fatalf("migrate without target: %d %s", code, errOut)
	}
	out, errOut, code = run("workload", "migrate", wid, "--exclude-provider", from, "--yes", "--wait")
	if code != 0 || !strings.Contains(out, "new replicas running: 1/1") || !strings.Contains(out, "done") {
		t.Fatalf("migrate --wait: %d %s %s", code, out, errOut)
	}

	// Evacuate the provider the workload moved to.
	if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+wid, nil, &w); err != nil {
		t.Fatal(err)
	}
	to := ""
	for _, p := range w.Placements {
		if p.ProviderID != from {
			to = p.ProviderID
		}
	}
	out, errOut, code = run("provider", "evacuate", to, "--plan")
	if code != 0 || !strings.Contains(out, "provider "+to+": 1 workloads, 1 with a target") || !strings.Contains(out, wid) {
		t.Fatalf("evacuate --plan: %d %s %s", code, out, errOut)
	}
	if _, errOut, code := run("provider", "evacuate", to); code == 0 || !strings.Contains(errOut, "--plan or --execute") {
		t.Fatalf("evacuate without a mode: %d %s", code, errOut)
	}
	out, errOut, code = run("provider", "evacuate", to, "--execute", "--concurrency", "2", "--wait-timeout", "1m")
	if code != 0 || !strings.Contains(out, "queued") || !strings.Contains(out, "finished: 1 moved") {
		t.Fatalf("evacuate --execute: %d %s %s", code, out, errOut)
	}

	out, errOut, code = run("residency", "-o", "csv")
	if code != 0 || !strings.HasPrefix(out, strings.Join(residency.CSVHeader, ",")) || !strings.Contains(out, wid) {
		t.Fatalf("residency csv: %d %s %s", code, out, errOut)
	}
	out, errOut, code = run("residency", "-o", "html", "--lang", "pt-BR")
	if code != 0 || !strings.Contains(out, "Relatório de residência de dados") {
		t.Fatalf("residency html: %d %.300s %s", code, out, errOut)
	}
	out, errOut, code = run("residency")
	if code != 0 || !strings.Contains(out, "VERDICT") || !strings.Contains(out, "compliant") || !strings.Contains(out, "1 placements, 0 violations") {
		t.Fatalf("residency table: %d %s %s", code, out, errOut)
	}
	// Not shaped like an id, so looked up as a name: not found, exit 4.
	if _, errOut, code := run("residency", "--institution", "ins_nope", "-o", "json"); code != 4 || !strings.Contains(errOut, "ins_nope") {
		t.Fatalf("residency of an unknown institution: %d %s", code, errOut)
	}
	out, errOut, code = run("alerts", "list", "--state", "firing")
	if code != 0 || !strings.Contains(out, "RULE") {
		t.Fatalf("alerts list: %d %s %s", code, out, errOut)
	}
}
