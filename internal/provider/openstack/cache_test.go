package openstack

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/provider"
)

// The per-key locks serialize callers of one key and leave nothing behind.
func TestReplicaLockIsPrunedAndExclusive(t *testing.T) {
	t.Parallel()
	d := New(nil, nil)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		inside  = map[string]int{}
		overlap bool
	)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := []string{"a", "b", "c"}[i%3]
			unlock := d.replicaLock(key)
			mu.Lock()
			inside[key]++
			if inside[key] > 1 {
				overlap = true
			}
			mu.Unlock()
			mu.Lock()
			inside[key]--
			mu.Unlock()
			unlock()
		}()
	}
	wg.Wait()
	if overlap {
		t.Fatal("two holders of one key at once")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.replicas) != 0 {
		t.Fatalf("%d locks left in the map, want 0", len(d.replicas))
	}
}

// shrinkQuota lowers each limit to the project's need, never below Nova's
// usage (and then asks to be tried again), never raises, and leaves the
// limits it set for the next create to compare against.
func TestShrinkQuotaLowersToNeedNotBelowUsage(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	d, cn := fakeConn(t, f)
	ctx := context.Background()
	f.quota = map[string]map[string][2]int{"kp": {"instances": {10, 3}, "cores": {20, 6}, "ram": {40960, 12288}}}
	d.look = fakeLookup{needs: Needs{Instances: 1, VCPUs: 2, MemoryMiB: 4096}}
	again, err := d.shrinkQuota(ctx, "prv-1", cn, "kp", "prj-1")
	if err != nil || !again {
		t.Fatalf("with deletes still counted: again=%v err=%v, want again", again, err)
	}
	if q := f.quota["kp"]; q["instances"][0] != 3 || q["cores"][0] != 6 || q["ram"][0] != 12288 {
		t.Fatalf("limits %v, want the usage 3/6/12288", q)
	}
	// The deletes complete: down to the need.
	f.quota["kp"] = map[string][2]int{"instances": {3, 1}, "cores": {6, 2}, "ram": {12288, 4096}}
	if again, err := d.shrinkQuota(ctx, "prv-1", cn, "kp", "prj-1"); err != nil || again {
		t.Fatalf("again=%v err=%v", again, err)
	}
	if q := f.quota["kp"]; q["instances"][0] != 1 || q["cores"][0] != 2 || q["ram"][0] != 4096 {
		t.Fatalf("limits %v, want the need 1/2/4096", q)
	}
	if got := d.quotas["fake/kp"]; got != (Needs{Instances: 1, VCPUs: 2, MemoryMiB: 4096}) {
		t.Fatalf("remembered limits %+v", got)
	}
	// A need above the limits is not the lowering's to meet.
	d.look = fakeLookup{needs: Needs{Instances: 5, VCPUs: 10, MemoryMiB: 20480}}
	f.callCount()
	if again, err := d.shrinkQuota(ctx, "prv-1", cn, "kp", "prj-1"); err != nil || again {
		t.Fatalf("again=%v err=%v", again, err)
	}
	if n := f.callCount()["PUT /os-quota-sets/kp"]; n != 0 {
		t.Fatalf("%d PUTs, want none", n)
	}
}

// A burst of creates costs the cloud one flavor list: when nothing is
// cached, all wait for one call; when the cache is stale, all use it and
// one call refreshes it behind them.
func TestFlavorListOncePerBurst(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	d, cn := fakeConn(t, f)
	ctx := context.Background()
	f.delay = 20 * time.Millisecond // the callers overlap the call (the count holds either way)
	burst := func() {
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if id, err := d.flavorFor(ctx, cn, "SCS-2V-4-20s", provider.Spec{}); err != nil || id != "f1" {
					t.Errorf("flavorFor = %q, %v", id, err)
				}
			}()
		}
		wg.Wait()
	}
	f.callCount()
	burst()
	if n := f.callCount()["GET /flavors/detail"]; n != 1 {
		t.Fatalf("cold burst: %d flavor lists, want 1", n)
	}
	key := cn.cloud.Name + "@" + cn.cloud.AuthURL
	d.mu.Lock()
	fc := d.flavors[key]
	fc.at = time.Now().Add(-2 * flavorTTL)
	d.flavors[key] = fc
	d.mu.Unlock()
	burst()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		d.mu.Lock()
		fresh := time.Since(d.flavors[key].at) < flavorTTL
		d.mu.Unlock()
		if fresh {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stale list was not refreshed")
		}
	}
	if n := f.callCount()["GET /flavors/detail"]; n != 1 {
		t.Fatalf("stale burst: %d flavor lists, want 1", n)
	}
}

// fakeConn returns a driver over the fake cloud and its connection.
func fakeConn(t *testing.T, f *fakeCloud) (*Driver, *conn) {
	t.Helper()
	d := fakeDriver(t, f)
	cfg, err := d.config(context.Background(), "prv-1")
	if err != nil {
		t.Fatal(err)
	}
	cn, err := d.conn(context.Background(), "prv-1", cfg.Clouds[0])
	if err != nil {
		t.Fatal(err)
	}
	return d, cn
}
