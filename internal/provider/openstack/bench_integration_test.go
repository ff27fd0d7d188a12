package openstack

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/soberana/soberana/internal/provider"
)

// The boot-time comparison behind scripts/openstack-bench.sh: N servers
// (default 20, half in each AZ) booted by Nova alone — POST /servers with
// 16 in flight (the reconciler allows 32), and GET /servers/detail every
// 250 ms, its poll — and then by the driver (Create + Observe) the same way.
// Runs only with SOBERANA_OS_BENCH=1 beside SOBERANA_TEST_OPENSTACK_CLOUDS.

func benchN(t *testing.T) int {
	if os.Getenv("SOBERANA_OS_BENCH") == "" {
		t.Skip("set SOBERANA_OS_BENCH=1 (with SOBERANA_TEST_OPENSTACK_CLOUDS) to time boots against the test cloud")
	}
	n, _ := strconv.Atoi(os.Getenv("SOBERANA_OS_BENCH_N"))
	if n <= 0 {
		n = 20
	}
	return n
}

// parallel runs fn(i) for i < n with at most 16 in flight.
func parallel(n int, fn func(i int) error) error {
	sem := make(chan struct{}, 16)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs <- fn(i)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// SOBERANA_OS_BENCH_AS says whose servers Nova boots alone: "project"
// (the default) the very requests soberana makes — in a Keystone project
// of an institution made by the driver (the same one every run), with
// the replica metadata — so that the difference is soberana's own;
// "admin" plain servers in the admin's project.
func TestIntegrationBenchNovaDirect(t *testing.T) {
	n := benchN(t)
	e := newITEnv(t, Needs{Instances: int64(n), VCPUs: int64(2 * n), MemoryMiB: int64(4096 * n), DiskGiB: int64(20 * n)})
	ctx := context.Background()
	cfg := realCloud(t)
	compute, asProject := e.cn.compute, os.Getenv("SOBERANA_OS_BENCH_AS") != "admin"
	if asProject {
		e.tenant.ProjectID, e.tenant.InstitutionID = "prj_bench_nova_alone", "inst_bench_nova_alone"
		e.tenant.ProjectName, e.tenant.InstitutionName = "Nova alone (benchmark)", "Benchmark"
		pid, err := e.d.ensureProject(ctx, itProvider, &cfg, e.cn, e.tenant)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.d.ensureQuota(ctx, itProvider, e.cn, pid, e.tenant, e.spec("r0", cfg.Sites[0].SiteID)); err != nil {
			t.Fatal(err)
		}
		if compute, err = e.cn.projectCompute(ctx, pid); err != nil {
			t.Fatal(err)
		}
	}
	flavor, err := e.d.flavorFor(ctx, e.cn, "SCS-2V-4-20s", provider.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	image, err := e.d.imageFor(ctx, e.cn, &cfg, "SCS-2V-4-20s")
	if err != nil {
		t.Fatal(err)
	}
	prefix := randID("nova-direct-")
	ids := make([]string, n)
	start := time.Now()
	err = parallel(n, func(i int) error {
		o := servers.CreateOpts{Name: prefix + "-" + strconv.Itoa(i), FlavorRef: flavor,
			ImageRef: image, Networks: "none", AvailabilityZone: cfg.Sites[i%2].AZ}
		if asProject {
			o.Metadata = map[string]string{MetaWorkload: randID("wl_"), MetaReplica: randID("pl_")}
		}
		s, err := servers.Create(ctx, compute, o, nil).Extract()
		if err == nil {
			ids[i] = s.ID
		}
		return err
	})
	posted := time.Since(start)
	t.Cleanup(func() {
		for _, id := range ids {
			if id != "" {
				_ = servers.Delete(context.Background(), e.cn.compute, id).ExtractErr()
			}
		}
		// Wait until Nova has finished deleting them, so that the next
		// measurement (soberana's, in scripts/openstack-bench.sh) does not
		// share the cloud with these deletions.
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
			if list, err := e.d.listServers(context.Background(), e.cn, "^"+prefix); err == nil && len(list) == 0 {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for {
		list, err := e.d.listServers(ctx, e.cn, "^"+prefix)
		if err != nil {
			t.Fatal(err)
		}
		active := 0
		for _, s := range list {
			switch s.Status {
			case "ACTIVE":
				active++
			case "ERROR":
				t.Fatalf("server %s: ERROR %s", s.ID, s.Fault.Message)
			}
		}
		if active == n {
			break
		}
		if time.Since(start) > 10*time.Minute {
			t.Fatalf("%d of %d ACTIVE after 10 min", active, n)
		}
		time.Sleep(250 * time.Millisecond)
	}
	d := time.Since(start)
	t.Logf("NOVA_DIRECT n=%d as=%s posts=%.2fs all_active=%.2fs", n, map[bool]string{true: "project", false: "admin"}[asProject], posted.Seconds(), d.Seconds())
}

// callCounter counts the driver's HTTP calls by method and first path
// segment after the version, with their total time.
type callCounter struct {
	rt http.RoundTripper
	mu sync.Mutex
	n  map[string]int
	d  map[string]time.Duration
}

func (c *callCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	t0 := time.Now()
	resp, err := c.rt.RoundTrip(r)
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	key := r.Method + " " + r.URL.Host + " " + strings.Join(parts[min(1, len(parts)-1):min(2, len(parts))], "/")
	c.mu.Lock()
	c.n[key]++
	c.d[key] += time.Since(t0)
	c.mu.Unlock()
	return resp, err
}

func (c *callCounter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for k, n := range c.n {
		fmt.Fprintf(&b, "\n  %-45s %4d calls %7.2fs", k, n, c.d[k].Seconds())
	}
	return b.String()
}

func TestIntegrationBenchDriver(t *testing.T) {
	n := benchN(t)
	e := newITEnv(t, Needs{Instances: int64(n), VCPUs: int64(2 * n), MemoryMiB: int64(4096 * n), DiskGiB: int64(20 * n)})
	ctx := context.Background()
	cc := &callCounter{n: map[string]int{}, d: map[string]time.Duration{}}
	look := e.d.look
	e.d = New(e.d.cfgs, look)
	e.d.wrapTransport = func(rt http.RoundTripper) http.RoundTripper { cc.rt = rt; return cc }
	if cn, err := e.d.conn(ctx, itProvider, realCloud(t).Clouds[0]); err != nil {
		t.Fatal(err)
	} else {
		e.cn = cn
	}
	if os.Getenv("SOBERANA_OS_BENCH_COLD") == "" {
		// steady state: the soberana project's Keystone project and quota exist
		cfg := realCloud(t)
		_ = cfg.Validate()
		pid, err := e.d.ensureProject(ctx, itProvider, &cfg, e.cn, e.tenant)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.d.ensureQuota(ctx, itProvider, e.cn, pid, e.tenant, provider.Spec{VCPUs: 2, MemoryMiB: 4096}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.cn.projectCompute(ctx, pid); err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.imageFor(ctx, e.cn, &cfg, "SCS-2V-4-20s"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.listFlavors(ctx, e.cn); err != nil {
			t.Fatal(err)
		}
		cc.mu.Lock()
		clear(cc.n)
		clear(cc.d)
		cc.mu.Unlock()
	}
	specs := make([]provider.Spec, n)
	for i := range specs {
		specs[i] = e.spec(randID("plc_"), []string{itSite1, itSite2}[i%2])
	}
	t.Cleanup(func() {
		_ = parallel(n, func(i int) error { return e.d.Delete(context.Background(), specs[i].ResourceRef) })
	})
	start := time.Now()
	if err := parallel(n, func(i int) error {
		// as the reconciler does: Observe, then Create when nothing is there
		if o, err := e.d.Observe(ctx, specs[i].ResourceRef); err != nil || o.Exists {
			return err
		}
		id, err := e.d.Create(ctx, specs[i])
		specs[i].ResourceID = id
		return err
	}); err != nil {
		t.Fatal(err)
	}
	posted := time.Since(start)
	done := make([]bool, n)
	for left := n; left > 0; {
		time.Sleep(250 * time.Millisecond)
		var mu sync.Mutex
		if err := parallel(n, func(i int) error {
			if done[i] {
				return nil
			}
			o, err := e.d.Observe(ctx, specs[i].ResourceRef)
			if err != nil {
				return err
			}
			if o.State == provider.StateError {
				t.Errorf("replica %d: %s", i, o.Reason)
			}
			if o.State == provider.StateActive {
				mu.Lock()
				done[i] = true
				left--
				mu.Unlock()
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if t.Failed() || time.Since(start) > 10*time.Minute {
			t.FailNow()
		}
	}
	t.Logf("DRIVER n=%d cold=%v observe+create=%.2fs all_active=%.2fs; HTTP calls:%s", n, os.Getenv("SOBERANA_OS_BENCH_COLD") != "",
		posted.Seconds(), time.Since(start).Seconds(), cc)
}
