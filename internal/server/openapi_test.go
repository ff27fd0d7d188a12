package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/api/apitest"
	"github.com/soberana/soberana/internal/server/servertest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestOpenAPIGolden keeps /openapi.json reviewed: any route change shows
// up as a diff of testdata/openapi.golden.json (go test -update to accept).
// scripts/openapi-lint.sh lints that file with Redocly and Spectral.
func TestOpenAPIGolden(t *testing.T) {
	t.Parallel()
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

// TestOpenAPICoversEveryRoute fails for a route the router serves that
// the document does not describe (each custom method of a route too).
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	h, c := served(t)
	n := 0
	for _, rt := range h.Server.API.Routes() {
		paths := []string{rt.Path}
		if len(rt.Actions) > 0 {
			paths = nil
			for _, ac := range rt.Actions {
				paths = append(paths, rt.Path+":"+ac.Verb)
			}
		}
		for _, p := range paths {
			n++
			item := c.Doc.Paths.Value(p)
			if item == nil || item.GetOperation(rt.Method) == nil {
				t.Errorf("%s %s is served but has no operation in /openapi.json", rt.Method, p)
			}
		}
	}
	for _, p := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json"} {
		if item := c.Doc.Paths.Value(p); item == nil || item.Get == nil {
			t.Errorf("GET %s is served but has no operation in /openapi.json", p)
		}
	}
	t.Logf("%d route operations documented", n)
}

// TestOpenAPIComplete fails naming each gap: what the generator reported
// (types without a declared schema or doc comment, untyped query
// parameters, tags without description) and every schema, parameter or
// operation without a description, an example or its 4xx problems.
func TestOpenAPIComplete(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	spec := h.Server.API.OpenAPISpec()
	for _, is := range spec.Issues {
		t.Errorf("OpenAPI generator: %s", is)
	}
	c := load(t, spec)
	for name, s := range c.Doc.Components.Schemas {
		if s.Value.Description == "" {
			t.Errorf("schema %s has no description (a doc comment on its Go type, then go generate ./internal/api)", name)
		}
		if s.Value.Example == nil && len(s.Value.Examples) == 0 {
			t.Errorf("schema %s has no example", name)
		}
	}
	for path, item := range c.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			if op.OperationID == "" || op.Description == "" || op.Summary == "" || len(op.Tags) != 1 {
				t.Errorf("%s: needs an operationId, summary, description and one tag", where)
			}
			for _, p := range op.Parameters {
				if p.Value.Description == "" || p.Value.Example == nil || p.Value.Schema == nil {
					t.Errorf("%s: parameter %s needs a description, a schema and an example", where, p.Value.Name)
				}
				if p.Value.Name == "limit" && !p.Value.Schema.Value.Type.Is("integer") {
					t.Errorf("%s: limit must be an integer", where)
				}
			}
			has4xx := false
			for code, r := range op.Responses.Map() {
				if strings.HasPrefix(code, "4") {
					has4xx = true
					if r.Value.Content.Get("application/problem+json") == nil {
						t.Errorf("%s: %s is not application/problem+json", where, code)
					}
				}
			}
			if !has4xx {
				t.Errorf("%s: declares no 4xx problem", where)
			}
		}
	}
}

// TestOpenAPIClosedSets: a string property whose name says it is a state,
// role, kind, tier, classification, mode or health is an enum, and money
// and countries carry their ISO patterns.
func TestOpenAPIClosedSets(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	c := load(t, h.Server.API.OpenAPISpec())
	closed := []string{"state", "role", "classification", "certification", "tier", "mode", "health", "driver", "scope_kind", "sovereignty"}
	for name, s := range c.Doc.Components.Schemas {
		for prop, p := range s.Value.Properties {
			v := p.Value
			if len(v.AllOf) == 1 {
				v = v.AllOf[0].Value
			}
			if v == nil || !v.Type.Includes("string") {
				continue
			}
			for _, word := range closed {
				if prop == word && len(v.Enum) == 0 {
					t.Errorf("schema %s: property %s is a closed set but has no enum: add it to enumsByField in internal/api/openapi_types.go (from the package's constants)", name, prop)
				}
			}
			if (prop == "currency" || strings.HasSuffix(prop, "_currency")) && v.Pattern != "^[A-Z]{3}$" {
				t.Errorf("schema %s: property %s is a currency without the ISO 4217 pattern", name, prop)
			}
		}
	}
	amount := c.Doc.Components.Schemas["Amount"]
	if amount == nil {
		t.Fatal("no Amount schema")
	}
	var props []string
	for k := range amount.Value.Properties {
		props = append(props, k)
	}
	sort.Strings(props)
	if fmt.Sprint(props) != "[currency minor value]" {
		t.Errorf("Amount properties %v, want the wire form {minor, currency, value}", props)
	}
}

// TestOpenAPIExamples: the document is valid for kin-openapi (which also
// checks every example against its schema), and every component example
// decodes into the Go type it documents — unknown members refused — and
// encodes back into something the schema accepts: the schema has the
// type's names and the type's wire form.
func TestOpenAPIExamples(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	spec := h.Server.API.OpenAPISpec()
	c := load(t, spec)
	if err := c.Doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	n := 0
	for name, sr := range c.Doc.Components.Schemas {
		s := sr.Value
		examples := s.Examples
		if s.Example != nil {
			examples = append(examples, s.Example)
		}
		for _, ex := range examples {
			n++
			if err := s.VisitJSON(ex, openapi3.EnableJSONSchema2020()); err != nil {
				t.Errorf("schema %s: its example does not validate: %v", name, err)
				continue
			}
			typ, ok := spec.Types[name]
			if !ok || typ.Kind() != reflect.Struct || strings.HasSuffix(name, "Patch") || name == "Problem" {
				continue
			}
			b, _ := json.Marshal(ex)
			v := reflect.New(typ)
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v.Interface()); err != nil {
				t.Errorf("schema %s: its example does not decode into %s: %v\n%s", name, typ, err, b)
				continue
			}
			back, err := json.Marshal(v.Interface())
			if err != nil {
				t.Errorf("schema %s: encoding %s: %v", name, typ, err)
				continue
			}
			var round any
			_ = json.Unmarshal(back, &round)
			if err := s.VisitJSON(round, openapi3.EnableJSONSchema2020()); err != nil {
				t.Errorf("schema %s: %s encodes %s, which its schema refuses: %v", name, typ, back, err)
			}
		}
	}
	t.Logf("%d schema examples checked", n)
}

// served starts a server without the demo fleet and loads the contract
// it serves.
func served(t *testing.T) (*servertest.Harness, *apitest.Contract) {
	t.Helper()
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	c, err := apitest.Load(h.Server.API)
	if err != nil {
		t.Fatal(err)
	}
	return h, c
}

func load(t *testing.T, spec api.Spec) *apitest.Contract {
	t.Helper()
	b, err := json.Marshal(spec.Doc)
	if err != nil {
		t.Fatal(err)
	}
	c, err := apitest.LoadJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
