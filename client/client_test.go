package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestRetryAfter: 429 is retried after the server's Retry-After, with the
// same Idempotency-Key; the waits are recorded, not slept.
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	keys := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keys[r.Header.Get("Idempotency-Key")] = true
		if calls.Add(1) < 3 {
			w.Header().Set("Retry-After", "2")
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(429)
			fmt.Fprint(w, `{"type":"about:blank","title":"Too many requests","status":429,"detail":"slow down"}`)
			return
		}
		w.WriteHeader(201)
		fmt.Fprint(w, `{"id":"ins_1","name":"M","country":"BR","currency":"BRL","auto_approve_minor":500000,"version":1}`)
	}))
	defer srv.Close()
	c := New(srv.URL, "t")
	var waits []time.Duration
	c.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	ins, err := c.Institutions().Create(context.Background(), InstitutionSpec{Name: "M", Country: "BR", Currency: "BRL"})
	if err != nil {
		t.Fatal(err)
	}
	if ins.ID != "ins_1" || ins.AutoApproveMinor != 500000 || calls.Load() != 3 {
		t.Fatalf("got %+v after %d calls", ins, calls.Load())
	}
	if len(waits) != 2 || waits[0] != 2*time.Second {
		t.Fatalf("waits %v", waits)
	}
	if len(keys) != 1 || keys[""] {
		t.Fatalf("idempotency keys %v: want one, the same on every retry", keys)
	}

	// Retries are bounded; the last problem comes back typed.
	calls.Store(-100)
	c.MaxRetries = 1
	_, err = c.Institutions().Create(context.Background(), InstitutionSpec{Name: "M"})
	var p *Problem
	if !errors.As(err, &p) || p.Status != 429 || p.RetryAfter != 2*time.Second || p.Detail != "slow down" {
		t.Fatalf("err %v", err)
	}
}

// TestNoRetry503WithoutRetryAfter: a 503 without Retry-After is an answer.
func TestNoRetry503WithoutRetryAfter(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(503)
		fmt.Fprint(w, `{"title":"Unavailable","status":503,"detail":"no secrets key","invalid_params":[{"name":"x","reason":"y"}]}`)
	}))
	defer srv.Close()
	_, err := New(srv.URL, "").GetSite(context.Background(), "s")
	if StatusOf(err) != 503 || calls.Load() != 1 {
		t.Fatalf("err %v after %d calls", err, calls.Load())
	}
	var p *Problem
	if errors.As(err, &p); len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "x" {
		t.Fatalf("problem %+v", p)
	}
}

// TestPagination: the iterator follows next_cursor to the end and stops
// when the caller breaks.
func TestPagination(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur := r.URL.Query().Get("cursor")
		if r.URL.Query().Get("country") != "BR" || r.URL.Query().Get("limit") != "2" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		pages := map[string]page[Site]{
			"":   {Items: []Site{{Name: "a"}, {Name: "b"}}, NextCursor: "c1"},
			"c1": {Items: []Site{{Name: "c"}, {Name: "d"}}, NextCursor: "c2"},
			"c2": {Items: []Site{{Name: "e"}}},
		}
		_ = json.NewEncoder(w).Encode(pages[cur])
	}))
	defer srv.Close()
	c := New(srv.URL, "")
	o := ListOptions{Limit: 2, Filters: map[string]string{"country": "BR"}}
	all, err := Collect(c.Sites(context.Background(), o))
	if err != nil || len(all) != 5 || all[4].Name != "e" {
		t.Fatalf("%v %v", all, err)
	}
	n := 0
	for range c.Sites(context.Background(), o) {
		if n++; n == 3 {
			break
		}
	}
	if n != 3 {
		t.Fatal(n)
	}
}

// TestWaitPendingApproval: waiting on a workload that awaits approval ends
// at once with ErrPendingApproval and a message that says what to do.
func TestWaitPendingApproval(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"id":"wl_1","state":"pending_approval","reason":"over the auto-approval limit"}`)
	}))
	defer srv.Close()
	w, err := New(srv.URL, "").WaitWorkload(context.Background(), "wl_1", WaitOptions{Timeout: time.Hour})
	if !errors.Is(err, ErrPendingApproval) || w == nil || w.State != StatePendingApproval {
		t.Fatalf("%v %v", w, err)
	}
	if msg := err.Error(); !contains(msg, "approve") || !contains(msg, "wl_1") {
		t.Fatal(msg)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
