package terraform_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soberana/soberana/client"
	"github.com/soberana/soberana/internal/server/servertest"
)

// moreConfig exercises the resources and data sources the example does
// not: an exchange rate, an alert webhook, a role binding, the placement
// preview, and a workload that needs a person's approval.
var moreConfig = `
terraform {
  required_providers {
    soberana = { source = "soberana/soberana" }
  }
}

variable "user_id" { type = string }
variable "fiscal_year" { type = number }
variable "app_replicas" {
  type    = number
  default = 2
}
variable "rate" {
  type    = string
  default = "0.1843"
}

data "soberana_offerings" "small" { name = "SCS-2V-4-20s" }

` + tenancyHCL("strict", "l", "p", "Instituto sem aprovação automática", 0, "99.1", "Linha", 100000000, "aprovacao") + `
data "soberana_placement_preview" "p" {
` + requestHCL("soberana_project.p", "small", 2) + `  min_failure_domains = 2
}

` + workloadHCL("pending", "soberana_project.p", "small", 1) + `
resource "soberana_fx_rate" "brl_usd" {
  from     = "BRL"
  to       = "USD"
  rate     = var.rate
  valid_on = "2026-11-30"
  source   = "teste"
}

resource "soberana_alert_webhook" "oncall" {
  name = "plantao"
  url  = "https://alertas.gob.example/soberana"
}

resource "soberana_role_binding" "viewer" {
  user_id    = var.user_id
  role       = "viewer"
  scope_kind = "institution"
  scope_id   = soberana_institution.strict.id
}

data "soberana_offerings" "ns" { name = "ns-small" }

` + tenancyHCL("apps", "apps", "apps", "Instituto de aplicações", 100000000, "99.2", "Aplicações", 1000000000, "citas") + `
` + workloadHCL("ns", "soberana_project.apps", "ns", 2) + `
resource "soberana_app" "citas" {
  project_id  = soberana_project.apps.id
  workload_id = soberana_workload.ns.id
  name        = "citas"
  image       = "registry.example.mx/salud/citas:v1"
  port        = 8080
  replicas    = var.app_replicas
  env         = { LOG_LEVEL = "info" }
}

resource "soberana_release" "v2" {
  app_id = soberana_app.citas.id
  image  = "v2"
  commit = "abcdef12"
}

output "preview_feasible" { value = data.soberana_placement_preview.p.feasible }
output "preview_sites" { value = length(data.soberana_placement_preview.p.placements) }
output "pending_state" { value = soberana_workload.pending.state }
`

// tenancyHCL is an institution (resource name ins), a budget line of it
// (line) and a project charged to that line (project), in Brazil and in
// BRL, for the workloads of a configuration.
func tenancyHCL(ins, line, project, insName string, autoApproveMinor int64, code, lineName string, amountMinor int64, projectName string) string {
	return fmt.Sprintf(`resource "soberana_institution" %[1]q {
  name               = %[4]q
  country            = "BR"
  currency           = "BRL"
  auto_approve_minor = %[5]d
}

resource "soberana_budget_line" %[2]q {
  institution_id = soberana_institution.%[1]s.id
  fiscal_year    = var.fiscal_year
  code           = %[6]q
  name           = %[7]q
  amount_minor   = %[8]d
}

resource "soberana_project" %[3]q {
  institution_id = soberana_institution.%[1]s.id
  budget_line_id = soberana_budget_line.%[2]s.id
  name           = %[9]q
}
`, ins, line, project, insName, autoApproveMinor, code, lineName, amountMinor, projectName)
}

// workloadHCL is a workload resource of the request requestHCL writes.
func workloadHCL(name, project, offerings string, replicas int) string {
	return fmt.Sprintf("resource \"soberana_workload\" %q {\n%s}\n", name, requestHCL(project, offerings, replicas))
}

// requestHCL is the arguments of an internal workload request (what a
// workload and a placement preview both take): replicas of project (a
// reference) kept in Brazil, of the offering the data source
// soberana_offerings.<offerings> finds first, on simulated sites.
func requestHCL(project, offerings string, replicas int) string {
	return fmt.Sprintf(`  project_id          = %s.id
  offering_id         = data.soberana_offerings.%s.offerings[0].id
  replicas            = %d
  classification      = "internal"
  residency_countries = ["BR"]
  sovereignty_mode    = "national"
  allow_simulated     = true
`, project, offerings, replicas)
}

// TestAcceptanceMore: approval-pending is a warning, not a hang; the other
// resources apply, plan empty, update, import and destroy.
func TestAcceptanceMore(t *testing.T) {
	t.Parallel()
	x, h := setup(t)
	for _, f := range []string{"main.tf"} {
		_ = os.Remove(filepath.Join(x.dir, f))
	}
	if err := os.WriteFile(filepath.Join(x.dir, "main.tf"), []byte(moreConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := client.New(h.URL, servertest.AdminToken)
	u, err := c.CreateUser(ctx, client.UserSpec{Email: "leitora@saude.example", Name: "Leitora"})
	if err != nil {
		t.Fatal(err)
	}
	x.env = append(x.env, "TF_VAR_user_id="+u.ID)

	out := x.must("apply", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(out, "awaits approval") || !strings.Contains(out, "Warning") {
		t.Fatalf("no approval warning:\n%s", out)
	}
	outs := x.must("output", "-json")
	for _, want := range []string{`"pending_approval"`, `"preview_feasible": {`, `"value": true`} {
		if !strings.Contains(outs, want) {
			t.Fatalf("outputs lack %s:\n%s", want, outs)
		}
	}
	if out, code := x.planExit(); code != 0 {
		t.Fatalf("plan after apply is not empty:\n%s", out)
	}

	// Update in place: a new rate.
	if out, code := x.planExit("-var", "rate=0.19", "-var", "app_replicas=3"); code != 2 || !strings.Contains(out, "2 to change, 0 to destroy") {
		t.Fatalf("rate and app update: %d\n%s", code, out)
	}
	x.must("apply", "-auto-approve", "-input=false", "-no-color", "-var", "rate=0.19", "-var", "app_replicas=3")
	x.env = append(x.env, "TF_VAR_app_replicas=3")

	// Import the rate, the webhook and the binding by id.
	state := x.must("show", "-json")
	ids := map[string]string{}
	for _, r := range []string{"soberana_fx_rate.brl_usd", "soberana_alert_webhook.oncall", "soberana_role_binding.viewer", "soberana_app.citas"} {
		typ, name, _ := strings.Cut(r, ".")
		ids[r] = attr(t, state, typ, name, "id")
	}
	x.must(append([]string{"state", "rm"}, "soberana_fx_rate.brl_usd", "soberana_alert_webhook.oncall", "soberana_role_binding.viewer", "soberana_app.citas")...)
	for r, id := range ids {
		x.must("import", "-input=false", "-no-color", "-var", "rate=0.19", r, id)
	}
	if out, code := x.planExit("-var", "rate=0.19"); code != 0 {
		t.Fatalf("plan after import is not empty:\n%s", out)
	}

	if a, err := c.GetApp(ctx, ids["soberana_app.citas"]); err != nil || a.Replicas != 3 {
		t.Fatalf("app: %+v %v", a, err)
	}
	rel := attr(t, state, "soberana_release", "v2", "id")
	if r, err := c.GetRelease(ctx, ids["soberana_app.citas"], rel); err != nil || r.Commit != "abcdef12" {
		t.Fatalf("release: %+v %v", r, err)
	}
	x.must("destroy", "-auto-approve", "-input=false", "-no-color", "-var", "rate=0.19")
	if _, err := c.FXRates().Get(ctx, ids["soberana_fx_rate.brl_usd"]); !client.IsNotFound(err) {
		t.Fatalf("rate after destroy: %v", err)
	}
	if _, err := c.AlertWebhooks().Get(ctx, ids["soberana_alert_webhook.oncall"]); !client.IsNotFound(err) {
		t.Fatalf("webhook after destroy: %v", err)
	}
	if _, err := c.RoleBindings().Get(ctx, ids["soberana_role_binding.viewer"]); !client.IsNotFound(err) {
		t.Fatalf("binding after destroy: %v", err)
	}
	if out := strings.TrimSpace(x.must("state", "list")); out != "" {
		t.Fatalf("state after destroy:\n%s", out)
	}
}
