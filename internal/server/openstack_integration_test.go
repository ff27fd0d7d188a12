package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gos "github.com/gophercloud/gophercloud/v2/openstack"
	cquotas "github.com/gophercloud/gophercloud/v2/openstack/compute/v2/quotasets"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/domains"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"
	"github.com/gophercloud/gophercloud/v2/openstack/placement/v1/allocations"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider/openstack"
	"github.com/soberana/soberana/internal/provider/openstack/openstacktest"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/server/servertest"
)

// End to end against the all-in-one OpenStack of scripts/openstack-aio.sh
// (source .ci/openstack.env): everything goes through soberana — the
// provider is registered by `soberana provider add`, the price, the
// tenancy and the workload by the HTTP API, the servers are made by the
// reconciler through the openstack driver — and what soberana claims is
// checked in Nova, Keystone and Placement with the cloud's admin
// credentials, and in the ledger.

const (
	// osPerHour is the test provider's price of the offering, BRL an hour
	// with six decimals (osPerHourMicro millionths): 34.29 centavos a
	// second, so that a few seconds of usage give charges that a wrong
	// price, duration or rounding changes.
	osPerHour      = "1234.567891"
	osPerHourMicro = 1_234_567_891
	osOffering     = "SCS-2V-4-20s"
)

// TestIntegrationOpenStackThroughAPI registers the test cloud as a
// provider with the CLI (AZs mapped to two Brazilian sites in distinct
// failure domains, credentials sealed), prices it, creates an institution
// with a budget line and a project, POSTs a 2-replica workload that only
// those sites can hold, and checks: two ACTIVE servers with the workload's
// metadata in the two AZs, with Placement allocations, in the Keystone
// project of the soberana project inside the institution's domain, with
// the compute quota set; exact charges for the seconds each replica ran,
// rated mid-run and after the delete (statements, workload cost, budget
// balance); and after DELETE no server and no allocation left. It runs on
// SQLite and, when SOBERANA_TEST_POSTGRES_URL is set, on PostgreSQL.
func TestIntegrationOpenStackThroughAPI(t *testing.T) {
	openstacktest.AIO(t)
	servertest.BothStores(t, osEndToEnd)
}

// osTestCloud is the test cloud: its clouds.yaml (or skips), its name in
// it, two availability zones and admin clients; the server's secrets key
// is a fresh one named name, so that provider credentials are sealed.
func osTestCloud(t *testing.T, name string) (cloudsPath, cloud string, azs []string, adm osAdmin) {
	t.Helper()
	aio := openstacktest.AIO(t)
	cloudsPath, cloud, azs = aio.CloudsYAML, aio.Name, aio.AZs
	adm = osConnect(t, cloudsPath, cloud)
	t.Setenv("SOBERANA_SECRETS_KEY_FILE", "")
	t.Setenv("SOBERANA_SECRETS_KEY", secrets.NewKeyLine(name))
	return cloudsPath, cloud, azs, adm
}

// osAdmin holds admin clients of the test cloud, independent of the
// driver's own connections.
type osAdmin struct {
	compute, identity, placement *gophercloud.ServiceClient
}

func osConnect(t *testing.T, path, name string) osAdmin {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := openstack.ParseCloudsYAML(data, name, filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	cfg := openstack.Config{Clouds: []openstack.Cloud{cl}}
	if err := cfg.Validate(); err != nil { // fills the domain defaults
		t.Fatal(err)
	}
	cl = cfg.Clouds[0]
	if cl.AppCredential() {
		t.Skip("the end-to-end test needs a user and password (it checks a Keystone project per soberana project)")
	}
	ao := gophercloud.AuthOptions{IdentityEndpoint: cl.AuthURL, Username: cl.Username, Password: cl.Password,
		DomainName: cl.UserDomainName, DomainID: cl.UserDomainID, AllowReauth: true,
		Scope: &gophercloud.AuthScope{ProjectName: cl.ProjectName, DomainName: cl.ProjectDomainName, DomainID: cl.ProjectDomainID}}
	if ao.DomainName != "" {
		ao.DomainID = ""
	}
	if ao.Scope.DomainName != "" {
		ao.Scope.DomainID = ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pc, err := gos.AuthenticatedClient(ctx, ao)
	if err != nil {
		t.Fatalf("authenticating to the test cloud: %v", err)
	}
	eo := gophercloud.EndpointOpts{Region: cl.Region, Availability: gophercloud.Availability(cl.Interface)}
	var a osAdmin
	if a.compute, err = gos.NewComputeV2(pc, eo); err != nil {
		t.Fatal(err)
	}
	a.compute.Microversion = "2.60"
	if a.identity, err = gos.NewIdentityV3(pc, eo); err != nil {
		t.Fatal(err)
	}
	if a.placement, err = gos.NewPlacementV1(pc, eo); err != nil {
		t.Fatalf("the test cloud has no Placement endpoint: %v", err)
	}
	a.placement.Microversion = "1.28"
	return a
}

// serversOf lists the live servers (all projects) whose metadata names the
// workload.
func (a osAdmin) serversOf(t *testing.T, workloadID string) []servers.Server {
	t.Helper()
	pages, err := servers.List(a.compute, servers.ListOpts{AllTenants: true, Name: "^soberana-"}).AllPages(context.Background())
	if err != nil {
		t.Fatalf("listing servers: %v", err)
	}
	all, err := servers.ExtractServers(pages)
	if err != nil {
		t.Fatal(err)
	}
	var out []servers.Server
	for _, s := range all {
		if s.Metadata[openstack.MetaWorkload] == workloadID && s.Status != "DELETED" && s.Status != "SOFT_DELETED" {
			out = append(out, s)
		}
	}
	return out
}

func (a osAdmin) allocations(t *testing.T, serverID string) map[string]allocations.ProviderAllocations {
	t.Helper()
	al, err := allocations.Get(context.Background(), a.placement, serverID).Extract()
	if err != nil {
		t.Fatalf("Placement allocations of %s: %v", serverID, err)
	}
	return al.Allocations
}

// cleanup removes what the test made in the cloud for an institution and
// project: their servers, the Keystone project and the domain.
func (a osAdmin) cleanup(t *testing.T, institutionID, projectID string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pages, err := projects.List(a.identity, projects.ListOpts{Name: openstack.ProjectName(projectID)}).AllPages(ctx)
	if err != nil {
		t.Logf("cleanup: listing Keystone projects: %v", err)
		return
	}
	ps, _ := projects.ExtractProjects(pages)
	for _, p := range ps {
		sp, err := servers.List(a.compute, servers.ListOpts{AllTenants: true, TenantID: p.ID}).AllPages(ctx)
		if err != nil {
			t.Logf("cleanup: listing servers of %s: %v", p.ID, err)
			continue
		}
		ss, _ := servers.ExtractServers(sp)
		for _, s := range ss {
			t.Logf("cleanup: deleting server %s (%s)", s.ID, s.Name)
			_ = servers.Delete(ctx, a.compute, s.ID).ExtractErr()
		}
		for _, s := range ss {
			for ctx.Err() == nil {
				if err := servers.Get(ctx, a.compute, s.ID).Err; gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
					break
				}
				time.Sleep(500 * time.Millisecond)
			}
		}
		if err := projects.Delete(ctx, a.identity, p.ID).ExtractErr(); err != nil {
			t.Logf("cleanup: deleting Keystone project %s: %v", p.ID, err)
		}
	}
	dp, err := domains.List(a.identity, domains.ListOpts{Name: "soberana-" + institutionID}).AllPages(ctx)
	if err != nil {
		t.Logf("cleanup: listing domains: %v", err)
		return
	}
	ds, _ := domains.ExtractDomains(dp)
	for _, d := range ds {
		off := false
		if _, err := domains.Update(ctx, a.identity, d.ID, domains.UpdateOpts{Enabled: &off}).Extract(); err != nil {
			t.Logf("cleanup: disabling domain %s: %v", d.Name, err)
			continue
		}
		if err := domains.Delete(ctx, a.identity, d.ID).ExtractErr(); err != nil {
			t.Logf("cleanup: deleting domain %s: %v", d.Name, err)
		}
	}
}

// osAmount is a money.Amount as the API writes it.
type osAmount struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
}

type osWorkload struct {
	model.Workload
	Placements []struct {
		model.Placement
	} `json:"placements"`
}

type osStatement struct {
	Month string `json:"month"`
	Lines []struct {
		ProjectID      string   `json:"project_id"`
		ProviderID     string   `json:"provider_id"`
		UsageSeconds   int64    `json:"usage_seconds"`
		LedgerLines    int64    `json:"ledger_lines"`
		ProviderAmount osAmount `json:"provider_amount"`
		Amount         osAmount `json:"amount"`
	} `json:"lines"`
	Total *osAmount `json:"total"`
}

type osBalance struct {
	Amount, Committed, Accrued, Available osAmount
}

type osCost struct {
	ForecastMonthly osAmount `json:"forecast_monthly"`
	MonthToDate     osAmount `json:"month_to_date"`
	Committed       osAmount `json:"committed"`
	Month           string   `json:"month"`
}

// osUsage is what rating must book for some usage, per month.
type osUsage map[string]struct{ amount, seconds, lines int64 }

// osHalfEven is num/den rounded half to even (num, den > 0).
func osHalfEven(num, den int64) int64 {
	q, r := num/den, num%den
	if 2*r > den || (2*r == den && q%2 == 1) {
		q++
	}
	return q
}

// osMonthlyMinor is a replica's forecast: the hourly price × 730 hours, in
// centavos, rounded half-even.
var osMonthlyMinor = osHalfEven(osPerHourMicro*730, 10_000)

// add prices [from, to) as rating does: cut at month starts (UTC), each
// piece priced at the hourly price × seconds / 3600 in centavos and
// rounded half-even on its own. Computed here independently of
// internal/ledger and internal/money.
func (u osUsage) add(from, to time.Time) {
	from, to = from.UTC().Truncate(time.Second), to.UTC().Truncate(time.Second)
	for from.Before(to) {
		next := time.Date(from.Year(), from.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		end := min(to.Unix(), next.Unix())
		secs := end - from.Unix()
		q := osHalfEven(osPerHourMicro*secs, 3600*10_000)
		m := from.Format("2006-01")
		e := u[m]
		e.amount, e.seconds, e.lines = e.amount+q, e.seconds+secs, e.lines+1
		u[m] = e
		from = time.Unix(end, 0).UTC()
	}
}

func (u osUsage) total() (amount, seconds, lines int64) {
	for _, e := range u {
		amount, seconds, lines = amount+e.amount, seconds+e.seconds, lines+e.lines
	}
	return
}

func osEndToEnd(t *testing.T, postgres bool) {
	// The provider's credentials are sealed with the server's key: the
	// CLI writes them, the driver built by the registry opens them.
	cloudsPath, cloud, azs, adm := osTestCloud(t, "e2e")
	dataDir := t.TempDir()
	var dbURL string
	h := servertest.Start(t, servertest.Options{Postgres: postgres, DataDir: dataDir, Configure: func(c *config.Config) {
		dbURL = c.DatabaseURL
		// real-cloud timings: default probes and failover, and no rating
		// but the test's own, so the charges booked are known exactly
		c.Monitoring = config.Monitoring{}
		c.Ledger.RateEvery = 24 * time.Hour
	}})
	ctx := context.Background()
	do := adminDo(ctx, t, h, "")

	// 1. `soberana provider add`, in-process, against the server's database.
	suffix := strings.ToLower(model.NewID("e2e")[len("e2e_")+20:])
	out := osProviderAdd(ctx, t, dataDir, dbURL, cloudsPath, cloud, "AIO Amazônia "+suffix,
		osManausBelem(azs, "aio-", suffix)...)
	var added struct {
		Provider  model.Provider      `json:"provider"`
		Sites     []model.Site        `json:"sites"`
		Discovery openstack.Discovery `json:"discovery"`
		Sealed    bool                `json:"sealed"`
	}
	if err := json.Unmarshal(out, &added); err != nil {
		t.Fatalf("provider add output %q: %v", string(out), err)
	}
	prv := added.Provider.ID
	if prv == "" || len(added.Sites) != 2 || !added.Sealed {
		t.Fatalf("provider add: %s", string(out))
	}
	siteAZ := map[string]string{added.Sites[0].ID: azs[0], added.Sites[1].ID: azs[1]}
	for _, s := range added.Sites {
		if s.Health != model.HealthHealthy || s.Capacity.VCPUs <= 0 || s.Capacity.MemoryMiB <= 0 || s.Country != "BR" {
			t.Errorf("site %s after discovery: %+v", s.ID, s)
		}
	}
	if !slices.ContainsFunc(added.Discovery.Flavors, func(f openstack.FlavorMatch) bool { return f.Offering == osOffering }) {
		t.Fatalf("discovery found no flavor for %s: %+v", osOffering, added.Discovery.Flavors)
	}
	// Sealed: the settings row only says so; no password in clear text.
	row, ok, err := h.Server.Store.Read().Setting(ctx, "provider/openstack/"+prv)
	if err != nil || !ok || row != "sealed:secrets" {
		t.Fatalf("config row of %s = %q, %v, %v; want sealed:secrets", prv, row, ok, err)
	}

	// The price, and a tenancy of our own (so that the statement and the
	// budget line hold only this workload), through the API.
	lineAmount := 100 * 2 * osMonthlyMinor // more than a year of it
	tn := osSetUpTenancy(ctx, t, h, adm, osTenancySpec{Provider: prv, Institution: "Secretaria de Saúde do Amazonas " + suffix,
		LineCode: "10.302.9001", LineName: "Nuvem soberana (e2e)", LineAmount: lineAmount, Project: "prontuario-" + suffix})
	off, ins, line, prj := tn.off, tn.ins, tn.line, tn.prj

	// 2. The workload: 2 replicas on distinct failure domains, in
	// subdivisions only the AIO sites are in.
	tPost := time.Now()
	var wl osWorkload
	do("POST", "/v1/workloads", map[string]any{"project_id": prj.ID, "offering_id": off.ID, "replicas": 2,
		"classification": "internal",
		"residency":      map[string]any{"countries": []string{"BR"}, "subdivisions": []string{"BR-AM", "BR-PA"}},
		"sovereignty":    map[string]any{"mode": "national"},
		"redundancy":     map[string]any{"min_failure_domains": 2}}, &wl)
	t.Logf("workload %s: %s, forecast %d", wl.ID, wl.State, wl.ForecastMonthlyMinor)
	if wl.ForecastMonthlyMinor != 2*osMonthlyMinor || len(wl.Placements) != 2 || wl.State != model.StateApproved && wl.State != model.StateProvisioning {
		t.Fatalf("workload as created: %s, forecast %d (want %d), placements %+v", wl.State, wl.ForecastMonthlyMinor, 2*osMonthlyMinor, wl.Placements)
	}
	placed := map[string]string{} // placement → site
	for _, p := range wl.Placements {
		if p.ProviderID != prv || siteAZ[p.SiteID] == "" || p.MonthlyMinor != osMonthlyMinor || p.VCPUs != 2 || p.MemoryMiB != 4096 {
			t.Fatalf("placement %+v: want provider %s, one of its sites, %d a month, 2 vCPU / 4096 MiB", p.Placement, prv, osMonthlyMinor)
		}
		placed[p.ID] = p.SiteID
	}
	if wl.Placements[0].SiteID == wl.Placements[1].SiteID {
		t.Fatalf("both replicas on site %s", wl.Placements[0].SiteID)
	}
	wl = osWait(t, h, wl.ID, model.StateRunning, 2*time.Minute)
	tRunning := time.Now()
	t.Logf("running after %s", tRunning.Sub(tPost).Round(time.Millisecond))

	// 3. Nova, Placement and Keystone agree.
	list := adm.serversOf(t, wl.ID)
	if len(list) != 2 {
		t.Fatalf("Nova has %d servers with %s=%s, want 2: %+v", len(list), openstack.MetaWorkload, wl.ID, list)
	}
	zones, rps := map[string]bool{}, map[string]bool{}
	resource := map[string]string{} // placement → server
	for _, p := range wl.Placements {
		resource[p.ID] = p.ResourceID
	}
	keystoneProject := ""
	for _, s := range list {
		rep := s.Metadata[openstack.MetaReplica]
		site, ok := placed[rep]
		switch {
		case !ok:
			t.Errorf("server %s names replica %q, not one of %v", s.ID, rep, placed)
		case s.Status != "ACTIVE":
			t.Errorf("server %s is %s, want ACTIVE", s.ID, s.Status)
		case s.Name != openstack.ServerName(rep):
			t.Errorf("server %s is named %q, want %q", s.ID, s.Name, openstack.ServerName(rep))
		case resource[rep] != s.ID:
			t.Errorf("replica %s records resource %q, Nova has server %s", rep, resource[rep], s.ID)
		case s.AvailabilityZone != siteAZ[site]:
			t.Errorf("server %s of site %s is in AZ %q, want %q", s.ID, site, s.AvailabilityZone, siteAZ[site])
		}
		zones[s.AvailabilityZone] = true
		if keystoneProject == "" {
			keystoneProject = s.TenantID
		} else if s.TenantID != keystoneProject {
			t.Errorf("servers in projects %s and %s", keystoneProject, s.TenantID)
		}
		al := adm.allocations(t, s.ID)
		if len(al) != 1 {
			t.Errorf("server %s: allocations %+v, want one resource provider", s.ID, al)
		}
		for rp, pa := range al {
			rps[rp] = true
			t.Logf("server %s in %s on %s: allocation on %s %v", s.ID, s.AvailabilityZone, s.Host, rp, pa.Resources)
			if pa.Resources["VCPU"] != 2 || pa.Resources["MEMORY_MB"] != 4096 {
				t.Errorf("server %s: allocation %v, want VCPU 2, MEMORY_MB 4096", s.ID, pa.Resources)
			}
		}
	}
	if len(zones) != 2 || len(rps) != 2 {
		t.Errorf("servers in AZs %v on resource providers %v, want two of each", zones, rps)
	}
	kp, err := projects.Get(ctx, adm.identity, keystoneProject).Extract()
	if err != nil {
		t.Fatal(err)
	}
	dom, err := domains.Get(ctx, adm.identity, kp.DomainID).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if kp.Name != openstack.ProjectName(prj.ID) || dom.Name != "soberana-"+ins.ID {
		t.Errorf("servers in Keystone project %q of domain %q, want %q of %q", kp.Name, dom.Name,
			openstack.ProjectName(prj.ID), "soberana-"+ins.ID)
	}
	q, err := cquotas.GetDetail(ctx, adm.compute, keystoneProject).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if q.Instances.Limit != 2 || q.Cores.Limit != 4 || q.RAM.Limit != 8192 || q.Instances.InUse != 2 {
		t.Errorf("compute quota: instances %+v cores %+v ram %+v; want limits 2/4/8192 with 2 in use", q.Instances, q.Cores, q.RAM)
	}

	// 4. Charges. Each replica's usage interval opened when it began to
	// run; rate up to T1, five seconds after the later start.
	ivs, err := h.Server.Store.Read().WorkloadIntervals(ctx, wl.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ivs) != 2 {
		t.Fatalf("%d usage intervals, want 2: %+v", len(ivs), ivs)
	}
	var t1 time.Time
	for _, iv := range ivs {
		if _, ok := placed[iv.PlacementID]; !ok || iv.End != nil || iv.ProviderID != prv || iv.OfferingID != off.ID ||
			iv.Start.Before(tPost.Truncate(time.Second)) || iv.Start.After(tRunning) {
			t.Fatalf("usage interval %+v: want an open interval of a replica, started between %s and %s", iv, tPost, tRunning)
		}
		if s := iv.Start.Add(5 * time.Second); s.After(t1) {
			t1 = s
		}
	}
	t1 = t1.UTC().Truncate(time.Second)
	time.Sleep(time.Until(t1.Add(500 * time.Millisecond)))
	var before osBalance
	do("GET", "/v1/budget-lines/"+line.ID+"/balance", nil, &before)
	if before.Accrued.Minor != 0 || before.Committed.Minor <= 0 {
		t.Fatalf("balance before rating %+v: want nothing accrued and the workload committed", before)
	}
	var rated struct {
		Charges int `json:"charges_booked"`
	}
	do("POST", "/v1/ledger:rate", map[string]any{"through": t1}, &rated)
	mid := osUsage{}
	for _, iv := range ivs {
		mid.add(iv.Start, t1)
	}
	midAmount, midSecs, midLines := mid.total()
	if midAmount <= 0 || int64(rated.Charges) != midLines {
		t.Fatalf("rating through %s booked %d charges; want %d worth %d (seconds %d)", t1, rated.Charges, midLines, midAmount, midSecs)
	}
	osCheckStatements(t, h, ins.ID, prv, prj.ID, mid)
	var bal osBalance
	do("GET", "/v1/budget-lines/"+line.ID+"/balance", nil, &bal)
	if bal.Accrued.Minor != midAmount || bal.Committed.Minor != before.Committed.Minor-midAmount ||
		bal.Available.Minor != lineAmount-bal.Committed.Minor-bal.Accrued.Minor {
		t.Errorf("balance after rating to T1 %+v; want accrued %d, committed %d", bal, midAmount, before.Committed.Minor-midAmount)
	}
	// Month to date: what is booked plus the unrated usage since T1,
	// priced up to the request's now.
	lo := time.Now()
	var cost osCost
	do("GET", "/v1/workloads/"+wl.ID+"/cost", nil, &cost)
	hi := time.Now().Add(time.Second)
	bounds := [2]osUsage{{}, {}}
	for _, iv := range ivs {
		bounds[0].add(iv.Start, lo)
		bounds[1].add(iv.Start, hi)
	}
	// (the booked part is cut at T1, so these bound it to a minor unit or two)
	loAmt, _, _ := bounds[0].total()
	hiAmt, _, _ := bounds[1].total()
	if cost.MonthToDate.Minor < loAmt-2 || cost.MonthToDate.Minor > hiAmt+2 || cost.ForecastMonthly.Minor != 2*osMonthlyMinor {
		t.Errorf("cost while running %+v; want month to date within [%d, %d], forecast %d", cost, loAmt, hiAmt, 2*osMonthlyMinor)
	}

	// 5. DELETE, a few seconds after T1 so that the final rating has
	// usage of its own: the servers go, and their allocations.
	time.Sleep(time.Until(t1.Add(3 * time.Second)))
	tDelete := time.Now()
	do("DELETE", "/v1/workloads/"+wl.ID, nil, nil)
	osWait(t, h, wl.ID, model.StateDeleted, 2*time.Minute)
	tDeleted := time.Now()
	t.Logf("deleted after %s", tDeleted.Sub(tDelete).Round(time.Millisecond))
	if left := adm.serversOf(t, wl.ID); len(left) != 0 {
		t.Errorf("Nova still has %d servers of the deleted workload: %+v", len(left), left)
	}
	for _, s := range list {
		err := servers.Get(ctx, adm.compute, s.ID).Err
		if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			t.Errorf("GET server %s after delete: %v, want 404", s.ID, err)
		}
		deadline := time.Now().Add(time.Minute)
		for {
			al := adm.allocations(t, s.ID)
			if len(al) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("server %s deleted, its allocations remain: %+v", s.ID, al)
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
	}

	// 6. Final rating: exactly the seconds each replica ran, priced.
	ivs, err = h.Server.Store.Read().WorkloadIntervals(ctx, wl.ID)
	if err != nil {
		t.Fatal(err)
	}
	final := osUsage{}
	for _, iv := range ivs {
		if iv.End == nil || iv.End.Before(tDelete.Truncate(time.Second)) || iv.End.After(tDeleted) {
			t.Fatalf("usage interval %+v: want it closed between %s and %s", iv, tDelete, tDeleted)
		}
		final.add(iv.Start, t1)
		final.add(t1, *iv.End)
	}
	do("POST", "/v1/ledger:rate", map[string]any{}, nil)
	total, secs, lines := final.total()
	t.Logf("charged %d minor BRL for %d replica-seconds in %d ledger lines", total, secs, lines)
	osCheckStatements(t, h, ins.ID, prv, prj.ID, final)
	do("GET", "/v1/workloads/"+wl.ID+"/cost", nil, &cost)
	if (len(final) == 1 && cost.MonthToDate.Minor != total) || cost.Committed.Minor != 0 {
		t.Errorf("cost after delete %+v; want month to date %d, nothing committed", cost, total)
	}
	do("GET", "/v1/budget-lines/"+line.ID+"/balance", nil, &bal)
	if bal.Accrued.Minor != total || bal.Committed.Minor != 0 || bal.Available.Minor != lineAmount-total {
		t.Errorf("balance after delete %+v; want accrued %d, committed 0, available %d", bal, total, lineAmount-total)
	}
}

// osWait polls the workload until it reaches state (failing at once if it
// fails).
func osWait(t *testing.T, h *servertest.Harness, id string, state model.WorkloadState, within time.Duration) osWorkload {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var w osWorkload
		if _, err := h.Admin.Do(context.Background(), "GET", "/v1/workloads/"+id, nil, &w); err != nil {
			t.Fatal(err)
		}
		if w.State == state {
			return w
		}
		if w.State == model.StateFailed || time.Now().After(deadline) {
			t.Fatalf("workload %s is %s (%s), want %s; placements %+v", id, w.State, w.Reason, state, w.Placements)
		}
		h.Server.Reconciler.Kick()
		time.Sleep(250 * time.Millisecond)
	}
}

// osCheckStatements compares the institution's and the provider's
// statements of every month the usage touches with what rating must book.
func osCheckStatements(t *testing.T, h *servertest.Harness, institutionID, providerID, projectID string, want osUsage) {
	t.Helper()
	for month, w := range want {
		for _, by := range []string{"institution_id=" + institutionID, "provider_id=" + providerID} {
			var st osStatement
			if _, err := h.Admin.Do(context.Background(), "GET", "/v1/statements?"+by+"&month="+url.QueryEscape(month), nil, &st); err != nil {
				t.Fatal(err)
			}
			var amount, provAmount, secs, lines int64
			for _, l := range st.Lines {
				if l.ProjectID != projectID && strings.HasPrefix(by, "institution") {
					t.Errorf("statement %s %s: line of project %s", by, month, l.ProjectID)
				}
				if strings.HasPrefix(by, "provider") && l.ProjectID != "" && l.ProjectID != projectID {
					continue // another institution's use of the provider (none expected)
				}
				amount, provAmount = amount+l.Amount.Minor, provAmount+l.ProviderAmount.Minor
				secs, lines = secs+l.UsageSeconds, lines+l.LedgerLines
			}
			if amount != w.amount || provAmount != w.amount || secs != w.seconds || lines != w.lines ||
				st.Total == nil || st.Total.Minor != w.amount || st.Total.Currency != "BRL" {
				b, _ := json.Marshal(st)
				t.Errorf("statement %s %s: %s\nwant %d minor BRL, %d seconds, %d ledger lines", by, month, b, w.amount, w.seconds, w.lines)
			}
		}
	}
}
