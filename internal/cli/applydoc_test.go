package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/soberana/soberana/internal/client"
)

// TestApplyDocRefusals: applyDoc's paths that the end-to-end apply test
// does not take — a workload's dry run (no request), a workload whose spec
// changed since its Idempotency-Key created it, a server failure on each
// kind, and a kind it does not know (nothing done).
func TestApplyDocRefusals(t *testing.T) {
	var (
		mu       sync.Mutex
		requests []string
	)
	sent := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return requests
	}
	reset := func() {
		mu.Lock()
		defer mu.Unlock()
		requests = nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/problem+json")
		if r.URL.Path == "/v1/workloads" && r.Header.Get("Idempotency-Key") == "apply:changed" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(`{"type":"https://soberana.dev/problems/idempotency-mismatch","title":"x","status":422}`))
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"type":"https://soberana.dev/problems/internal","title":"x","status":500}`))
	}))
	defer srv.Close()
	cl := client.New(srv.URL, "tok")
	ctx := context.Background()
	spec := func() map[string]any { return map[string]any{"project_id": "p1", "name": "n1"} }

	var out strings.Builder
	if n, err := applyDoc(ctx, cl, &out, Doc{Kind: "workload", Name: "portal", Spec: spec()}, true); n != 1 || err != nil ||
		!strings.Contains(out.String(), `+ workload portal (Idempotency-Key "apply:portal"`) || len(sent()) != 0 {
		t.Fatalf("workload dry run: %d %v %q, requests %v", n, err, out.String(), sent())
	}
	if n, err := applyDoc(ctx, cl, &out, Doc{Kind: "workload", Name: "changed", Spec: spec()}, false); n != 0 || err == nil ||
		!strings.Contains(err.Error(), "its spec changed since it was created (apply:changed)") {
		t.Fatalf("workload with a changed spec: %d %v", n, err)
	}
	for _, kind := range []string{"workload", "app", "grant"} {
		reset()
		if n, err := applyDoc(ctx, cl, &out, Doc{Kind: kind, Name: "x", Spec: spec()}, false); n != 0 || err == nil || len(sent()) != 1 {
			t.Fatalf("%s on a failing server: %d %v, requests %v", kind, n, err, sent())
		}
	}
	out.Reset()
	reset()
	if n, err := applyDoc(ctx, cl, &out, Doc{Kind: "volume", Spec: spec()}, false); n != 0 || err != nil || out.Len() != 0 || len(sent()) != 0 {
		t.Fatalf("unknown kind: %d %v %q %v", n, err, out.String(), sent())
	}
}
