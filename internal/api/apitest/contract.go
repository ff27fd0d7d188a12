// Package apitest checks the API against its OpenAPI document in tests:
// Contract validates every response a test server sends (status declared,
// media type declared, body valid against the schema) with kin-openapi.
// servertest installs it on every harness, so every API test is also a
// contract test.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/soberana/soberana/internal/api"
)

// Contract validates responses against the document of one API.
type Contract struct {
	Doc *openapi3.T
	ops []matcher

	mu       sync.Mutex
	failures []string
	covered  map[string]bool // "METHOD /path/{template}" validated at least once
}

type matcher struct {
	method, path string
	re           *regexp.Regexp
	names        []string
	literal      int
	op           *openapi3.Operation
}

// Load parses the document of a (an OpenAPI 3.1 document, which
// kin-openapi v0.153 validates with its JSON Schema 2020-12 validator).
func Load(a *api.API) (*Contract, error) {
	b, err := json.Marshal(a.OpenAPI())
	if err != nil {
		return nil, err
	}
	return LoadJSON(b)
}

// LoadJSON parses a document.
func LoadJSON(b []byte) (*Contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("load openapi: %w", err)
	}
	c := &Contract{Doc: doc}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			m := matcher{method: method, path: path, op: op}
			var re strings.Builder
			re.WriteString("^")
			rest := path
			for rest != "" {
				i := strings.Index(rest, "{")
				if i < 0 {
					re.WriteString(regexp.QuoteMeta(rest))
					m.literal += len(rest)
					break
				}
				j := strings.Index(rest, "}")
				re.WriteString(regexp.QuoteMeta(rest[:i]))
				m.literal += i
				m.names = append(m.names, rest[i+1:j])
				rest = rest[j+1:]
				re.WriteString("([^/:]+)") // ids carry no colon; ":verb" is an action
			}
			re.WriteString("$")
			m.re = regexp.MustCompile(re.String())
			c.ops = append(c.ops, m)
		}
	}
	// The most literal pattern wins ("/v1/workloads/{id}:approve" over
	// "/v1/workloads/{id}").
	sort.Slice(c.ops, func(i, j int) bool { return c.ops[i].literal > c.ops[j].literal })
	return c, nil
}

// Find returns the documented operation serving method and path.
func (c *Contract) Find(method, path string) (*routers.Route, map[string]string, bool) {
	for _, m := range c.ops {
		if m.method != method {
			continue
		}
		sub := m.re.FindStringSubmatch(path)
		if sub == nil {
			continue
		}
		params := map[string]string{}
		for i, n := range m.names {
			params[n] = sub[i+1]
		}
		return &routers.Route{Spec: c.Doc, Path: m.path, PathItem: c.Doc.Paths.Value(m.path), Method: method, Operation: m.op}, params, true
	}
	return nil, nil, false
}

// Check validates one response; it returns nil when the response is what
// the document promises.
func (c *Contract) Check(r *http.Request, status int, header http.Header, body []byte) error {
	route, params, ok := c.Find(r.Method, r.URL.Path)
	if !ok {
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed || r.Method == http.MethodHead || r.Method == http.MethodOptions {
			return nil // unknown routes answer 404 problems
		}
		return fmt.Errorf("%s %s answered %d but the OpenAPI document has no operation for it (add the route to the table in internal/api, not to a mux)", r.Method, r.URL.Path, status)
	}
	where := fmt.Sprintf("%s %s (operation %s, answered %d)", r.Method, route.Path, route.Operation.OperationID, status)
	resp := route.Operation.Responses.Status(status)
	if resp == nil && status < 500 {
		return fmt.Errorf("%s: status %d is not declared; add %d to the route's Errors (internal/api) — body: %s", where, status, status, clip(body))
	}
	if resp == nil {
		resp = route.Operation.Responses.Default()
	}
	if resp == nil || resp.Value == nil {
		return fmt.Errorf("%s: no response documented", where)
	}
	ct := header.Get("Content-Type")
	if len(body) == 0 && status == http.StatusNoContent || status == http.StatusFound || status == http.StatusNotModified {
		return nil
	}
	media, _, _ := mime.ParseMediaType(ct)
	if resp.Value.Content.Get(media) == nil {
		var have []string
		for k := range resp.Value.Content {
			have = append(have, k)
		}
		return fmt.Errorf("%s: media type %q is not documented (documented: %v)", where, ct, have)
	}
	if !strings.Contains(media, "json") {
		return nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s: the body does not match the document: %v\nbody: %s", where, shorten(err.Error()), clip(body))
	}
	return nil
}

// Middleware validates every response of next; failures are reported by
// Report (a server goroutine must not fail the test itself).
func (c *Contract) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		err := c.Check(r, rec.status, w.Header(), rec.body.Bytes())
		c.mu.Lock()
		defer c.mu.Unlock()
		if err != nil {
			c.failures = append(c.failures, err.Error())
			return
		}
		if route, _, ok := c.Find(r.Method, r.URL.Path); ok {
			if c.covered == nil {
				c.covered = map[string]bool{}
			}
			c.covered[route.Method+" "+route.Path] = true
		}
	})
}

// Failures returns what failed so far.
func (c *Contract) Failures() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.failures...)
}

// Operations lists every documented operation as "METHOD /path/{template}".
func (c *Contract) Operations() []string {
	var ops []string
	for _, m := range c.ops {
		ops = append(ops, m.method+" "+m.path)
	}
	sort.Strings(ops)
	return ops
}

// Covered returns the operations ("METHOD /path/{template}") that answered
// at least one response the document validated.
func (c *Contract) Covered() map[string]bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]bool, len(c.covered))
	for k := range c.covered {
		out[k] = true
	}
	return out
}

// Report fails t with every response that broke the contract.
func (c *Contract) Report(t testing.TB) {
	seen := map[string]bool{}
	for _, f := range c.Failures() {
		if !seen[f] {
			seen[f] = true
			t.Errorf("OpenAPI contract: %s", f)
		}
	}
}

// Lazy builds the contract on the first request (after every route was
// added) and validates every response; report failures with Report.
type Lazy struct {
	API  *api.API
	once sync.Once
	c    *Contract
	err  error
}

// Middleware is Contract.Middleware over the lazily loaded contract.
func (l *Lazy) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.once.Do(func() { l.c, l.err = Load(l.API) })
		if l.err != nil {
			next.ServeHTTP(w, r)
			return
		}
		l.c.Middleware(next).ServeHTTP(w, r)
	})
}

// Contract returns the loaded contract (nil before the first request or
// when the document did not load).
func (l *Lazy) Contract() *Contract {
	l.once.Do(func() { l.c, l.err = Load(l.API) })
	return l.c
}

// Report fails t with the contract's failures.
func (l *Lazy) Report(t testing.TB) {
	if l.err != nil {
		t.Errorf("OpenAPI contract: %v", l.err)
	}
	if l.c != nil {
		l.c.Report(t)
	}
}

type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	if r.body.Len() < 4<<20 {
		r.body.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…(" + strconv.Itoa(len(b)) + " bytes)"
	}
	return string(b)
}

func shorten(s string) string {
	if len(s) > 1500 {
		return s[:1500] + "…"
	}
	return s
}
