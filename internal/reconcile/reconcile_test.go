package reconcile_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// stuckCreate is the sim driver whose first Create blocks until released,
// like an OpenStack POST stuck behind a busy API.
type stuckCreate struct {
	*sim.Driver
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func (d *stuckCreate) Create(ctx context.Context, spec provider.Spec) (string, error) {
	d.stick()
	return d.Driver.Create(ctx, spec)
}

// Ensure is the reconciler's create of a new replica (sim.Driver.Ensure).
func (d *stuckCreate) Ensure(ctx context.Context, spec provider.Spec) (provider.Observed, bool, error) {
	d.stick()
	return d.Driver.Ensure(ctx, spec)
}

// EnsureAll is the reconciler's create of new replicas together
// (sim.Driver.EnsureAll).
func (d *stuckCreate) EnsureAll(ctx context.Context, specs []provider.Spec) []provider.Ensured {
	d.stick()
	return d.Driver.EnsureAll(ctx, specs)
}

// stick blocks the first create until the test releases it.
func (d *stuckCreate) stick() {
	first := false
	d.once.Do(func() { first = true })
	if first {
		close(d.entered)
		// Deaf to ctx, like a hung connection: only the test releases it.
		<-d.release
	}
}

// TestSlowCallHoldsOneWorker: a driver call that hangs holds one worker,
// not the queue: workloads created after it reach running while it
// hangs, the lease (here 600 ms) stays held meanwhile, and once the call
// returns its outcome is recorded — one resource, no second create.
func TestSlowCallHoldsOneWorker(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{Configure: func(c *config.Config) {
		c.Reconcile.LeaseTTL = 600 * time.Millisecond
	}})
	drv := &stuckCreate{Driver: h.Server.Sim, entered: make(chan struct{}), release: make(chan struct{})}
	h.Server.Drivers.Set(sim.Name, drv)
	var released sync.Once
	release := func() { released.Do(func() { close(drv.release) }) }
	t.Cleanup(release) // before the server stops: its workers must end
	ctx := context.Background()
	c := h.Admin
	body := oneReplicaBody(t, h)
	type view struct {
		ID         string `json:"id"`
		State      string `json:"state"`
		Placements []struct {
			ID         string `json:"id"`
			ProviderID string `json:"provider_id"`
		} `json:"placements"`
	}
	var stuck view
	if _, err := c.Do(ctx, "POST", "/v1/workloads", body, &stuck); err != nil {
		t.Fatal(err)
	}
	select {
	case <-drv.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the first create never reached the driver")
	}
	var others []string
	for range 5 {
		var v view
		if _, err := c.Do(ctx, "POST", "/v1/workloads", body, &v); err != nil {
			t.Fatal(err)
		}
		others = append(others, v.ID)
	}
	waitRunning := func(ids ...string) {
		t.Helper()
		for _, id := range ids {
			opstest.Eventually(t, 30*time.Second, "workload "+id+" running", func() (bool, string) {
				var v view
				if _, err := c.Do(ctx, "GET", "/v1/workloads/"+id, nil, &v); err != nil {
					t.Fatal(err)
				}
				if v.State == "failed" {
					t.Fatalf("workload %s is %s", id, v.State)
				}
				return v.State == "running", "it is " + v.State
			})
		}
	}
	waitRunning(others...)
	var v view
	if _, err := c.Do(ctx, "GET", "/v1/workloads/"+stuck.ID, nil, &v); err != nil || v.State == "running" {
		t.Fatalf("the stuck workload is %s (%v) before its create returned", v.State, err)
	}
	if !h.Server.Reconciler.Leader() {
		t.Fatal("the reconciler lost its lease while a driver call hung")
	}
	release()
	waitRunning(stuck.ID)
	res, err := h.Server.Sim.ListResources(ctx, stuck.Placements[0].ProviderID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range res {
		if r.ReplicaID == stuck.Placements[0].ID {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d sim resources for the stuck replica, want 1", n)
	}
}

// TestEnsureCreatesOnceAndObserves: the reconciler's create of a new
// replica (Ensure) makes one resource per replica id — a second call, as
// after a crash between the create and its recording, adopts the same
// resource — and reports what Observe reads (both dialects: on
// PostgreSQL the insert runs outside a transaction).
func TestEnsureCreatesOnceAndObserves(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		d := sim.New(s)
		spec := provider.Spec{ResourceRef: provider.ResourceRef{ProviderID: "prv_x", SiteID: "site_x", WorkloadID: "wl_x", ReplicaID: "pl_x"},
			VCPUs: 1, MemoryMiB: 1024, DiskGiB: 10}
		first, created, err := d.Ensure(ctx, spec)
		if err != nil || !created || !first.Exists || first.State != provider.StateActive {
			t.Fatalf("first ensure: %+v created %v err %v", first, created, err)
		}
		again, created, err := d.Ensure(ctx, spec)
		if err != nil || created || again.ResourceID != first.ResourceID {
			t.Fatalf("second ensure: %+v created %v err %v (first %s)", again, created, err, first.ResourceID)
		}
		seen, err := d.Observe(ctx, spec.ResourceRef)
		if err != nil || !reflect.DeepEqual(seen, first) {
			t.Fatalf("observe: %+v (%v), ensure reported %+v", seen, err, first)
		}
		list, err := s.Read().SimList(ctx, "prv_x")
		if err != nil || len(list) != 1 {
			t.Fatalf("resources: %+v (%v), want one", list, err)
		}
	})
}

// TestEnsureAllCreatesOnceAndAdopts: the sim's create of many new
// replicas in one call (EnsureAll) makes one resource per replica id in
// one insert, adopts the resource a replica already has (as after a
// crash between the create and its recording), stores what a replica
// boots with, and fails only the replica on a site in an outage (both
// dialects: on PostgreSQL the insert runs outside a transaction).
func TestEnsureAllCreatesOnceAndAdopts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		d := sim.New(s)
		spec := func(replica, site string) provider.Spec {
			return provider.Spec{ResourceRef: provider.ResourceRef{ProviderID: "prv_x", SiteID: site, WorkloadID: "wl_x", ReplicaID: replica},
				VCPUs: 1, MemoryMiB: 1024, DiskGiB: 10}
		}
		old, _, err := d.Ensure(ctx, spec("pl_a", "site_x"))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SetOutage(ctx, "prv_x", "site_down", true); err != nil {
			t.Fatal(err)
		}
		booted := spec("pl_c", "site_x")
		booted.UserData = "#cloud-config\n{}\n"
		specs := []provider.Spec{spec("pl_a", "site_x"), spec("pl_b", "site_x"), booted, spec("pl_d", "site_down")}
		first := d.EnsureAll(ctx, specs)
		if len(first) != len(specs) {
			t.Fatalf("%d results for %d specs", len(first), len(specs))
		}
		if e := first[0]; e.Err != nil || e.Created || e.ResourceID != old.ResourceID {
			t.Fatalf("the replica with a resource: %+v, want %s adopted", e, old.ResourceID)
		}
		for _, e := range first[1:3] {
			if e.Err != nil || !e.Created || !e.Exists || e.State != provider.StateActive {
				t.Fatalf("a new replica: %+v", e)
			}
		}
		if e := first[3]; e.Err == nil || e.Exists {
			t.Fatalf("the replica on a site in an outage: %+v, want an error", e)
		}
		again := d.EnsureAll(ctx, specs[:3])
		for i, e := range again {
			if e.Err != nil || e.Created || e.ResourceID != first[i].ResourceID {
				t.Fatalf("again, replica %d: %+v, want %s adopted", i, e, first[i].ResourceID)
			}
			seen, err := d.Observe(ctx, specs[i].ResourceRef)
			if err != nil || !reflect.DeepEqual(seen, e.Observed) {
				t.Fatalf("observe: %+v (%v), ensure reported %+v", seen, err, e.Observed)
			}
		}
		list, err := s.Read().SimList(ctx, "prv_x")
		if err != nil || len(list) != 3 {
			t.Fatalf("resources: %+v (%v), want three", list, err)
		}
		if b, err := s.Read().SimBootOf(ctx, "prv_x", "pl_c"); err != nil || b.UserData != booted.UserData {
			t.Fatalf("boot of pl_c: %+v (%v)", b, err)
		}
	})
}

// TestBootSpecsReadsAsBootSpec: the first-boot inputs of many replicas,
// read in one statement for a batch create (BootSpecs), are each what
// BootSpec reads of the replica alone, and what the sim booted it with.
func TestBootSpecsReadsAsBootSpec(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	var ids []string
	for i := range 4 {
		body := oneReplicaBody(t, h)
		body["user_data"] = "#cloud-config\nruncmd:\n  - echo replica " + string(rune('a'+i)) + "\n"
		var w workloadView
		if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", body, &w); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w.ID)
	}
	var ps []store.PlacementRow
	for _, id := range ids {
		h.WaitRunning(t, id, time.Minute)
		got, err := h.Server.Store.Read().PlacementsOf(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, got...)
	}
	images, userData, errs := h.Server.Workloads.BootSpecs(ctx, ps)
	for i, p := range ps {
		image, ud, err := h.Server.Workloads.BootSpec(ctx, p)
		if err != nil || errs[i] != nil || images[i] != image || userData[i] != ud {
			t.Fatalf("replica %s: BootSpecs %q %q %v, BootSpec %q %q %v", p.ID, images[i], userData[i], errs[i], image, ud, err)
		}
		if !strings.Contains(ud, "echo replica ") {
			t.Fatalf("replica %s boots with %q", p.ID, ud)
		}
		simImage, simUD, err := h.Server.Sim.Boot(ctx, p.ProviderID, p.ID)
		if err != nil || simImage != image || simUD != ud {
			t.Fatalf("the sim booted replica %s with %q %q (%v), want %q %q", p.ID, simImage, simUD, err, image, ud)
		}
	}
}
