package server_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
)

// adminDo returns a call as h's admin that fails t on an error, the
// failure prefixed with where (which project or installation, or "").
func adminDo(ctx context.Context, t *testing.T, h *servertest.Harness, where string) func(method, path string, body, out any) {
	return func(method, path string, body, out any) {
		t.Helper()
		if _, err := h.Admin.Do(ctx, method, path, body, out); err != nil {
			t.Fatalf("%s%s %s: %v", where, method, path, err)
		}
	}
}

// osManausBelem maps the first two availability zones to sites in Manaus
// and Belém (osProviderAdd's arguments), their failure domains named
// tag+"am-"/"pa-"+suffix so that runs on one cloud do not collide.
func osManausBelem(azs []string, tag, suffix string) []string {
	return []string{
		azs[0] + "=country:BR,subdivision:BR-AM,lat:-3.119,lon:-60.022,tier:core,failure-domain:" + tag + "am-" + suffix + ",name:AIO Manaus",
		azs[1] + "=country:BR,subdivision:BR-PA,lat:-1.456,lon:-48.502,tier:core,failure-domain:" + tag + "pa-" + suffix + ",name:AIO Belém",
	}
}

// osProviderAdd runs `soberana provider add` in-process for the OpenStack
// cloud of cloudsPath, named name, with one --az flag per entry of azs
// ("AZ=labels"), against the server's database (dbURL; empty for the one
// in dataDir), and returns its JSON output. The OpenStack integration
// tests all add their providers this way.
func osProviderAdd(ctx context.Context, t *testing.T, dataDir, dbURL, cloudsPath, cloud, name string, azs ...string) []byte {
	t.Helper()
	args := []string{"provider", "add", "--data-dir", dataDir, "--lang", "en", "-o", "json",
		"--driver", "openstack", "--clouds-yaml", cloudsPath, "--cloud", cloud,
		"--name", name, "--jurisdiction", "BR", "--currency", "BRL", "--certification", "restricted"}
	for _, az := range azs {
		args = append(args, "--az", az)
	}
	args = append(args, "--image", "*=soberana-tiny")
	if dbURL != "" {
		args = append(args, "--database-url", dbURL)
	}
	var stdout, stderr bytes.Buffer
	cctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if code := cli.RunEnv(cctx, args, &stdout, &stderr, os.Getenv); code != 0 {
		t.Fatalf("soberana provider add %q: exit %d\n%s%s", name, code, stdout.String(), stderr.String())
	}
	return stdout.Bytes()
}

// osTenancy is an OpenStack integration test's own: the test offering,
// priced on the test's provider, and an institution, budget line and
// project (so that statements and budget lines hold only its workloads).
type osTenancy struct {
	off  model.Offering
	ins  model.Institution
	line model.BudgetLine
	prj  model.Project
}

// osTenancySpec names what osSetUpTenancy creates.
type osTenancySpec struct {
	Provider           string // the provider the offering is priced on
	Institution        string
	LineCode, LineName string
	LineAmount         int64
	Project            string
}

// osSetUpTenancy prices the test offering on spec.Provider and creates the
// tenancy through h's API. Whatever happens, the cloud is left as it was:
// on cleanup the server stops first (so that nothing recreates a replica),
// then adm removes the project's servers, Keystone project and domain. It
// ends by refreshing the fleet, so the sites are placeable.
func osSetUpTenancy(ctx context.Context, t *testing.T, h *servertest.Harness, adm osAdmin, spec osTenancySpec) osTenancy {
	t.Helper()
	do := adminDo(ctx, t, h, spec.Project+": ")
	var tn osTenancy
	var offs struct{ Items []model.Offering }
	do("GET", "/v1/offerings?name="+osOffering, nil, &offs)
	if len(offs.Items) != 1 {
		t.Fatalf("%s: offering %s: %+v", spec.Project, osOffering, offs.Items)
	}
	tn.off = offs.Items[0]
	do("POST", "/v1/prices", map[string]any{"provider_id": spec.Provider, "offering_id": tn.off.ID, "currency": "BRL",
		"per_hour": osPerHour, "valid_from": "2020-01-01"}, nil)
	do("POST", "/v1/institutions", map[string]any{"name": spec.Institution, "country": "BR",
		"currency": "BRL", "auto_approve_minor": 10 * osMonthlyMinor}, &tn.ins)
	do("POST", "/v1/budget-lines", map[string]any{"institution_id": tn.ins.ID, "fiscal_year": time.Now().UTC().Year(),
		"code": spec.LineCode, "name": spec.LineName, "amount_minor": spec.LineAmount}, &tn.line)
	do("POST", "/v1/projects", map[string]any{"institution_id": tn.ins.ID, "budget_line_id": tn.line.ID, "name": spec.Project}, &tn.prj)
	t.Cleanup(func() {
		h.Stop()
		adm.cleanup(t, tn.ins.ID, tn.prj.ID)
	})
	h.RefreshFleet(t)
	return tn
}
