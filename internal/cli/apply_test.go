package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/opstest"
)

// TestApplyAndDeploy: apply -f creates a namespace workload, an app and a
// grant; --dry-run shows a diff and changes nothing; applying again
// changes nothing; deploy queues a release of the app by name.
func TestApplyAndDeploy(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	const tok = "sbr_apply_deploy_test_1234567890"
	url, _, stop := startUp(t, t.TempDir(), map[string]string{"SOBERANA_BOOTSTRAP_TOKEN": tok})
	defer stop()
	env := map[string]string{"SOBERANA_SERVER": url, "SOBERANA_TOKEN": tok, "GITHUB_SHA": "9fceb02d0ae598e95dc970b74767f19372d61af8"}
	run := func(args ...string) (int, string, string) { return runCLI(env, args...) }
	ctx := context.Background()
	c := client.New(url, tok)
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := c.Do(ctx, "GET", "/v1/projects", nil, &page); err != nil || len(page.Items) == 0 {
		t.Fatal(err)
	}
	prj := page.Items[0]["id"].(string)
	if _, err := c.Do(ctx, "GET", "/v1/offerings?name=ns-small", nil, &page); err != nil || len(page.Items) == 0 {
		t.Fatal(err)
	}
	off := page.Items[0]["id"].(string)
	var ins map[string]any
	if _, err := c.Do(ctx, "GET", "/v1/projects/"+prj, nil, &ins); err != nil {
		t.Fatal(err)
	}
	var inst map[string]any
	if _, err := c.Do(ctx, "GET", "/v1/institutions/"+ins["institution_id"].(string), nil, &inst); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	wl := write("wl.yaml", `kind: Workload
name: portal-ns
spec:
  project_id: `+prj+`
  offering_id: `+off+`
  replicas: 2
  classification: internal
  residency: {countries: [`+inst["country"].(string)+`]}
  sovereignty: {mode: national}
`)
	if code, out, errOut := run("apply", "-f", wl); code != 0 || !strings.Contains(out, "+ workload portal-ns created") {
		t.Fatalf("apply workload: %d %s %s", code, out, errOut)
	}
	if code, out, _ := run("apply", "-f", wl); code != 0 || !strings.Contains(out, "unchanged") || !strings.Contains(out, "0 of 1 objects changed") {
		t.Fatalf("apply workload again: %d %s", code, out)
	}
	// The app needs the namespace workload running.
	opstest.Eventually(t, time.Minute, "the namespace workload running", func() (bool, string) {
		_, err := c.Do(ctx, "GET", "/v1/workloads?project_id="+prj+"&state=running", nil, &page)
		return err == nil && len(page.Items) > 0, fmt.Sprintf("%d running, %v", len(page.Items), err)
	})
	app := func(image string) string {
		return `kind: App
spec:
  project_id: ` + prj + `
  name: citas
  image: registry.example.mx/salud/citas:` + image + `
  port: 8080
  replicas: 2
  env: {MODE: prod}
  health_path: /healthz
---
kind: Grant
name: acme-support
spec:
  project_id: ` + prj + `
  email: soporte@acme.example
  role: developer
  expires_at: "` + time.Now().Add(30*24*time.Hour).UTC().Format(time.RFC3339) + `"
`
	}
	f1 := write("app1.yaml", app("v1"))
	code, out, errOut := run("apply", "-f", f1, "--dry-run")
	if code != 0 || !strings.Contains(out, "+ app citas") || !strings.Contains(out, "+ grant acme-support") || !strings.Contains(out, "2 of 2 objects would change") {
		t.Fatalf("dry run: %d %s %s", code, out, errOut)
	}
	if _, err := c.Do(ctx, "GET", "/v1/apps?name=citas", nil, &page); err != nil || len(page.Items) != 0 {
		t.Fatalf("dry run created something: %v %v", err, page.Items)
	}
	if code, out, errOut := run("apply", "-f", f1); code != 0 || !strings.Contains(out, "webhook secret") {
		t.Fatalf("apply: %d %s %s", code, out, errOut)
	}
	if code, out, _ := run("apply", "-f", f1); code != 0 || !strings.Contains(out, "0 of 2 objects changed") {
		t.Fatalf("apply again: %d %s", code, out)
	}
	f2 := write("app2.yaml", app("v2"))
	code, out, _ = run("apply", "-f", f2, "--dry-run")
	if code != 0 || !strings.Contains(out, "~ image: registry.example.mx/salud/citas:v1 → registry.example.mx/salud/citas:v2") || !strings.Contains(out, "1 of 2 objects would change") {
		t.Fatalf("dry-run diff: %d %s", code, out)
	}
	if code, out, _ := run("apply", "-f", f2); code != 0 || !strings.Contains(out, "1 of 2 objects changed") {
		t.Fatalf("apply change: %d %s", code, out)
	}

	// deploy by app name; the commit comes from $GITHUB_SHA.
	code, out, errOut = run("deploy", "--app", "citas", "--image", "v2.1")
	if code != 0 || !strings.Contains(out, "registry.example.mx/salud/citas:v2.1") {
		t.Fatalf("deploy: %d %s %s", code, out, errOut)
	}
	if _, err := c.Do(ctx, "GET", "/v1/apps?name=citas", nil, &page); err != nil || len(page.Items) != 1 {
		t.Fatal(err)
	}
	var rels struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := c.Do(ctx, "GET", "/v1/apps/"+page.Items[0]["id"].(string)+"/releases", nil, &rels); err != nil || len(rels.Items) != 1 ||
		rels.Items[0]["commit"] != env["GITHUB_SHA"] {
		b, _ := json.Marshal(rels)
		t.Fatalf("releases: %v %s", err, b)
	}
	if code, _, errOut := run("deploy", "--app", "nope", "--image", "v1"); code != 1 || !strings.Contains(errOut, "nope") {
		t.Fatalf("unknown app: %d %s", code, errOut)
	}
}
