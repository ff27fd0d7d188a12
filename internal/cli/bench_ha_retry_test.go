package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
)

// haFake answers as HAProxy and a replica would: each request line (method
// and path) gets its scripted answers in order, the last one repeated. An
// answer is a status and a body; 502 comes as HAProxy's HTML page, other
// errors as the API's problem+json.
type haFake struct {
	mu     sync.Mutex
	script map[string][]haAnswer
	seen   map[string]int
}

type haAnswer struct {
	status int
	body   string
}

func (f *haFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	k := r.Method + " " + r.URL.Path
	as := f.script[k]
	n := f.seen[k]
	f.seen[k]++
	f.mu.Unlock()
	if len(as) == 0 {
		http.NotFound(w, r)
		return
	}
	a := as[min(n, len(as)-1)]
	switch {
	case a.status == http.StatusBadGateway:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
	case a.status >= 400:
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(`{"type":"https://soberana.dev/problems/state-conflict","title":"Conflict","status":409}`))
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}
}

func haFakeWork(t *testing.T, script map[string][]haAnswer) (*haWork, *haFake) {
	f := &haFake{script: script, seen: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cl := client.New(srv.URL, "t")
	return &haWork{cl: cl, fin: cl, created: map[string]bool{}, deleted: map[string]bool{}}, f
}

var (
	bad502   = haAnswer{status: http.StatusBadGateway}
	conflict = haAnswer{status: http.StatusConflict}
)

func state(s string) haAnswer {
	return haAnswer{status: http.StatusOK, body: `{"id":"w1","state":"` + s + `"}`}
}

// A read that HAProxy answered 502 (its replica died mid-answer) is sent
// once more and counts as retried; a second 502 is an error.
func TestHAReadSentAgainOnce(t *testing.T) {
	ctx := context.Background()
	w, f := haFakeWork(t, map[string][]haAnswer{"GET /v1/workloads/w1": {bad502, state("running")}})
	retried, err := repeatable(func() error { _, err := w.cl.Do(ctx, "GET", "/v1/workloads/w1", nil, nil); return err })
	if err != nil || !retried || f.seen["GET /v1/workloads/w1"] != 2 {
		t.Fatalf("retried %v, err %v, sent %d times; want one retry that succeeds", retried, err, f.seen["GET /v1/workloads/w1"])
	}
	w, f = haFakeWork(t, map[string][]haAnswer{"GET /v1/workloads/w1": {bad502}})
	retried, err = repeatable(func() error { _, err := w.cl.Do(ctx, "GET", "/v1/workloads/w1", nil, nil); return err })
	if err == nil || !retried || f.seen["GET /v1/workloads/w1"] != 2 {
		t.Fatalf("retried %v, err %v, sent %d times; want one retry, then the error", retried, err, f.seen["GET /v1/workloads/w1"])
	}
	// The API's own refusal is an answer: not sent again.
	w, f = haFakeWork(t, map[string][]haAnswer{"GET /v1/workloads/w1": {conflict}})
	retried, _ = repeatable(func() error { _, err := w.cl.Do(ctx, "GET", "/v1/workloads/w1", nil, nil); return err })
	if retried || f.seen["GET /v1/workloads/w1"] != 1 {
		t.Fatalf("an answer of the API was sent again (%d times)", f.seen["GET /v1/workloads/w1"])
	}
}

// An approve whose answer was lost may have committed: sent again, it is
// refused (409, the workload no longer awaits approval), and it counts as
// done only if the workload, read back, was approved.
func TestHAApproveSentAgainReadsBack(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		script map[string][]haAnswer
		ok     bool
		reads  int
	}{
		{"committed before the replica died", map[string][]haAnswer{
			"POST /v1/workloads/w1:approve": {bad502, conflict}, "GET /v1/workloads/w1": {state("provisioning")}}, true, 1},
		{"not committed: the second send approves", map[string][]haAnswer{
			"POST /v1/workloads/w1:approve": {bad502, state("approved")}}, true, 0},
		{"refused for another reason", map[string][]haAnswer{
			"POST /v1/workloads/w1:approve": {bad502, conflict}, "GET /v1/workloads/w1": {state("rejected")}}, false, 1},
		{"still pending", map[string][]haAnswer{
			"POST /v1/workloads/w1:approve": {bad502, conflict}, "GET /v1/workloads/w1": {state("pending_approval")}}, false, 1},
		{"refused at once: no read back", map[string][]haAnswer{
			"POST /v1/workloads/w1:approve": {conflict}, "GET /v1/workloads/w1": {state("provisioning")}}, false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, f := haFakeWork(t, c.script)
			_, err := w.approve(ctx, "w1")
			if (err == nil) != c.ok {
				t.Fatalf("approve: err %v, want ok %v", err, c.ok)
			}
			if f.seen["GET /v1/workloads/w1"] != c.reads {
				t.Fatalf("read back %d times, want %d", f.seen["GET /v1/workloads/w1"], c.reads)
			}
		})
	}
}

// A delete whose answer was lost counts once the workload reads back as
// deleting (or is gone).
func TestHADeleteSentAgainReadsBack(t *testing.T) {
	ctx := context.Background()
	w, _ := haFakeWork(t, map[string][]haAnswer{
		"DELETE /v1/workloads/w1": {bad502, conflict}, "GET /v1/workloads/w1": {state("deleting")}})
	if retried, err := w.delete(ctx, "w1"); err != nil || !retried {
		t.Fatalf("delete: retried %v, err %v", retried, err)
	}
	w, _ = haFakeWork(t, map[string][]haAnswer{
		"DELETE /v1/workloads/w1": {bad502, conflict}, "GET /v1/workloads/w1": {state("running")}})
	if _, err := w.delete(ctx, "w1"); err == nil {
		t.Fatal("a delete refused on a running workload counted as done")
	}
}

// The report gives the retried requests per class and in all, apart from
// ok and failed.
func TestHAReportCountsRetried(t *testing.T) {
	p := &haPhase{seconds: 1, lat: map[string][]time.Duration{"read": {time.Millisecond, time.Millisecond}},
		errs: map[string]int{"read": 1}, first: map[string]string{}, retried: map[string]int{"read": 2, "approve": 1}}
	rep := p.report()
	if rep["requests_retried"] != 3 || rep["requests_ok"] != 2 || rep["requests_failed"] != 1 {
		t.Fatalf("report %v", rep)
	}
	if got := rep["classes"].(map[string]any)["read"].(map[string]any)["retried"]; got != 2 {
		t.Fatalf("read retried %v, want 2", got)
	}
}
