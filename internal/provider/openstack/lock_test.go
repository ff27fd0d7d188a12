package openstack

import (
	"sync"
	"testing"
)

// The per-key locks serialize callers of one key and leave nothing behind.
func TestReplicaLockIsPrunedAndExclusive(t *testing.T) {
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
