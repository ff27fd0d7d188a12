package openstack

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/provider"
)

// The branches of Create's steps (existingServer, settleDoubt, serverOpts,
// createCompute, postServer, adoptAfterFailedPost) that the other tests
// leave alone: every refusal makes no POST, and what a POST sends.

// listGate is a transport that answers the server list with 403 while
// fail is set, or, with afterPost, once a POST /servers went by; it
// records the body of every POST /servers.
type listGate struct {
	next      http.RoundTripper
	fail      *atomic.Bool
	afterPost bool

	mu     sync.Mutex
	posted bool
	bodies [][]byte
}

func (g *listGate) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/servers") {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		g.mu.Lock()
		g.posted = true
		g.bodies = append(g.bodies, b)
		g.mu.Unlock()
	}
	g.mu.Lock()
	posted := g.posted
	g.mu.Unlock()
	failing := g.fail.Load() || g.afterPost && posted
	if failing && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/servers") {
		return &http.Response{StatusCode: http.StatusForbidden, Status: "403 Forbidden", Request: r,
			Header: http.Header{"Content-Type": {"application/json"}},
			Body:   io.NopCloser(strings.NewReader(`{"forbidden": {"code": 403, "message": "Policy does not allow os_compute_api:servers:index to be performed."}}`))}, nil
	}
	return g.next.RoundTrip(r)
}

// gate installs a listGate on the driver.
func gate(d *Driver, afterPost bool) (*listGate, *atomic.Bool) {
	g := &listGate{fail: &atomic.Bool{}, afterPost: afterPost}
	d.wrapTransport = func(rt http.RoundTripper) http.RoundTripper { g.next = rt; return g }
	return g, g.fail
}

// markDeleting makes a fake server one Nova is deleting.
func (f *fakeCloud) markDeleting(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.servers[id]["OS-EXT-STS:task_state"] = "deleting"
}

func TestCreateLookupFailureMakesNoServer(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	d := fakeDriver(t, f)
	_, fail := gate(d, false)
	fail.Store(true)
	id, err := d.Create(context.Background(), spec("r1"))
	if wantReason(t, err, ReasonForbidden, false); id != "" {
		t.Fatalf("Create with the lookup failing = %q, %v; want no id", id, err)
	}
	if f.posts != 0 {
		t.Fatalf("POSTs %d, want 0: a Create that cannot look makes nothing", f.posts)
	}
}

// nilOr is the error of a (string, error) pair.
func nilOr(_ string, err error) error { return err }

func TestCreateWaitsForThePreviousServerToGo(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	d := fakeDriver(t, f)
	old := f.land("r1")
	f.markDeleting(old)
	id, err := d.Create(context.Background(), spec("r1"))
	e := wantReason(t, err, ReasonCloudError, true)
	if id != "" || !strings.Contains(e.Detail, old) || !strings.Contains(e.Detail, "still being deleted") {
		t.Fatalf("Create = %q, %v; want the previous server %s named", id, err, old)
	}
	if f.posts != 0 {
		t.Fatalf("POSTs %d, want 0", f.posts)
	}
}

// createInDoubt is a fake cloud and its driver (with a listGate, see gate)
// after a Create of replica r1 whose POST answered status: a retryable
// error, and no id. Further POSTs succeed.
func createInDoubt(t *testing.T, status int, listFailsAfterPost bool) (*fakeCloud, *Driver, *atomic.Bool) {
	t.Helper()
	f, d := failingCreates(t, status, "computeFault", "upstream timed out")
	d.CreateSettle = time.Hour
	_, fail := gate(d, listFailsAfterPost)
	if id, err := d.Create(context.Background(), spec("r1")); !errors.Is(err, provider.ErrUnavailable) || id != "" {
		t.Fatalf("first Create = %q, %v; want a retryable error", id, err)
	}
	f.onCreate = nil
	return f, d, fail
}

// TestCreateInDoubtLookupFailureAndDeletingServer: while a POST is in
// doubt, a lookup that fails, or finds the replica's server being deleted,
// posts nothing and leaves the doubt standing.
func TestCreateInDoubtLookupFailureAndDeletingServer(t *testing.T) {
	t.Parallel()
	f, d, fail := createInDoubt(t, 504, false)
	ctx := context.Background()
	fail.Store(true)
	wantReason(t, nilOr(d.Create(ctx, spec("r1"))), ReasonForbidden, false)
	fail.Store(false)
	late := f.land("r1")
	f.markDeleting(late)
	e := wantReason(t, nilOr(d.Create(ctx, spec("r1"))), ReasonCloudError, true)
	if !strings.Contains(e.Detail, late) {
		t.Fatalf("detail %q does not name %s", e.Detail, late)
	}
	f.mu.Lock()
	delete(f.servers, late)
	f.mu.Unlock()
	wantReason(t, nilOr(d.Create(ctx, spec("r1"))), ReasonTimeout, true) // still in doubt
	if f.posts != 1 {
		t.Fatalf("POSTs %d, want 1", f.posts)
	}
}

// TestCreateFailedPostWhoseLookupFails: after a POST without a known
// outcome, a lookup that fails adopts nothing; the replica is in doubt and
// the next Create does not post again.
func TestCreateFailedPostWhoseLookupFails(t *testing.T) {
	t.Parallel()
	f, d, _ := createInDoubt(t, 502, true)
	d.mu.Lock()
	_, inDoubt := d.doubt["r1"]
	d.mu.Unlock()
	if !inDoubt {
		t.Fatal("the replica is not in doubt after a 502")
	}
	if _, err := d.Create(context.Background(), spec("r1")); err == nil || f.posts != 1 {
		t.Fatalf("second Create: %v, POSTs %d; want an error and 1 POST", err, f.posts)
	}
}

// tenantless is a Lookup that cannot read the workload.
type tenantless struct{ fakeLookup }

func (tenantless) Tenant(context.Context, string) (Tenant, error) {
	return Tenant{}, errors.New("store away")
}

func TestCreateRefusalsBeforeThePost(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("workload", func(t *testing.T) {
		f := newFakeCloud(t)
		d := fakeDriver(t, f)
		d.look = tenantless{}
		if _, err := d.Create(ctx, spec("r1")); err == nil || !strings.Contains(err.Error(), "reading workload wl-1") {
			t.Fatalf("Create = %v, want the workload's read failing", err)
		}
		if f.posts != 0 {
			t.Fatalf("POSTs %d", f.posts)
		}
	})
	t.Run("image", func(t *testing.T) {
		f := newFakeCloud(t)
		d := fakeDriver(t, f)
		cfg, _ := d.cfgs.Config(ctx, "prv-1")
		cfg.Images = nil
		d.cfgs = MemConfigs{"prv-1": cfg}
		wantReason(t, nilOr(d.Create(ctx, spec("r1"))), ReasonImageMissing, false)
		if f.posts != 0 {
			t.Fatalf("POSTs %d", f.posts)
		}
	})
	t.Run("project", func(t *testing.T) {
		f := newFakeCloud(t) // no Keystone domains: the project cannot be made
		d := projectDriver(t, f, "inst_a")
		if _, err := d.Create(ctx, spec("r1")); err == nil {
			t.Fatal("Create succeeded without its Keystone project")
		}
		if f.posts != 0 {
			t.Fatalf("POSTs %d", f.posts)
		}
	})
}

// TestCreatePostsWhatTheSpecSays: the POST carries the spec's image, its
// cloud-init base64-encoded, the configured network, and the metadata that
// tie the server to the replica.
func TestCreatePostsWhatTheSpecSays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, network := range []string{"", "99999999-8888-7777-6666-555555555555"} {
		f := newFakeCloud(t)
		d := fakeDriver(t, f)
		d.Installation = "inst_a"
		cfg, _ := d.cfgs.Config(ctx, "prv-1")
		cfg.Network = network
		d.cfgs = MemConfigs{"prv-1": cfg}
		g, _ := gate(d, false)
		sp := spec("r1")
		sp.Image, sp.UserData = "img-family", "#cloud-config\nruncmd:\n  - echo hi\n"
		if _, err := d.Create(ctx, sp); err != nil {
			t.Fatal(err)
		}
		if len(g.bodies) != 1 {
			t.Fatalf("POSTs %d, want 1", len(g.bodies))
		}
		var body struct {
			Server struct {
				Name     string            `json:"name"`
				Image    string            `json:"imageRef"`
				Flavor   string            `json:"flavorRef"`
				AZ       string            `json:"availability_zone"`
				UserData string            `json:"user_data"`
				Networks json.RawMessage   `json:"networks"`
				Metadata map[string]string `json:"metadata"`
			} `json:"server"`
		}
		if err := json.Unmarshal(g.bodies[0], &body); err != nil {
			t.Fatal(err)
		}
		s := body.Server
		ud, _ := base64.StdEncoding.DecodeString(s.UserData)
		wantNet := `"none"`
		if network != "" {
			wantNet = `[{"uuid":"` + network + `"}]`
		}
		if s.Name != ServerName("r1") || s.Image != "img-family" || s.Flavor != "f1" || s.AZ != "az-1" ||
			string(ud) != sp.UserData || string(s.Networks) != wantNet {
			t.Errorf("posted %s", g.bodies[0])
		}
		want := map[string]string{MetaWorkload: "wl-1", MetaReplica: "r1", MetaInstallation: "inst_a", MetaFlavor: "SCS-2V-4-20s"}
		for k, v := range want {
			if s.Metadata[k] != v {
				t.Errorf("metadata %s = %q, want %q", k, s.Metadata[k], v)
			}
		}
	}
}

// quotaRefused is a transport on which every quota call answers 403.
type quotaRefused struct{ next http.RoundTripper }

func (q quotaRefused) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, "/os-quota-sets/") {
		return &http.Response{StatusCode: http.StatusForbidden, Status: "403 Forbidden", Request: r,
			Header: http.Header{"Content-Type": {"application/json"}},
			Body:   io.NopCloser(strings.NewReader(`{"forbidden": {"code": 403, "message": "Policy does not allow os_compute_api:os-quota-sets:update to be performed."}}`))}, nil
	}
	return q.next.RoundTrip(r)
}

// TestCreateInTheProjectsOwnKeystoneProject: with a Keystone project per
// soberana project (already made: the driver knows its id), Create raises
// its quotas before it posts, and posts nothing when it cannot.
func TestCreateInTheProjectsOwnKeystoneProject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, refused := range []bool{true, false} {
		f := newFakeCloud(t)
		d := projectDriver(t, f, "inst_a")
		d.projects["prv-1/fake/prj-1"] = "kp-1"
		if refused {
			d.wrapTransport = func(rt http.RoundTripper) http.RoundTripper { return quotaRefused{rt} }
		}
		id, err := d.Create(ctx, spec("r1"))
		if refused {
			wantReason(t, err, ReasonForbidden, false)
			if f.posts != 0 {
				t.Fatalf("quota refused: POSTs %d, want 0", f.posts)
			}
			continue
		}
		f.mu.Lock()
		_, set := f.quota["kp-1"]
		f.mu.Unlock()
		if err != nil || id == "" || f.posts != 1 || !set {
			t.Fatalf("Create = %q, %v; POSTs %d, quota of kp-1 read or set: %v", id, err, f.posts, set)
		}
	}
}
