package server_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestOpenAPIGolden keeps /openapi.json reviewed: any route change shows
// up as a diff of testdata/openapi.golden.json (go test -update to accept).
func TestOpenAPIGolden(t *testing.T) {
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	resp, err := http.Get(h.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v", doc["openapi"])
	}
	// Every route the server serves is documented.
	paths := doc["paths"].(map[string]any)
	for _, rt := range h.Server.API.Routes() {
		item, ok := paths[rt.Path].(map[string]any)
		if !ok || item[strings.ToLower(rt.Method)] == nil {
			t.Errorf("%s %s is not documented", rt.Method, rt.Path)
		}
	}
	const golden = "testdata/openapi.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/server -run OpenAPI -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("/openapi.json differs from %s; review the change and run go test ./internal/server -run OpenAPI -update", golden)
	}
}
