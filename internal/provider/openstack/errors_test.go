package openstack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/provider"
)

func TestClassifyHTTP(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status    int
		body      string
		want      Reason
		retryable bool
	}{
		{401, `{"error":{"code":401,"message":"The request you have made requires authentication."}}`, ReasonAuth, true},
		{403, `{"forbidden":{"code":403,"message":"Quota exceeded for cores: Requested 4, but already used 20 of 20 cores"}}`, ReasonQuotaExceeded, false},
		{403, `{"forbidden":{"code":403,"message":"Policy doesn't allow os_compute_api:os-quota-sets:update to be performed."}}`, ReasonForbidden, false},
		{413, `{"overLimit":{"code":413,"message":"VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded"}}`, ReasonQuotaExceeded, false},
		{500, `{"computeFault":{"code":500,"message":"Unexpected API Error."}}`, ReasonCloudError, true},
		{503, `<html>Service Unavailable</html>`, ReasonCloudError, true},
		{504, ``, ReasonTimeout, true},
		{400, `{"badRequest":{"code":400,"message":"Invalid flavorRef provided."}}`, ReasonBadRequest, false},
	}
	for _, c := range cases {
		err := classify("create server", "c1", gophercloud.ErrUnexpectedResponseCode{Actual: c.status, Body: []byte(c.body)})
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%d: not an *Error: %v", c.status, err)
		}
		if e.Reason != c.want || e.Retryable() != c.retryable || errors.Is(err, provider.ErrUnavailable) != c.retryable {
			t.Errorf("%d %s: got reason %s retryable %v, want %s %v", c.status, c.body, e.Reason, e.Retryable(), c.want, c.retryable)
		}
	}
	if got := bodyMessage([]byte(`{"forbidden":{"code":403,"message":"Quota exceeded for ram"}}`)); got != "Quota exceeded for ram" {
		t.Errorf("bodyMessage = %q", got)
	}
}

func TestClassifyTransport(t *testing.T) {
	t.Parallel()
	if e := classify("x", "", context.DeadlineExceeded).(*Error); e.Reason != ReasonTimeout || !errors.Is(e, provider.ErrUnavailable) {
		t.Errorf("deadline: %v", e)
	}
	if classify("x", "", nil) != nil {
		t.Error("nil error classified")
	}
}

func TestFaultReason(t *testing.T) {
	t.Parallel()
	for msg, want := range map[string]Reason{
		"No valid host was found. There are not enough hosts available.":   ReasonNoValidHost,
		"Quota exceeded for instances":                                     ReasonQuotaExceeded,
		"Build of instance abc aborted: Failed to allocate the network(s)": ReasonBuildFailed,
	} {
		if got := faultReason(msg); got != want {
			t.Errorf("faultReason(%q) = %s, want %s", msg, got, want)
		}
	}
}

func TestReasonsLocalized(t *testing.T) {
	t.Parallel()
	reasons := []Reason{ReasonQuotaExceeded, ReasonNoValidHost, ReasonAuth, ReasonForbidden, ReasonTimeout, ReasonUnreachable,
		ReasonCloudError, ReasonBadRequest, ReasonBuildFailed, ReasonFlavorMissing, ReasonImageMissing, ReasonUnmappedSite,
		ReasonNoConfig, ReasonNoService}
	for _, r := range reasons {
		seen := map[string]bool{}
		for _, l := range i18n.All {
			m := (&Error{Reason: r}).Localize(l)
			if m == "" || strings.HasPrefix(m, "openstack.reason.") {
				t.Errorf("%s in %s: no message (%q)", r, l, m)
			}
			seen[m] = true
		}
		if len(seen) < 2 {
			t.Errorf("%s: the languages give the same text", r)
		}
	}
}

// fakeDriver is a driver over a fakeCloud with one site mapped to AZ az-1.
func fakeDriver(t *testing.T, f *fakeCloud) *Driver {
	t.Helper()
	cfg := Config{Clouds: []Cloud{f.cloud()}, Sites: []SiteMap{{SiteID: "site-1", Cloud: "fake", AZ: "az-1"}},
		Images: map[string]string{"*": "11111111-2222-3333-4444-555555555555"}, SharedProject: true}
	d := New(MemConfigs{"prv-1": cfg}, fakeLookup{tenant: Tenant{ProjectID: "prj-1", InstitutionID: "inst-1", Offering: "SCS-2V-4-20s"}})
	d.Backoff = 10 * time.Millisecond
	return d
}

func spec(replica string) provider.Spec {
	return provider.Spec{ResourceRef: provider.ResourceRef{ProviderID: "prv-1", SiteID: "site-1", WorkloadID: "wl-1", ReplicaID: replica},
		VCPUs: 2, MemoryMiB: 4096, DiskGiB: 20}
}

// wantReason fails the test unless err is an *Error for reason that
// wraps provider.ErrUnavailable exactly when unavailable, and returns it.
func wantReason(t *testing.T, err error, reason Reason, unavailable bool) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Reason != reason || errors.Is(err, provider.ErrUnavailable) != unavailable {
		t.Fatalf("err = %v, want reason %s, wrapping ErrUnavailable: %v", err, reason, unavailable)
	}
	return e
}

func TestCreateQuotaExceededIsNotRetried(t *testing.T) {
	t.Parallel()
	f, d := failingCreates(t, 403, "forbidden", "Quota exceeded for cores: Requested 2, but already used 20 of 20 cores")
	_, err := d.Create(context.Background(), spec("r1"))
	e := wantReason(t, err, ReasonQuotaExceeded, false)
	if f.posts != 1 {
		t.Errorf("POST /servers %d times, want 1", f.posts)
	}
	for l, want := range map[i18n.Lang]string{i18n.ES: "cuota", i18n.PTBR: "cota", i18n.EN: "quota"} {
		if m := e.Localize(l); !strings.Contains(m, want) || !strings.Contains(m, "Requested 2") {
			t.Errorf("%s: %q", l, m)
		}
	}
}

func TestAuthFailureIsUnavailable(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	f.authStatus = 401
	d := fakeDriver(t, f)
	d.Attempts = 2
	_, err := d.Observe(context.Background(), spec("r1").ResourceRef)
	wantReason(t, err, ReasonAuth, true)
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	f.delay = 5 * time.Second
	d := fakeDriver(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := d.Observe(ctx, spec("r1").ResourceRef)
	wantReason(t, err, ReasonTimeout, true)
}

func TestCreateAfter5xxAdoptsInsteadOfDuplicating(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	f.createsToo = true
	f.onCreate = func(w http.ResponseWriter, created bool) bool {
		writeJSON(w, 500, map[string]any{"computeFault": map[string]any{"code": 500, "message": "Unexpected API Error."}})
		return true
	}
	d := fakeDriver(t, f)
	id, err := d.Create(context.Background(), spec("r1"))
	if err != nil || id == "" {
		t.Fatalf("Create = %q, %v; want the server the failed POST made", id, err)
	}
	f.onCreate = nil
	id2, err := d.Create(context.Background(), spec("r1"))
	if err != nil || id2 != id {
		t.Fatalf("second Create = %q, %v; want %q", id2, err, id)
	}
	if f.count() != 1 || f.posts != 1 {
		t.Errorf("servers %d, POSTs %d; want 1 and 1", f.count(), f.posts)
	}
}

func TestCreate5xxWithoutServerIsRetryable(t *testing.T) {
	t.Parallel()
	f, d := failingCreates(t, 503, "computeFault", "busy")
	_, err := d.Create(context.Background(), spec("r1"))
	if !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if f.count() != 0 || f.posts != 1 {
		t.Errorf("servers %d, POSTs %d", f.count(), f.posts)
	}
}

func TestObserveErrorCarriesFault(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	d := fakeDriver(t, f)
	d.CreatedFresh = 0 // ask at once (a server that fails within a second is seen a second later otherwise)
	id, err := d.Create(context.Background(), spec("r1"))
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.servers[id]["status"] = "ERROR"
	f.servers[id]["fault"] = map[string]any{"code": 500, "message": "No valid host was found. There are not enough hosts available."}
	f.mu.Unlock()
	d.Lang = i18n.EN
	o, err := d.Observe(context.Background(), spec("r1").ResourceRef)
	if err != nil || o.State != provider.StateError || !strings.Contains(o.Reason, "scheduler found no host") ||
		!strings.Contains(o.Reason, "No valid host was found") {
		t.Fatalf("Observe = %+v, %v", o, err)
	}
	if err := d.Delete(context.Background(), spec("r1").ResourceRef); err != nil || f.count() != 0 {
		t.Fatalf("Delete: %v, %d left", err, f.count())
	}
	if err := d.Delete(context.Background(), spec("r1").ResourceRef); err != nil {
		t.Fatalf("deleting nothing: %v", err)
	}
}

func TestMissingFlavorAndUnmappedSite(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	d := fakeDriver(t, f)
	d.look = fakeLookup{tenant: Tenant{ProjectID: "p", Offering: "SCS-16V-64-200s"}}
	_, err := d.Create(context.Background(), spec("r1"))
	var e *Error
	if !errors.As(err, &e) || e.Reason != ReasonFlavorMissing {
		t.Fatalf("err = %v, want flavor missing", err)
	}
	s := spec("r2")
	s.SiteID = "nowhere"
	if _, err := d.Create(context.Background(), s); !errors.As(err, &e) || e.Reason != ReasonUnmappedSite {
		t.Fatalf("err = %v, want unmapped site", err)
	}
}

func TestVolumesWithoutCinder(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t) // its catalog has no volume service
	d := fakeDriver(t, f)
	ref := spec("r1").ResourceRef
	if has, err := d.HasVolumes(context.Background(), ref.ProviderID, ref.SiteID); err != nil || has {
		t.Fatalf("HasVolumes = %v, %v", has, err)
	}
	_, err := d.EnsureVolume(context.Background(), ref, 10)
	var e *Error
	if !errors.Is(err, provider.ErrUnsupported) || !errors.As(err, &e) || e.Reason != ReasonNoService {
		t.Fatalf("EnsureVolume = %v", err)
	}
	if err := d.DeleteVolume(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
}

// TestObserveSharesOneList: watching many replicas costs the cloud one
// list, not calls per replica: a replica just created is reported
// building without a call, and fresh replicas (no server id yet) are
// answered from the shared list — absent ones included, after which
// Create does not look again.
func TestObserveSharesOneList(t *testing.T) {
	f := newFakeCloud(t)
	d := fakeDriver(t, f)
	ctx := context.Background()
	prev := SnapshotTTL
	SnapshotTTL = time.Hour // no refresh during the test
	t.Cleanup(func() { SnapshotTTL = prev })
	ids := map[string]string{}
	for i := range 10 {
		r := fmt.Sprint("fresh", i)
		o, err := d.Observe(ctx, spec(r).ResourceRef)
		if err != nil || o.Exists {
			t.Fatalf("observe %s before create: %+v %v", r, o, err)
		}
		id, err := d.Create(ctx, spec(r))
		if err != nil {
			t.Fatal(err)
		}
		ids[r] = id
		// right after the create: building, by the driver's own knowledge
		if o, err := d.Observe(ctx, spec(r).ResourceRef); err != nil || !o.Exists || o.ResourceID != id || o.State != provider.StateBuilding {
			t.Fatalf("observe %s after create: %+v %v", r, o, err)
		}
	}
	calls := f.callCount()
	delete(calls, "GET /flavors/detail") // read once, cached
	if calls["GET /servers/detail"] != 1 || calls["POST /servers"] != 10 || len(calls) != 2 {
		t.Fatalf("compute calls = %v, want one list of servers and 10 POSTs", calls)
	}
	// A list older than our create cannot prove absence or state: a
	// restarted worker that lost the outcome must not create it again.
	d.CreatedFresh = 0
	o, err := d.Observe(ctx, spec("fresh3").ResourceRef)
	if err != nil || !o.Exists || o.ResourceID != ids["fresh3"] {
		t.Fatalf("observe without a recorded server id: %+v %v", o, err)
	}
	if id, err := d.Create(ctx, spec("fresh3")); err != nil || id != ids["fresh3"] {
		t.Fatalf("create again = %q %v, want the same server %s", id, err, ids["fresh3"])
	}
	if f.count() != 10 {
		t.Fatalf("%d servers, want 10", f.count())
	}
}
