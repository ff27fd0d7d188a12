package openstack

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	cquotas "github.com/gophercloud/gophercloud/v2/openstack/compute/v2/quotasets"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/domains"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"
	"github.com/gophercloud/gophercloud/v2/openstack/placement/v1/allocations"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/openstack/openstacktest"
)

// Integration tests against a real OpenStack: the all-in-one cloud of
// scripts/openstack-aio.sh (source .ci/openstack.env). They drive the
// driver through the provider contract directly.

const (
	itProvider = "prv-os-it"
	itSite1    = "site-os-az1"
	itSite2    = "site-os-az2"
)

// realCloud returns the config of the test cloud, or skips.
func realCloud(t testing.TB) Config {
	t.Helper()
	aio := openstacktest.AIO(t)
	path, name := aio.CloudsYAML, aio.Name
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	cl, err := ParseCloudsYAML(data, name, filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	return Config{Clouds: []Cloud{cl}, Images: map[string]string{"*": "soberana-tiny"},
		Sites: []SiteMap{{SiteID: itSite1, Cloud: name, AZ: aio.AZs[0]}, {SiteID: itSite2, Cloud: name, AZ: aio.AZs[1]}}}
}

func randID(prefix string) string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

type itEnv struct {
	d      *Driver
	cn     *conn
	tenant Tenant
}

func newITEnv(t *testing.T, needs Needs) *itEnv {
	cfg := realCloud(t)
	ten := Tenant{ProjectID: randID("prj_"), ProjectName: "Historia clínica", InstitutionID: randID("inst_"),
		InstitutionName: "Hospital General", Offering: "SCS-2V-4-20s"}
	d := New(MemConfigs{itProvider: cfg}, fakeLookup{tenant: ten, needs: needs,
		offerings: []string{"SCS-1V-2-20s", "SCS-2V-4-20s", "SCS-2V-8-50", "SCS-16V-64-200s"}})
	ctx := context.Background()
	cn, err := d.conn(ctx, itProvider, cfg.Clouds[0])
	if err != nil {
		t.Fatalf("connecting to the test cloud: %v", err)
	}
	return &itEnv{d: d, cn: cn, tenant: ten}
}

func (e *itEnv) spec(replica, site string) provider.Spec {
	return provider.Spec{ResourceRef: provider.ResourceRef{ProviderID: itProvider, SiteID: site, WorkloadID: "wl_" + replica,
		ReplicaID: replica}, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 20}
}

// serversOf lists the servers (all projects) that carry a replica id.
func (e *itEnv) serversOf(t *testing.T, replica string) []servers.Server {
	t.Helper()
	list, err := e.d.listServers(context.Background(), e.cn, "^"+regexp.QuoteMeta(ServerName(replica))+"$")
	if err != nil {
		t.Fatal(err)
	}
	var out []servers.Server
	for _, s := range list {
		if s.Metadata[MetaReplica] == replica && !gone(&s) {
			out = append(out, s)
		}
	}
	return out
}

// waitState polls Observe until the replica reaches state (or error).
func (e *itEnv) waitState(t *testing.T, ref provider.ResourceRef, want string, within time.Duration) provider.Observed {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		o, err := e.d.Observe(context.Background(), ref)
		if err != nil {
			t.Fatalf("Observe %s: %v", ref.ReplicaID, err)
		}
		if o.State == want || (o.State == provider.StateError && want != provider.StateError) {
			if o.State != want {
				t.Fatalf("replica %s: state %s (%s), want %s", ref.ReplicaID, o.State, o.Reason, want)
			}
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s: still %+v after %s", ref.ReplicaID, o, within)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func (e *itEnv) waitGone(t *testing.T, ref provider.ResourceRef, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		o, err := e.d.Observe(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		if !o.Exists {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s still exists after %s: %+v", ref.ReplicaID, within, o)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func (e *itEnv) cleanup(t *testing.T, refs ...provider.ResourceRef) {
	t.Cleanup(func() {
		for _, r := range refs {
			_ = e.d.Delete(context.Background(), r)
		}
	})
}

func TestIntegrationDiscover(t *testing.T) {
	e := newITEnv(t, Needs{})
	dis, err := e.d.DiscoverDetail(context.Background(), itProvider)
	if err != nil {
		t.Fatal(err)
	}
	if len(dis.Sites) != 2 {
		t.Fatalf("sites %+v, want 2", dis.Sites)
	}
	hosts := map[string]bool{}
	for _, s := range dis.Sites {
		t.Logf("site %s (AZ %s): %s, hosts %v, capacity %+v, used %+v, ratios %+v, from %s %v", s.SiteID, s.AZ, s.Health,
			s.Hosts, s.Capacity, s.Used, s.Ratios, s.Source, s.Problems)
		if s.Health != "healthy" || s.Source != "placement" || s.Capacity.VCPUs <= 0 || s.Capacity.MemoryMiB <= 0 ||
			s.Capacity.DiskGiB <= 0 || s.Ratios.VCPU <= 0 || len(s.Hosts) == 0 {
			t.Errorf("site %s: %+v", s.SiteID, s)
		}
		for _, h := range s.Hosts {
			if hosts[h] {
				t.Errorf("host %s in two AZs", h)
			}
			hosts[h] = true
		}
	}
	by := map[string]string{}
	for _, f := range dis.Flavors {
		by[f.Offering] = f.MatchedBy
	}
	if by["SCS-2V-4-20s"] != "name" || by["SCS-2V-8-50"] != "scs:name-v2" {
		t.Errorf("flavor matches %+v", dis.Flavors)
	}
	if len(dis.Missing) != 1 || dis.Missing[0].Offering != "SCS-16V-64-200s" {
		t.Errorf("missing %+v, want SCS-16V-64-200s", dis.Missing)
	}
	for i := range 2 { // the second call reuses the capacity, reads health live
		t0 := time.Now()
		sites, err := e.d.Discover(context.Background(), itProvider)
		if err != nil || len(sites) != 2 || sites[0].Capacity.VCPUs <= 0 || sites[0].Health != "healthy" {
			t.Fatalf("Discover = %+v, %v", sites, err)
		}
		t.Logf("Discover %d: %s", i+1, time.Since(t0))
	}
}

func TestIntegrationTwoReplicasOnDistinctAZs(t *testing.T) {
	e := newITEnv(t, Needs{Instances: 2, VCPUs: 4, MemoryMiB: 8192, DiskGiB: 40})
	ctx := context.Background()
	specs := []provider.Spec{e.spec(randID("plc_"), itSite1), e.spec(randID("plc_"), itSite2)}
	e.cleanup(t, specs[0].ResourceRef, specs[1].ResourceRef)
	for _, s := range specs {
		if o, err := e.d.Observe(ctx, s.ResourceRef); err != nil || o.Exists {
			t.Fatalf("before create: %+v %v", o, err)
		}
	}
	ids := make([]string, 2)
	errs := make(chan error, 2)
	for i, s := range specs {
		go func() {
			var err error
			ids[i], err = e.d.Create(ctx, s)
			errs <- err
		}()
	}
	for range specs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	azs := map[string]bool{}
	var projectID string
	for i, s := range specs {
		o := e.waitState(t, s.ResourceRef, provider.StateActive, 2*time.Minute)
		if o.ResourceID != ids[i] {
			t.Errorf("observed %s, created %s", o.ResourceID, ids[i])
		}
		list := e.serversOf(t, s.ReplicaID)
		if len(list) != 1 {
			t.Fatalf("replica %s has %d servers", s.ReplicaID, len(list))
		}
		srv := list[0]
		azs[srv.AvailabilityZone] = true
		projectID = srv.TenantID
		if srv.Metadata[MetaWorkload] != s.WorkloadID {
			t.Errorf("metadata %v", srv.Metadata)
		}
		a, err := allocations.Get(ctx, e.cn.placement, srv.ID).Extract()
		if err != nil || len(a.Allocations) == 0 {
			t.Fatalf("Placement allocations of %s: %+v %v", srv.ID, a, err)
		}
		for rp, pa := range a.Allocations {
			t.Logf("server %s in %s on host %s: allocation on %s %v", srv.ID, srv.AvailabilityZone, srv.Host, rp, pa.Resources)
			if pa.Resources["VCPU"] != 2 || pa.Resources["MEMORY_MB"] != 4096 {
				t.Errorf("allocation %v", pa.Resources)
			}
		}
	}
	if len(azs) != 2 {
		t.Errorf("servers in AZs %v, want two distinct", azs)
	}
	// The Keystone project of the soberana project, in its institution's domain, with quotas set.
	p, err := projects.Get(ctx, e.cn.identity, projectID).Extract()
	if err != nil {
		t.Fatal(err)
	}
	dom, err := domains.Get(ctx, e.cn.identity, p.DomainID).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != ProjectName(e.tenant.ProjectID) || dom.Name != "soberana-"+e.tenant.InstitutionID {
		t.Errorf("server in project %s of domain %s", p.Name, dom.Name)
	}
	q, err := cquotas.GetDetail(ctx, e.cn.compute, projectID).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if q.Instances.Limit != 2 || q.Cores.Limit != 4 || q.RAM.Limit != 8192 || q.Instances.InUse != 2 {
		t.Errorf("quota instances %+v cores %+v ram %+v; want limits 2/4/8192", q.Instances, q.Cores, q.RAM)
	}
	res, err := e.d.ListResources(ctx, itProvider)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, r := range res {
		if r.ReplicaID == specs[0].ReplicaID && r.SiteID == itSite1 || r.ReplicaID == specs[1].ReplicaID && r.SiteID == itSite2 {
			seen++
		}
	}
	if seen != 2 {
		t.Errorf("ListResources found %d of 2 (%+v)", seen, res)
	}
	// Delete removes them, and their allocations; the project now needs
	// nothing, and its quotas come down to that once Nova frees the usage.
	e.d.look = fakeLookup{tenant: e.tenant}
	e.d.QuotaShrinkDelay = 500 * time.Millisecond
	for i, s := range specs {
		if err := e.d.Delete(ctx, s.ResourceRef); err != nil {
			t.Fatal(err)
		}
		e.waitGone(t, s.ResourceRef, time.Minute)
		// Nova's compute frees the allocation just after it destroys the
		// instance record, so the server can be gone a moment before it.
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			a, err := allocations.Get(ctx, e.cn.placement, ids[i]).Extract()
			if err == nil && len(a.Allocations) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("allocations 30 s after delete: %+v %v", a.Allocations, err)
			}
		}
		if err := e.d.Delete(ctx, s.ResourceRef); err != nil {
			t.Errorf("deleting again: %v", err)
		}
	}
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(250 * time.Millisecond) {
		q, err = cquotas.GetDetail(ctx, e.cn.compute, projectID).Extract()
		if err != nil {
			t.Fatal(err)
		}
		if q.Instances.Limit == 0 && q.Cores.Limit == 0 && q.RAM.Limit == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("quota after the deletes: instances %+v cores %+v ram %+v; want limits 0/0/0", q.Instances, q.Cores, q.RAM)
		}
	}
}

func TestIntegrationGrantMirrored(t *testing.T) {
	e := newITEnv(t, Needs{})
	ctx := context.Background()
	g := Grant{ID: randID("grt_"), ProjectID: e.tenant.ProjectID, InstitutionID: e.tenant.InstitutionID,
		VendorID: randID("vnd_"), ExpiresAt: time.Now().Add(24 * time.Hour)}
	if ok, err := e.d.HasGrant(ctx, itProvider, g); err != nil || ok {
		t.Fatalf("before: %v %v", ok, err)
	}
	if err := e.d.MirrorGrant(ctx, itProvider, g); err != nil {
		t.Fatal(err)
	}
	if err := e.d.MirrorGrant(ctx, itProvider, g); err != nil {
		t.Fatalf("mirroring twice: %v", err)
	}
	if ok, err := e.d.HasGrant(ctx, itProvider, g); err != nil || !ok {
		t.Fatalf("after mirror: %v %v", ok, err)
	}
	if err := e.d.WithdrawGrant(ctx, itProvider, g); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.d.HasGrant(ctx, itProvider, g); err != nil || ok {
		t.Fatalf("after withdraw: %v %v", ok, err)
	}
	if err := e.d.WithdrawGrant(ctx, itProvider, g); err != nil {
		t.Fatalf("withdrawing twice: %v", err)
	}
}

// TestIntegrationCrashDuringCreate kills a process in the middle of Create
// — Nova has accepted POST /servers, the driver has not yet read the
// answer — and then creates again from a fresh driver, as a restarted
// soberana would: the server is adopted by its metadata, never doubled.
func TestIntegrationCrashDuringCreate(t *testing.T) {
	if os.Getenv("SOBERANA_OS_CRASH_CHILD") != "" {
		return // the child's work is in TestIntegrationCrashChild
	}
	e := newITEnv(t, Needs{Instances: 1, VCPUs: 2, MemoryMiB: 4096})
	s := e.spec(randID("plc_"), itSite2)
	e.cleanup(t, s.ResourceRef)
	child := exec.Command(os.Args[0], "-test.run=^TestIntegrationCrashChild$", "-test.count=1")
	child.Env = append(os.Environ(), "SOBERANA_OS_CRASH_CHILD="+s.ReplicaID,
		"SOBERANA_OS_CRASH_PROJECT="+e.tenant.ProjectID, "SOBERANA_OS_CRASH_INST="+e.tenant.InstitutionID)
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	posted := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "POSTED") {
				posted <- true
			}
		}
		close(posted)
	}()
	select {
	case ok := <-posted:
		if !ok {
			t.Fatal("the child ended without posting the server")
		}
	case <-time.After(2 * time.Minute):
		_ = child.Process.Kill()
		t.Fatal("the child never posted the server")
	}
	_ = child.Process.Signal(syscall.SIGKILL)
	_ = child.Wait()
	if n := len(e.serversOf(t, s.ReplicaID)); n != 1 {
		t.Fatalf("after the crash Nova has %d servers for the replica, want 1", n)
	}
	// "Restart": a new driver, nothing cached, no resource id known.
	e2 := newITEnv(t, Needs{Instances: 1, VCPUs: 2, MemoryMiB: 4096})
	e2.d.look = fakeLookup{tenant: Tenant{ProjectID: e.tenant.ProjectID, InstitutionID: e.tenant.InstitutionID, Offering: "SCS-2V-4-20s"},
		needs: Needs{Instances: 1, VCPUs: 2, MemoryMiB: 4096}}
	o, err := e2.d.Observe(context.Background(), s.ResourceRef)
	if err != nil || !o.Exists {
		t.Fatalf("after restart Observe = %+v, %v; want the server found by metadata", o, err)
	}
	id, err := e2.d.Create(context.Background(), s)
	if err != nil || id != o.ResourceID {
		t.Fatalf("Create after restart = %q, %v; want adoption of %s", id, err, o.ResourceID)
	}
	e2.waitState(t, s.ResourceRef, provider.StateActive, 2*time.Minute)
	if n := len(e2.serversOf(t, s.ReplicaID)); n != 1 {
		t.Fatalf("%d servers for one replica", n)
	}
}

// TestIntegrationCrashChild is the process TestIntegrationCrashDuringCreate kills.
func TestIntegrationCrashChild(t *testing.T) {
	replica := os.Getenv("SOBERANA_OS_CRASH_CHILD")
	if replica == "" {
		t.Skip("only runs as the child of TestIntegrationCrashDuringCreate")
	}
	e := newITEnv(t, Needs{Instances: 1, VCPUs: 2, MemoryMiB: 4096})
	e.d.look = fakeLookup{tenant: Tenant{ProjectID: os.Getenv("SOBERANA_OS_CRASH_PROJECT"),
		InstitutionID: os.Getenv("SOBERANA_OS_CRASH_INST"), Offering: "SCS-2V-4-20s"}, needs: Needs{Instances: 1, VCPUs: 2, MemoryMiB: 4096}}
	// a fresh driver: its connections go through the crashing transport
	e.d = New(e.d.cfgs, e.d.look)
	e.d.wrapTransport = func(rt http.RoundTripper) http.RoundTripper { return crashAfterPost{rt} }
	_, err := e.d.Create(context.Background(), e.spec(replica, itSite2))
	fmt.Fprintln(os.Stderr, "child create returned (the parent should have killed it first):", err)
	time.Sleep(time.Hour)
}

// crashAfterPost lets POST /servers reach Nova, then tells the parent and
// hangs before the driver sees the answer, until the parent kills it.
type crashAfterPost struct{ rt http.RoundTripper }

func (c crashAfterPost) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/servers") {
		fmt.Println("POSTED")
		select {}
	}
	return resp, err
}

// TestIntegrationTimeoutNeverDuplicates gives Create a deadline shorter
// than Nova's POST /servers, then creates again: one server.
func TestIntegrationTimeoutNeverDuplicates(t *testing.T) {
	e := newITEnv(t, Needs{Instances: 1, VCPUs: 2, MemoryMiB: 4096})
	s := e.spec(randID("plc_"), itSite1)
	e.cleanup(t, s.ResourceRef)
	// warm the caches (project, quota, flavors) so the deadline hits the POST
	if _, err := e.d.ensureProject(context.Background(), itProvider, &Config{DomainPrefix: "soberana-"}, e.cn, e.tenant); err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{150 * time.Millisecond, 400 * time.Millisecond, 2 * time.Minute} {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		id, err := e.d.Create(ctx, s)
		cancel()
		t.Logf("Create with %s deadline: %q %v", d, id, err)
		if err != nil && !errors.Is(err, provider.ErrUnavailable) {
			t.Fatalf("a timeout must be retryable: %v", err)
		}
	}
	e.waitState(t, s.ResourceRef, provider.StateActive, 2*time.Minute)
	if n := len(e.serversOf(t, s.ReplicaID)); n != 1 {
		t.Fatalf("%d servers for one replica after timeouts", n)
	}
}

// TestIntegrationNoCinderSkipsCleanly: the AIO cloud has no Cinder; the
// volume calls say so with ErrUnsupported, and deleting succeeds.
func TestIntegrationNoCinderSkipsCleanly(t *testing.T) {
	e := newITEnv(t, Needs{})
	ctx := context.Background()
	ref := e.spec(randID("plc_"), itSite1).ResourceRef
	has, err := e.d.HasVolumes(ctx, itProvider, itSite1)
	if err != nil {
		t.Fatal(err)
	}
	if has {
		t.Skip("this cloud has Cinder")
	}
	if _, err := e.d.EnsureVolume(ctx, ref, 1); !errors.Is(err, provider.ErrUnsupported) {
		t.Fatalf("EnsureVolume without Cinder: %v", err)
	}
	if err := e.d.DeleteVolume(ctx, ref); err != nil {
		t.Fatalf("DeleteVolume without Cinder: %v", err)
	}
}

// TestIntegrationSyncGrants drives the level-triggered form with grants as
// internal/auth stores them: two vendors, then one revoked, then none.
func TestIntegrationSyncGrants(t *testing.T) {
	e := newITEnv(t, Needs{})
	ctx := context.Background()
	g1 := model.Grant{ProjectID: e.tenant.ProjectID, InstitutionID: e.tenant.InstitutionID, UserID: randID("usr_"), Role: "developer"}
	g2 := model.Grant{ProjectID: e.tenant.ProjectID, InstitutionID: e.tenant.InstitutionID, UserID: randID("usr_"), Role: "viewer"}
	has := func(g model.Grant) bool {
		ok, err := e.d.HasGrant(ctx, itProvider, Grant{ProjectID: g.ProjectID, InstitutionID: g.InstitutionID, VendorID: g.UserID})
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if err := e.d.SyncGrants(ctx, itProvider, e.tenant.ProjectID, []model.Grant{g1, g2}); err != nil {
		t.Fatal(err)
	}
	if !has(g1) || !has(g2) {
		t.Fatal("grants not mirrored")
	}
	if err := e.d.SyncGrants(ctx, itProvider, e.tenant.ProjectID, []model.Grant{g2}); err != nil {
		t.Fatal(err)
	}
	if has(g1) || !has(g2) {
		t.Fatal("revoked grant still mirrored, or the other lost")
	}
	e.d.look = projectLookup{fakeLookup{tenant: e.tenant}}
	if err := e.d.SyncGrants(ctx, itProvider, e.tenant.ProjectID, nil); err != nil {
		t.Fatal(err)
	}
	if has(g2) {
		t.Fatal("expired grant still mirrored")
	}
}

type projectLookup struct{ fakeLookup }

func (p projectLookup) ProjectTenant(context.Context, string) (Tenant, error) { return p.tenant, nil }
