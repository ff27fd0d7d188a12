package problem

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"
)

// TestRoundTrip: what the server encodes, the SDK decodes into the same
// value; extensions are flattened on the wire and come back in Extensions.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	in := Problem{Type: Base + "budget-exceeded", Title: "Budget exceeded", Status: 422, Detail: "short by 10",
		Instance: "/v1/workloads", RequestID: "r1", InvalidParams: []InvalidParam{{Name: "replicas", Reason: "too many"}},
		Extensions: map[string]any{"shortfall": map[string]any{"minor": float64(1000), "currency": "BRL"}, "title": "ignored"}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var wire map[string]any
	if err := json.Unmarshal(b, &wire); err != nil {
		t.Fatal(err)
	}
	if wire["title"] != "Budget exceeded" || wire["shortfall"] == nil || len(wire) != 8 {
		t.Fatalf("wire %s", b)
	}
	var out Problem
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	want := in
	want.Extensions = map[string]any{"shortfall": in.Extensions["shortfall"]}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("decoded %+v\nwant    %+v", out, want)
	}
}

// TestWireOmitsEmpty: the optional members are left out when empty, as the
// API has always answered.
func TestWireOmitsEmpty(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Problem{Type: Base + "internal", Title: "Internal error", Status: 500})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"type":"https://soberana.dev/problems/internal","title":"Internal error","status":500}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	var p Problem
	if err := json.Unmarshal(b, &p); err != nil || p.Extensions != nil {
		t.Fatalf("%v %+v", err, p)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h := http.Header{"Retry-After": {"7"}}
	p := Parse(429, h, []byte(`{"type":"`+Base+`rate-limited","title":"Slow down","status":400,"retry_after_seconds":7}`), now)
	if p.Status != 429 || p.Title != "Slow down" || p.RetryAfter != 7*time.Second || p.Extensions["retry_after_seconds"] != float64(7) {
		t.Fatalf("%+v", p)
	}
	p = Parse(502, http.Header{}, []byte("<html>bad gateway</html>\n"), now)
	if p.Status != 502 || p.Title != "Bad Gateway" || p.Detail != "<html>bad gateway</html>" || p.RetryAfter != 0 {
		t.Fatalf("%+v", p)
	}
	if StatusOf(fmt.Errorf("calling: %w", p)) != 502 || StatusOf(errors.New("x")) != 0 {
		t.Fatal("StatusOf")
	}
	if got := p.Message(); got != "Bad Gateway: <html>bad gateway</html>" {
		t.Fatal(got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if d := parseRetryAfter("3", now); d != 3*time.Second {
		t.Fatal(d)
	}
	if d := parseRetryAfter(now.Add(10*time.Second).Format(http.TimeFormat), now); d != 10*time.Second {
		t.Fatal(d)
	}
	if d := parseRetryAfter("soon", now); d != 0 {
		t.Fatal(d)
	}
}
