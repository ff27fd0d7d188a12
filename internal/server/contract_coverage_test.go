package server_test

import (
	"bytes"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

// contractExceptions are documented operations this test does not call,
// each with the reason ("METHOD /path/{template}": why); keep it short.
// None at present: logout, which would end the session, is called last.
var contractExceptions = map[string]string{}

// TestContractCoversEveryRoute sends one real HTTP request to every
// documented operation (as the platform admin, on real objects of a small
// world) so that the contract validator checks at least one response of
// each — a 2xx or a declared 4xx problem — and fails naming any operation
// that never answered a validated response.
func TestContractCoversEveryRoute(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	w := buildWorld(t, h)
	c := h.Contract.Contract()
	if c == nil {
		t.Fatal("the OpenAPI document did not load")
	}
	ops := c.Operations()
	// Deletions and logout last, so that the objects (and the session) the
	// other operations use still exist.
	rank := func(op string) int {
		switch {
		case strings.HasSuffix(op, "/v1/auth/logout"):
			return 2
		case strings.HasPrefix(op, "DELETE "):
			return 1
		}
		return 0
	}
	sort.SliceStable(ops, func(i, j int) bool { return rank(ops[i]) < rank(ops[j]) })
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, op := range ops {
		if _, ok := contractExceptions[op]; ok {
			continue
		}
		method, path, _ := strings.Cut(op, " ")
		url := h.URL + contractPath(path, w)
		var body io.Reader
		ct := ""
		if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
			ct = "application/json"
			body = strings.NewReader("{}")
			if route, _, ok := c.Find(method, path); ok && route.Operation.RequestBody != nil && route.Operation.RequestBody.Value != nil {
				if route.Operation.RequestBody.Value.Content.Get("application/json") == nil {
					for media := range route.Operation.RequestBody.Value.Content {
						ct, body = media, bytes.NewReader(nil)
					}
				}
			}
		}
		req, err := http.NewRequest(method, url, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+servertest.AdminToken)
		req.Header.Set("Accept-Language", "en")
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t.Logf("%s → %d", op, resp.StatusCode)
	}
	for _, f := range c.Failures() {
		t.Errorf("OpenAPI contract: %s", f)
	}
	covered := c.Covered()
	for _, op := range c.Operations() {
		if _, ok := contractExceptions[op]; !ok && !covered[op] {
			t.Errorf("%s: no validated response (the contract test does not cover it)", op)
		}
	}
	// Every route of the table is a documented operation.
	for _, rt := range h.Server.API.Routes() {
		if len(rt.Actions) > 0 && rt.Method == http.MethodPost {
			continue // a pattern shared by custom methods, each documented
		}
		if _, _, ok := c.Find(rt.Method, strings.NewReplacer("{", "", "}", "").Replace(rt.Path)); !ok {
			t.Errorf("%s %s: route without a documented operation", rt.Method, rt.Path)
		}
	}
}

// contractPath fills the path parameters of a documented path: {id} with
// an object of the resource the path names, the others with a value that
// names nothing (a declared 404).
func contractPath(path string, w world) string {
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		open := strings.Index(seg, "{")
		if open < 0 {
			continue
		}
		end := strings.Index(seg, "}")
		name := seg[open+1 : end]
		val := "nothing"
		if name == "id" && i > 0 {
			res := segs[i-1]
			if res == "providers" && len(segs) > 3 && segs[2] == "sim" {
				res = "providers"
			}
			if id := w.own[res]; id != "" {
				val = id
			}
		}
		segs[i] = seg[:open] + val + seg[end+1:]
	}
	return strings.Join(segs, "/")
}
