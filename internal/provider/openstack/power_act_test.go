package openstack

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
)

// TestActRetriesThenWaits: a power action (Start, Stop, Reboot, the
// resize's confirmation) is retried while Nova's answer is retryable, its
// error is classified as the action, and the server is then waited for in
// the status the action leads to; a refused action is not retried.
func TestActRetriesThenWaits(t *testing.T) {
	f := newFakeCloud(t)
	d := fakeDriver(t, f)
	f.servers["srv-1"] = map[string]any{"id": "srv-1", "name": "srv-1", "status": "SHUTOFF"}
	ctx := context.Background()
	_, cn, _, err := d.siteConn(ctx, "prv-1", "site-1")
	if err != nil {
		t.Fatal(err)
	}
	answers := func(codes ...int) (func() error, *int) {
		calls := 0
		return func() error {
			code := codes[min(calls, len(codes)-1)]
			calls++
			if code == 0 {
				return nil
			}
			return gophercloud.ErrUnexpectedResponseCode{Actual: code, Expected: []int{http.StatusAccepted}}
		}, &calls
	}

	call, calls := answers(http.StatusServiceUnavailable, 0)
	if err := d.act(ctx, cn, "srv-1", "stop server", "SHUTOFF", call); err != nil || *calls != 2 {
		t.Fatalf("after a 503: err %v, %d calls, want nil and 2", err, *calls)
	}

	call, calls = answers(http.StatusConflict)
	err = d.act(ctx, cn, "srv-1", "stop server", "SHUTOFF", call)
	var e *Error
	if !errors.As(err, &e) || e.Op != "stop server" || e.Status != http.StatusConflict || *calls != 1 {
		t.Fatalf("after a 409: err %v, %d calls, want the classified 409 after 1", err, *calls)
	}

	// The wait reads the server: one that is gone fails it.
	call, _ = answers(0)
	err = d.act(ctx, cn, "srv-gone", "stop server", "SHUTOFF", call)
	if !errors.As(err, &e) || e.Op != "wait for SHUTOFF" {
		t.Fatalf("server gone: err %v, want the wait's error", err)
	}
}
