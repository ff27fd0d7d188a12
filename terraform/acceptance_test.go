package terraform_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/client"
	"github.com/soberana/soberana/internal/server/servertest"
)

// tf runs the real terraform binary in a working directory whose only
// provider is the one built from this tree (dev_overrides: no registry).
type tf struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

func (x *tf) run(args ...string) (string, int) {
	x.t.Helper()
	cmd := exec.Command(x.bin, args...)
	cmd.Dir, cmd.Env = x.dir, x.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), ee.ExitCode()
	}
	if err != nil {
		x.t.Fatalf("terraform %v: %v", args, err)
	}
	return out.String(), 0
}

func (x *tf) must(args ...string) string {
	x.t.Helper()
	out, code := x.run(args...)
	if code != 0 {
		x.t.Fatalf("terraform %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// planExit runs plan -detailed-exitcode: 0 no changes, 2 changes.
func (x *tf) planExit(args ...string) (string, int) {
	x.t.Helper()
	out, code := x.run(append([]string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, args...)...)
	if code == 1 {
		x.t.Fatalf("terraform plan failed:\n%s", out)
	}
	return out, code
}

// terraformWithProvider finds terraform (or tofu) and builds the provider
// once for the package's tests, returning the binary and a CLI config
// whose dev_overrides point at the build. It skips, saying why, where no
// binary is on PATH.
func terraformWithProvider(t *testing.T) (bin, cfg string) {
	t.Helper()
	bin, err := exec.LookPath("terraform")
	if err != nil {
		bin, err = exec.LookPath("tofu")
	}
	if err != nil {
		t.Skip("neither terraform nor tofu is on PATH: the provider's acceptance tests need the real binary (.ci/run installs it)")
	}
	if testing.Short() {
		t.Skip("acceptance test: builds the provider and runs terraform")
	}
	built.once.Do(func() {
		plugins, err := os.MkdirTemp("", "soberana-tf-plugins")
		if err != nil {
			built.err = err
			return
		}
		build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-soberana"), "./cmd/terraform-provider-soberana")
		build.Dir = ".."
		if out, err := build.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("building the provider: %v\n%s", err, out)
			return
		}
		built.cfg = filepath.Join(plugins, "terraformrc")
		rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"soberana/soberana\" = %q\n  }\n  direct {}\n}\n", plugins)
		built.err = os.WriteFile(built.cfg, []byte(rc), 0o600)
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return bin, built.cfg
}

var built struct {
	once sync.Once
	cfg  string
	err  error
}

// setup builds the provider, starts a server with the demo fleet and
// copies examples/terraform into a fresh working directory.
func setup(t *testing.T) (*tf, *servertest.Harness) {
	bin, cfg := terraformWithProvider(t)
	h := servertest.Start(t, servertest.Options{})
	dir := t.TempDir()
	files, _ := filepath.Glob("../examples/terraform/*.tf")
	if len(files) == 0 {
		t.Fatal("no examples/terraform/*.tf")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+cfg, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"SOBERANA_URL="+h.URL, "SOBERANA_TOKEN="+servertest.AdminToken, "TF_DATA_DIR="+filepath.Join(dir, ".terraform"),
		"TF_VAR_grant_expires_at="+time.Now().UTC().AddDate(0, 6, 0).Truncate(time.Second).Format(time.RFC3339),
		fmt.Sprintf("TF_VAR_fiscal_year=%d", time.Now().UTC().Year()))
	return &tf{t: t, bin: bin, dir: dir, env: env}, h
}

// TestAcceptance applies examples/terraform against a real server with the
// real terraform binary: create, an empty plan after apply, an update in
// place, drift after an out-of-band change, import, and a destroy that
// leaves nothing behind.
func TestAcceptance(t *testing.T) {
	t.Parallel()
	start := time.Now()
	x, h := setup(t)
	ctx := context.Background()
	c := client.New(h.URL, servertest.AdminToken)

	// Create.
	x.must("apply", "-auto-approve", "-input=false", "-no-color")
	out := x.must("output", "-json")
	for _, want := range []string{`"workload_state"`, `"running"`} {
		if !strings.Contains(out, want) {
			t.Fatalf("outputs lack %s:\n%s", want, out)
		}
	}
	state := x.must("show", "-json")
	ins := attr(t, state, "soberana_institution", "saude", "id")
	wl := attr(t, state, "soberana_workload", "agenda", "id")
	grant := attr(t, state, "soberana_grant", "vendor", "id")
	project := attr(t, state, "soberana_project", "agenda", "id")
	key := attr(t, state, "soberana_ssh_key", "operadores", "id")
	k, err := c.SSHKeys().Get(ctx, key)
	if err != nil || k.ProjectID != project || k.KeyType != "ssh-ed25519" ||
		k.Fingerprint != attr(t, state, "soberana_ssh_key", "operadores", "fingerprint") {
		t.Fatalf("ssh key %s: %+v %v", key, k, err)
	}
	w, err := c.GetWorkload(ctx, wl)
	if err != nil {
		t.Fatal(err)
	}
	if w.State != client.StateRunning || len(w.Placements) != 2 {
		t.Fatalf("workload %s: %s with %d placements", wl, w.State, len(w.Placements))
	}
	domains := map[string]bool{}
	for _, p := range w.Placements {
		s, err := c.GetSite(ctx, p.SiteID)
		if err != nil {
			t.Fatal(err)
		}
		domains[s.FailureDomain] = true
	}
	if len(domains) != 2 {
		t.Fatalf("replicas not in two failure domains: %v", domains)
	}
	if g, err := c.Grants().Get(ctx, grant); err != nil || g.Role != "developer" || g.ProjectID != project {
		t.Fatalf("grant: %+v %v", g, err)
	}

	// A plan right after apply is empty.
	if out, code := x.planExit(); code != 0 {
		t.Fatalf("plan after apply is not empty:\n%s", out)
	}

	// Update in place: a new budget amount and project name change the
	// same objects (no replacement).
	out, code := x.planExit("-var", "budget_amount_minor=120000000", "-var", "project_name=agenda-nacional")
	if code != 2 || !strings.Contains(out, "2 to change, 0 to destroy") {
		t.Fatalf("update plan: exit %d\n%s", code, out)
	}
	x.must("apply", "-auto-approve", "-input=false", "-no-color", "-var", "budget_amount_minor=120000000", "-var", "project_name=agenda-nacional")
	if p, err := c.Projects().Get(ctx, project); err != nil || p.Name != "agenda-nacional" {
		t.Fatalf("project after update: %+v %v", p, err)
	}
	if out, code := x.planExit("-var", "budget_amount_minor=120000000", "-var", "project_name=agenda-nacional"); code != 0 {
		t.Fatalf("plan after update is not empty:\n%s", out)
	}

	// Another public key replaces the SSH key (the API cannot change one).
	out, code = x.planExit("-var", "budget_amount_minor=120000000", "-var", "project_name=agenda-nacional",
		"-var", "operator_public_key=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIxmKTmhAAsnvH0oAFbpSCM7HxUF5j7zgj3EjcQbCXH5 outra")
	if code != 2 || !strings.Contains(out, "soberana_ssh_key.operadores must be replaced") || !strings.Contains(out, "1 to add, 0 to change, 1 to destroy") {
		t.Fatalf("a new public key does not replace the ssh key: exit %d\n%s", code, out)
	}

	// Drift: an out-of-band rename through the API shows in the plan.
	if _, err := c.Institutions().Update(ctx, ins, client.Patch{"name": "Renamed outside Terraform"}); err != nil {
		t.Fatal(err)
	}
	out, code = x.planExit("-var", "budget_amount_minor=120000000", "-var", "project_name=agenda-nacional")
	if code != 2 || !strings.Contains(out, "Renamed outside Terraform") || !strings.Contains(out, "1 to change") {
		t.Fatalf("drift not detected: exit %d\n%s", code, out)
	}
	x.must("apply", "-auto-approve", "-input=false", "-no-color", "-var", "budget_amount_minor=120000000", "-var", "project_name=agenda-nacional")

	// Import: forget the project and the workload, import them by id, and
	// the plan is empty again.
	x.must("state", "rm", "soberana_project.agenda", "soberana_workload.agenda", "soberana_ssh_key.operadores")
	x.must("import", "-input=false", "-no-color", "-var", "project_name=agenda-nacional", "-var", "budget_amount_minor=120000000", "soberana_ssh_key.operadores", key)
	x.must("import", "-input=false", "-no-color", "-var", "project_name=agenda-nacional", "-var", "budget_amount_minor=120000000", "soberana_project.agenda", project)
	x.must("import", "-input=false", "-no-color", "-var", "project_name=agenda-nacional", "-var", "budget_amount_minor=120000000", "soberana_workload.agenda", wl)
	if out, code := x.planExit("-var", "budget_amount_minor=120000000", "-var", "project_name=agenda-nacional"); code != 0 {
		t.Fatalf("plan after import is not empty:\n%s", out)
	}

	// Destroy leaves nothing live: the workload is deleted (its replicas
	// gone from the fleet), the grant revoked, the state empty. The API
	// keeps the institution, budget line and project that the deleted
	// workload's ledger entries refer to; the provider says so and forgets them.
	out = x.must("destroy", "-auto-approve", "-input=false", "-no-color", "-var", "budget_amount_minor=120000000", "-var", "project_name=agenda-nacional")
	if !strings.Contains(out, "kept for its history") {
		t.Fatalf("destroy did not say what the API keeps:\n%s", out)
	}
	if w, err := c.GetWorkload(ctx, wl); err == nil && w.State != client.StateDeleted {
		t.Fatalf("workload after destroy: %s", w.State)
	}
	for w, err := range c.Workloads(ctx, client.ListOptions{Filters: map[string]string{"institution_id": ins}}) {
		if err != nil || w.State != client.StateDeleted {
			t.Fatalf("live workload after destroy: %+v %v", w, err)
		}
	}
	if g, err := c.Grants().Get(ctx, grant); err == nil && g.RevokedAt == nil {
		t.Fatalf("grant after destroy is still in force")
	}
	if _, err := c.SSHKeys().Get(ctx, key); !client.IsNotFound(err) {
		t.Fatalf("ssh key after destroy: %v", err)
	}
	if out := strings.TrimSpace(x.must("state", "list")); out != "" {
		t.Fatalf("state after destroy:\n%s", out)
	}
	t.Logf("acceptance scenario took %v", time.Since(start).Round(time.Millisecond))
}
