package openstack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/provider"
)

// land records a server for the replica as Nova does when it finishes a
// create whose client had given up: later than the POST's answer.
func (f *fakeCloud) land(replica string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	id := fmt.Sprintf("00000000-0000-0000-0000-%012d", f.nextID)
	f.servers[id] = map[string]any{"id": id, "name": ServerName(replica), "status": "BUILD",
		"metadata":                    map[string]any{MetaWorkload: "wl-1", MetaReplica: replica},
		"OS-EXT-AZ:availability_zone": "az-1", "created": time.Now().UTC().Format(time.RFC3339),
		"flavor": map[string]any{"original_name": "SCS-2V-4-20s"}}
	return id
}

// TestCreateInDoubtWaitsForTheLateServer is the duplicate the integration
// test once saw: the POST fails without a known outcome (a gateway timeout,
// a 5xx after Nova had the request), the look right after finds nothing,
// the reconciler observes the replica absent and retries Create — and Nova
// only then finishes the first create. The retry must not POST a second
// server: it returns a retryable error until the late server shows, then
// adopts it.
func TestCreateInDoubtWaitsForTheLateServer(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			f, d := failingCreates(t, status, "computeFault", "upstream timed out")
			d.CreateSettle = time.Hour // the bound is tested below, with a moved clock
			ctx := context.Background()
			if _, err := d.Create(ctx, spec("r1")); !errors.Is(err, provider.ErrUnavailable) {
				t.Fatalf("first Create: %v, want a retryable error", err)
			}
			f.onCreate = nil
			// The reconciler observes before retrying: absent, as far as any
			// list taken so far can tell.
			if o, err := d.Observe(ctx, spec("r1").ResourceRef); err != nil || o.Exists {
				t.Fatalf("Observe = %+v, %v; want absent", o, err)
			}
			if id, err := d.Create(ctx, spec("r1")); !errors.Is(err, provider.ErrUnavailable) {
				t.Fatalf("Create while the first one is in doubt = %q, %v; want a retryable error and no POST", id, err)
			}
			late := f.land("r1") // Nova finishes the first create
			id, err := d.Create(ctx, spec("r1"))
			if err != nil || id != late {
				t.Fatalf("Create after the late server landed = %q, %v; want %q adopted", id, err, late)
			}
			if f.count() != 1 || f.posts != 1 {
				t.Errorf("servers %d, POSTs %d; want 1 and 1 (no duplicate)", f.count(), f.posts)
			}
			// Created and adopted: the doubt is over, and Create adopts as usual.
			if id2, err := d.Create(ctx, spec("r1")); err != nil || id2 != late {
				t.Fatalf("Create once adopted = %q, %v", id2, err)
			}
		})
	}
}

// timeoutPost is a transport on which POST /servers reaches nothing and
// ends as a client timeout (Keystone ate the call's time budget).
type timeoutPost struct {
	next  http.RoundTripper
	posts *atomic.Int32
}

func (t timeoutPost) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/servers") {
		t.posts.Add(1)
		return nil, fmt.Errorf("post %s: %w", r.URL, os.ErrDeadlineExceeded)
	}
	return t.next.RoundTrip(r)
}

// TestCreateClientTimeoutWaitsForTheLateServer: the same with the POST
// ending in a client timeout, the way the integration test met it.
func TestCreateClientTimeoutWaitsForTheLateServer(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	d := fakeDriver(t, f)
	d.CreateSettle = time.Hour
	var posts atomic.Int32
	d.wrapTransport = func(rt http.RoundTripper) http.RoundTripper { return timeoutPost{rt, &posts} }
	ctx := context.Background()
	if _, err := d.Create(ctx, spec("r1")); !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("first Create: %v, want a retryable error", err)
	}
	if _, err := d.Observe(ctx, spec("r1").ResourceRef); err != nil {
		t.Fatal(err)
	}
	if id, err := d.Create(ctx, spec("r1")); !errors.Is(err, provider.ErrUnavailable) || posts.Load() != 1 {
		t.Fatalf("Create while in doubt = %q, %v, %d POSTs; want a retryable error and no second POST", id, err, posts.Load())
	}
	late := f.land("r1")
	if id, err := d.Create(ctx, spec("r1")); err != nil || id != late || f.count() != 1 {
		t.Fatalf("Create after the late server = %q, %v, servers %d; want %q alone", id, err, f.count(), late)
	}
}

// TestCreateInDoubtIsBounded: when no server shows for the settle time
// after the doubtful POST, that POST made nothing and Create posts again
// (the replica is not stuck).
func TestCreateInDoubtIsBounded(t *testing.T) {
	t.Parallel()
	f, d := failingCreates(t, 504, "computeFault", "gateway timeout")
	now := time.Now()
	d.now = func() time.Time { return now }
	ctx := context.Background()
	if _, err := d.Create(ctx, spec("r1")); !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("first Create: %v", err)
	}
	f.onCreate = nil
	now = now.Add(d.CreateSettle - time.Second)
	if _, err := d.Create(ctx, spec("r1")); !errors.Is(err, provider.ErrUnavailable) || f.posts != 1 {
		t.Fatalf("Create within the settle time: %v, POSTs %d; want a retryable error and 1 POST", err, f.posts)
	}
	now = now.Add(2 * time.Second)
	id, err := d.Create(ctx, spec("r1"))
	if err != nil || id == "" || f.posts != 2 || f.count() != 1 {
		t.Fatalf("Create after the settle time = %q, %v; POSTs %d, servers %d; want a new server", id, err, f.posts, f.count())
	}
}

// TestCreateRejectedIsNotInDoubt: a 4xx answer means Nova made nothing;
// the next Create posts at once.
func TestCreateRejectedIsNotInDoubt(t *testing.T) {
	t.Parallel()
	f, d := failingCreates(t, 401, "error", "The request you have made requires authentication.")
	ctx := context.Background()
	d.CreateSettle = time.Hour
	if _, err := d.Create(ctx, spec("r1")); err == nil {
		t.Fatal("first Create succeeded")
	}
	f.onCreate = nil
	if id, err := d.Create(ctx, spec("r1")); err != nil || id == "" || f.count() != 1 {
		t.Fatalf("Create after a 401 = %q, %v; servers %d", id, err, f.count())
	}
}

// TestDeleteResourceDeletesOnlyThatServer: with two servers carrying one
// replica id, DeleteResource removes the one named and leaves the other,
// even when asked again once it is gone (Delete would then find the other
// by name).
func TestDeleteResourceDeletesOnlyThatServer(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	d := fakeDriver(t, f)
	ctx := context.Background()
	keep := f.land("r1")
	dup := f.land("r1")
	res := provider.Resource{ResourceID: dup, ReplicaID: "r1"}
	for range 2 {
		if err := d.DeleteResource(ctx, "prv-1", res); err != nil {
			t.Fatal(err)
		}
	}
	f.mu.Lock()
	_, kept := f.servers[keep]
	_, dupLeft := f.servers[dup]
	f.mu.Unlock()
	if !kept || dupLeft || f.count() != 1 {
		t.Fatalf("kept %v, duplicate left %v, servers %d", kept, dupLeft, f.count())
	}
	// A server carrying another replica id is not deleted through a wrong pairing.
	if err := d.DeleteResource(ctx, "prv-1", provider.Resource{ResourceID: keep, ReplicaID: "r2"}); err == nil || f.count() != 1 {
		t.Fatalf("deleting with the wrong replica id: %v, servers %d", err, f.count())
	}
}
