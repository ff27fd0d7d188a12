// Package api is the HTTP API of soberana under /v1: a thin adapter that
// decodes requests, calls the domain packages and the store, and encodes
// JSON. Every error leaves through one mapper as RFC 9457 problem+json in
// the caller's language. Routes are declared in one table (routes.go) that
// also generates /openapi.json and carries each route's authorization rule.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// MaxBodyBytes limits request bodies.
const MaxBodyBytes = 1 << 20

// Options configure the API.
type Options struct {
	Store    *store.Store
	Log      *slog.Logger
	Registry *prometheus.Registry
	Version  string
	Now      func() time.Time
	// Auth authenticates callers; nil builds one over Store with Now.
	Auth *auth.Service
	// Limits are the abuse limits (zero: defaults).
	Limits Limits
	// OIDC enables single sign-on with an OpenID provider (nil: off).
	OIDC *auth.OIDC
}

// API serves /v1, /openapi.json, /healthz, /readyz and /metrics.
type API struct {
	store   *store.Store
	log     *slog.Logger
	reg     *prometheus.Registry
	version string
	now     func() time.Time
	routes  []*Route
	mux     *http.ServeMux
	metrics httpMetrics
	tokens  tokenCache
	// principals: recently resolved bearer tokens (principalcache.go).
	principals principalCache
	// owners: where objects sit in the scope tree (ownercache.go).
	owners  ownerCache
	extra   []func(a *API) []*Route
	observe []func(http.Handler) http.Handler
	built   bool

	buildOnce sync.Once

	auth      *auth.Service
	resolvers map[string]Resolver
	limiter   *limiter
	oidc      *auth.OIDC
	flow      flowCodec
	// sealer returns the secrets box (nil without a secrets key).
	sealer func() Sealer
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// New builds the API.
func New(o Options) *API {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	a := &API{store: o.Store, log: o.Log, reg: o.Registry, version: o.Version, now: o.Now, auth: o.Auth}
	if a.auth == nil {
		a.auth = auth.New(o.Store, auth.Options{Now: o.Now})
	}
	a.limiter = newLimiter(o.Limits, o.Now)
	a.oidc, a.flow = o.OIDC, newFlowCodec()
	a.metrics.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "soberana_http_requests_total", Help: "HTTP requests by route, method and status code.",
	}, []string{"route", "method", "code"})
	a.metrics.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "soberana_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "method"})
	a.reg.MustRegister(a.metrics.requests, a.metrics.latency)
	return a
}

// Auth returns the authentication service (sign-in, tokens, grants).
func (a *API) Auth() *auth.Service { return a.auth }

// SetOIDC enables single sign-on (before Handler is first called).
func (a *API) SetOIDC(o *auth.OIDC) { a.oidc = o }

// AddRoutes registers more routes (from domain packages' adapters) before
// Handler is first called.
func (a *API) AddRoutes(f func(a *API) []*Route) { a.extra = append(a.extra, f) }

// Routes returns the route table (built on first use).
func (a *API) Routes() []*Route {
	a.build()
	return a.routes
}

func (a *API) build() { a.buildOnce.Do(a.buildRoutes) }

func (a *API) buildRoutes() {
	a.built = true
	a.routes = a.coreRoutes()
	a.routes = append(a.routes, a.identityRoutes()...)
	a.routes = append(a.routes, a.grantRoutes()...)
	a.routes = append(a.routes, a.auditRoutes()...)
	a.routes = append(a.routes, a.oidcRoutes()...)
	for _, f := range a.extra {
		a.routes = append(a.routes, f(a)...)
	}
	a.mux = http.NewServeMux()
	seen := map[string]bool{}
	for _, rt := range a.routes {
		if err := CheckRule(rt); err != nil {
			panic("api: " + err.Error())
		}
		if err := a.checkPlaceable(rt); err != nil {
			panic("api: " + err.Error())
		}
		pattern := rt.Method + " " + rt.Path
		if seen[pattern] {
			continue // actions share a pattern; dispatch happens in the handler
		}
		seen[pattern] = true
		a.mux.Handle(pattern, withRouteLabel(pattern, a.wrap(rt)))
	}
	a.mux.Handle("GET /openapi.json", http.HandlerFunc(a.serveOpenAPI))
	a.mux.Handle("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`+"\n")
	}))
	a.mux.Handle("GET /readyz", http.HandlerFunc(a.serveReady))
	a.mux.Handle("GET /metrics", promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{Registry: a.reg}))
	a.mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.writeProblem(w, r, Errorf(http.StatusNotFound, "not-found", "problem.route-not-found.detail", r.Method, r.URL.Path))
	}))
}

// withRouteLabel labels the CPU a request spends with its route pattern
// ("route" in a CPU profile: `go tool pprof -tagfocus route=...`), so that
// a profile of a replica under load (SOBERANA_CPU_PROFILE, `soberana bench
// ha --profile-dir`) splits by route class.
func withRouteLabel(pattern string, next http.Handler) http.Handler {
	labels := pprof.Labels("route", pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pprof.Do(r.Context(), labels, func(ctx context.Context) { next.ServeHTTP(w, r.WithContext(ctx)) })
	})
}

// Handler returns the root HTTP handler with the middleware chain.
func (a *API) Handler() http.Handler {
	a.build()
	h := withSecurityHeaders(a.withRequestID(a.withRecover(a.withLang(a.mux))))
	for _, o := range a.observe {
		h = o(h)
	}
	return h
}

// Observe wraps the handler that Handler returns (call it before): tests
// use it to check every response against the OpenAPI document.
func (a *API) Observe(m func(http.Handler) http.Handler) { a.observe = append(a.observe, m) }

// serveReady answers 200 while the database answers. The store pings on
// a connection of its own with a deadline that tolerates a slow database
// (store.Ping), so a replica whose request pool is saturated stays ready:
// it is serving, and taking it out of rotation would only move its load.
func (a *API) serveReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if err := a.store.Ping(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "unavailable", "reason": "database unreachable"})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"status": "ready"})
}

// Handle is the signature of every route handler: it returns the value to
// encode (nil for 204) or an error.
type Handle func(r *http.Request) (any, error)

// Created wraps a value to answer 201 with a Location.
type Created struct {
	Value    any
	Location string
}

// wrap adapts a route: abuse limits, authentication, the authorization
// decision, audit, metrics, body limit, encoding and errors.
func (a *API) wrap(rt *Route) http.Handler {
	label := rt.Path
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		defer func() {
			a.metrics.requests.WithLabelValues(label, r.Method, strconv.Itoa(sw.code)).Inc()
			a.metrics.latency.WithLabelValues(label, r.Method).Observe(time.Since(start).Seconds())
			// Checked first: the arguments would otherwise be boxed at
			// every request even when the level drops the line.
			if a.log.Enabled(r.Context(), slog.LevelInfo) {
				a.log.InfoContext(r.Context(), "http", "method", r.Method, "path", r.URL.Path, "status", sw.code,
					"duration_ms", time.Since(start).Milliseconds())
			}
		}()
		limit := int64(MaxBodyBytes)
		if rt.MaxBody > 0 {
			limit = rt.MaxBody
		}
		r.Body = http.MaxBytesReader(sw, r.Body, limit)
		r = r.WithContext(context.WithValue(r.Context(), keyWriter, http.ResponseWriter(sw)))
		if err := a.limiter.allowIP(SourceIP(r)); err != nil {
			a.writeProblem(sw, r, err)
			return
		}
		// Every change (and every sign-in) is audited: in the same
		// transaction as the change when the handler commits one, else
		// in its own once the outcome is known.
		var pending *store.PendingAudit
		if unsafeMethod(r.Method) && !rt.ReadOnly {
			pending = a.newAudit(r, rt)
			r = r.WithContext(store.WithAudit(r.Context(), pending))
		}
		fail := func(err error) {
			a.writeProblem(sw, r, err)
			if pending != nil && !pending.Written() {
				a.finishAudit(r, pending, sw.code)
			}
		}
		handler := rt.Handle
		if rt.dispatch != nil {
			var err error
			if handler, err = rt.dispatch(r); err != nil {
				fail(err)
				return
			}
		}
		p, err := a.authenticate(r)
		if err != nil {
			fail(err)
			return
		}
		if p != nil {
			if err := a.limiter.allowPrincipal(p); err != nil {
				fail(err)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), keyPrincipal, p))
		}
		d, err := a.authorize(r, rt, p)
		pending.Update(func(e *model.AuditEvent) { auditDecision(e, p, rt, d) })
		if err != nil {
			var ae *Error
			if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
				pending.Update(func(e *model.AuditEvent) { e.Outcome = OutcomeDenied })
			}
			fail(err)
			return
		}
		v, err := handler(r)
		if err != nil {
			fail(err)
			return
		}
		a.writeValue(sw, r, v)
		if pending != nil && !pending.Written() {
			a.finishAudit(r, pending, sw.code)
		}
	})
}

func (a *API) writeValue(w http.ResponseWriter, r *http.Request, v any) {
	status := http.StatusOK
	if rd, ok := v.(Redirect); ok {
		http.Redirect(w, r, rd.URL, http.StatusFound)
		return
	}
	if raw, ok := v.(Raw); ok {
		if raw.Filename != "" {
			w.Header().Set("Content-Disposition", `attachment; filename="`+raw.Filename+`"`)
		}
		w.Header().Set("Content-Type", raw.ContentType)
		w.WriteHeader(status)
		_, _ = w.Write(raw.Body)
		return
	}
	if c, ok := v.(Created); ok {
		status = http.StatusCreated
		if c.Location != "" {
			w.Header().Set("Location", c.Location)
		}
		v = c.Value
	}
	if v == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if tag := etagOf(v); tag != "" {
		w.Header().Set("ETag", tag)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		a.log.ErrorContext(r.Context(), "encoding response", "err", err)
	}
}

// etagOf returns the strong ETag of an object that carries model.Meta.
func etagOf(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return ""
	}
	idx := versionIndex(rv.Type())
	if idx == nil {
		return ""
	}
	ver := rv.FieldByIndex(idx)
	if ver.Int() == 0 {
		return ""
	}
	return `"` + strconv.FormatInt(ver.Int(), 10) + `"`
}

// versionIndexes caches, per response type, the index of Meta.Version
// (nil: the type has none). reflect's FieldByName searches the embedded
// structs breadth-first and allocates on each call: a workload view
// (Workload embedding Meta) paid that search at every response.
var versionIndexes sync.Map // reflect.Type -> []int

func versionIndex(t reflect.Type) []int {
	if v, ok := versionIndexes.Load(t); ok {
		return v.([]int)
	}
	var idx []int
	if m, ok := t.FieldByName("Meta"); ok && m.Type.Kind() == reflect.Struct {
		if ver, ok := m.Type.FieldByName("Version"); ok && ver.Type.Kind() >= reflect.Int && ver.Type.Kind() <= reflect.Int64 {
			idx = append(slices.Clone(m.Index), ver.Index...)
		}
	}
	versionIndexes.Store(t, idx)
	return idx
}

// ifMatch parses If-Match into a version; ok is false when absent.
func ifMatch(r *http.Request) (int64, bool, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, false, nil
	}
	h = strings.TrimPrefix(h, "W/")
	v, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64)
	if err != nil || v <= 0 {
		return 0, false, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.if-match")
	}
	return v, true, nil
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (s *statusWriter) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLang
	keyPrincipal
	keyWriter
)

// responseWriterOf gives handlers that set cookies the response writer.
func responseWriterOf(ctx context.Context) http.ResponseWriter {
	w, _ := ctx.Value(keyWriter).(http.ResponseWriter)
	return w
}

func requestID(ctx context.Context) string {
	s, _ := ctx.Value(keyRequestID).(string)
	return s
}

func langOf(ctx context.Context) i18n.Lang {
	if l, ok := ctx.Value(keyLang).(i18n.Lang); ok {
		return l
	}
	return i18n.Default
}

// Lang returns the caller's language from a request context.
func Lang(ctx context.Context) i18n.Lang { return langOf(ctx) }

func (a *API) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyRequestID, id)))
	})
}

func (a *API) withLang(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := i18n.Parse(r.Header.Get("Accept-Language"))
		w.Header().Set("Vary", "Accept-Language")
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyLang, l)))
	})
}

func (a *API) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				a.log.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				a.writeProblem(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Decode reads a JSON object into dst, rejecting unknown fields (named in
// the problem), wrong types, trailing data and oversized bodies.
func Decode(r *http.Request, dst any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	return DecodeBytes(body, dst)
}

// DecodeBytes is Decode over a byte slice.
func DecodeBytes(body []byte, dst any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return Errorf(http.StatusBadRequest, "malformed", "problem.malformed.empty")
	}
	// JSON decoding would turn invalid UTF-8 into U+FFFD silently.
	if !utf8.Valid(body) {
		return Errorf(http.StatusBadRequest, "malformed", "problem.malformed.utf8")
	}
	if unknown := unknownFields(body, reflect.TypeOf(dst)); len(unknown) > 0 {
		return fieldsProblem(unknown, "field.unknown")
	}
	if nulls := nullFields(body, reflect.TypeOf(dst)); len(nulls) > 0 {
		return fieldsProblem(nulls, "field.null")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return Errorf(http.StatusBadRequest, "malformed", "problem.malformed.syntax", se.Offset)
		case errors.As(err, &te):
			return validationProblem(fieldErr(te.Field, "field.type", te.Type.String()))
		case errors.Is(err, io.ErrUnexpectedEOF):
			return Errorf(http.StatusBadRequest, "malformed", "problem.malformed.syntax", len(body))
		}
		return Errorf(http.StatusBadRequest, "malformed", "problem.malformed.syntax", 0)
	}
	if dec.More() {
		return Errorf(http.StatusBadRequest, "malformed", "problem.malformed.trailing")
	}
	return nil
}
