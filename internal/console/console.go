// Package console is the web console of soberana: server-rendered HTML
// (html/template, embedded with the CSS and one small script), served by
// the same binary at "/" beside the API under /v1.
//
// It is a thin adapter over the API: every page reads and writes through
// the API's own handlers, called in-process with the signed-in person's
// credentials, so the console can never show or do more than the API
// allows that person. Pages work without JavaScript; console.js only adds
// live previews and small conveniences. Every string a person reads comes
// from the i18n catalogs (messages.go) in es, pt-BR and en; money, numbers
// and dates are formatted per locale (format.go).
package console

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/i18n"

	"github.com/soberana/soberana/problem"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Cookie names.
const (
	cookieSession = "sbr_session"
	cookieLang    = "sbr_lang"
	cookieCSRF    = "sbr_csrf"
)

// CSP is the Content-Security-Policy of every console response: scripts,
// styles and images only from this origin, nothing inline, no frames.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// Options configure the console.
type Options struct {
	// API is the API's root handler; the console calls it in-process.
	API http.Handler
	// Sessions keeps the console's sessions and each person's language
	// in the database, through the identity service
	// (auth.Service.Console), so every replica sees them. Nil keeps
	// sessions in this process's memory and remembers no language.
	Sessions SessionStore
	Log      *slog.Logger
	// HasRoute reports whether the API serves method+pattern (e.g.
	// "POST /v1/workloads"); pages whose API has not landed stay hidden.
	HasRoute func(method, pattern string) bool
	// SessionTTL bounds a console session (default 12h).
	SessionTTL time.Duration
	Now        func() time.Time
}

// Console serves the web console.
type Console struct {
	api      http.Handler
	state    SessionStore
	log      *slog.Logger
	hasRoute func(method, pattern string) bool
	now      func() time.Time
	sessions *sessions
	pages    map[string]*template.Template
	mux      *http.ServeMux
	static   map[string]*asset
}

// New builds the console.
func New(o Options) (*Console, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SessionTTL == 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.HasRoute == nil {
		o.HasRoute = func(string, string) bool { return false }
	}
	c := &Console{
		api: o.API, state: o.Sessions, log: o.Log, hasRoute: o.HasRoute, now: o.Now,
		sessions: newSessions(o.SessionTTL, o.Now),
	}
	if o.Sessions != nil {
		c.sessions.db = &sharedSessions{st: o.Sessions, log: o.Log}
	}
	if err := c.loadStatic(); err != nil {
		return nil, err
	}
	if err := c.loadTemplates(); err != nil {
		return nil, err
	}
	c.routes()
	return c, nil
}

// Mount returns the process's root handler: console pages and assets go to
// the console, everything else (/v1, /openapi.json, /healthz, /readyz,
// /metrics) to the API. A browser asking for an unknown non-API page gets
// the console's HTML 404.
func (c *Console) Mount(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := c.mux.Handler(r); pattern != "" {
			c.serve(w, r)
			return
		}
		if !isAPIPath(r.URL.Path) && strings.Contains(r.Header.Get("Accept"), "text/html") {
			c.serve(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}

func isAPIPath(p string) bool {
	switch p {
	case "/openapi.json", "/healthz", "/readyz", "/metrics":
		return true
	}
	return strings.HasPrefix(p, "/v1/") || p == "/v1"
}

// ServeHTTP serves console paths only (tests).
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.serve(w, r) }

func (c *Console) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			c.log.ErrorContext(r.Context(), "console panic", "panic", fmt.Sprint(p), "path", r.URL.Path)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	if _, pattern := c.mux.Handler(r); pattern == "" {
		c.notFound(w, r)
		return
	}
	c.mux.ServeHTTP(w, r)
}

// handler is the shape of a page: it fills the view or returns an error.
type handler func(w http.ResponseWriter, r *http.Request, v *view) error

// page wraps a page handler with the person, the language, CSRF and the
// access rule; a page a person's role does not allow answers 403.
func (c *Console) page(id string, fn handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := c.newView(w, r, id)
		if v == nil {
			return // redirected to sign-in
		}
		if r.Method == http.MethodPost && !c.checkCSRF(r) {
			v.Status = http.StatusForbidden
			v.TitleKey = "console.title.error"
			v.Error = v.T("console.error.csrf")
			c.render(w, r, "error", v)
			return
		}
		if pg := pageByID(id); pg != nil && !pg.allowed(v) {
			v.Status = http.StatusForbidden
			v.TitleKey = "console.title.forbidden"
			v.Error = v.T("console.error.forbidden")
			c.render(w, r, "error", v)
			return
		}
		if err := fn(w, r, v); err != nil {
			if errors.Is(err, errHandled) {
				return
			}
			c.fail(w, r, v, err)
			return
		}
		if v.Redirect != "" {
			http.Redirect(w, r, v.Redirect, http.StatusSeeOther)
			return
		}
		c.render(w, r, v.Template, v)
	})
}

var errHandled = errors.New("response written")

func (c *Console) fail(w http.ResponseWriter, r *http.Request, v *view, err error) {
	var ae *problem.Problem
	if errors.As(err, &ae) {
		if ae.Status == http.StatusUnauthorized {
			c.sessions.drop(v.sessionID)
			http.Redirect(w, r, "/sign-in?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		v.Status = ae.Status
		v.TitleKey = "console.title.error"
		v.Error = ae.Message()
		c.render(w, r, "error", v)
		return
	}
	c.log.ErrorContext(r.Context(), "console page", "path", r.URL.Path, "err", err)
	v.Status = http.StatusInternalServerError
	v.TitleKey = "console.title.error"
	v.Error = v.T("console.error.internal")
	c.render(w, r, "error", v)
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	v := c.anonymousView(w, r, "not-found")
	v.Status = http.StatusNotFound
	v.Error = v.T("console.error.not-found")
	c.render(w, r, "error", v)
}

// render executes a page template, gzipping it for clients that accept it.
func (c *Console) render(w http.ResponseWriter, r *http.Request, name string, v *view) {
	t := c.pages[name]
	if t == nil {
		panic("console: no template " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		c.log.ErrorContext(r.Context(), "rendering page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(v.Lang))
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Cookie, Accept-Language, Accept-Encoding")
	status := v.Status
	if status == 0 {
		status = http.StatusOK
	}
	writeMaybeGzip(w, r, status, buf.Bytes())
}

func writeMaybeGzip(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	if len(body) > 1024 && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
		_, _ = zw.Write(body)
		_ = zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		body = z.Bytes()
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// asset is one embedded static file, precompressed, served with a
// long-lived cache under a content-hashed URL.
type asset struct {
	body, gz []byte
	ctype    string
	hash     string
}

func (c *Console) loadStatic() error {
	c.static = map[string]*asset{}
	return fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a := &asset{body: b, hash: hex.EncodeToString(sum[:6])}
		switch path.Ext(p) {
		case ".css":
			a.ctype = "text/css; charset=utf-8"
		case ".js":
			a.ctype = "text/javascript; charset=utf-8"
		case ".svg":
			a.ctype = "image/svg+xml"
		default:
			a.ctype = "application/octet-stream"
		}
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		_, _ = zw.Write(b)
		_ = zw.Close()
		a.gz = z.Bytes()
		c.static["/"+p] = a
		return nil
	})
}

func (c *Console) serveStatic(w http.ResponseWriter, r *http.Request) {
	a := c.static[r.URL.Path]
	if a == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Vary", "Accept-Encoding")
	h.Set("ETag", `"`+a.hash+`"`)
	if r.URL.Query().Get("v") == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if r.Header.Get("If-None-Match") == `"`+a.hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	_, _ = w.Write(body)
}

// assetURL is the cache-busting URL of a static file.
func (c *Console) assetURL(name string) string {
	p := "/static/" + name
	if a := c.static[p]; a != nil {
		return p + "?v=" + a.hash
	}
	return p
}

// ---- CSRF: a double-submit token (random cookie, SameSite=Strict, echoed
// in a hidden form field) plus an Origin check.

func (c *Console) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(cookieCSRF); err == nil && len(ck.Value) == 32 {
		return ck.Value
	}
	tok := randomHex(16)
	http.SetCookie(w, &http.Cookie{Name: cookieCSRF, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	// Make it visible to this same request's form rendering.
	r.AddCookie(&http.Cookie{Name: cookieCSRF, Value: tok})
	return tok
}

func (c *Console) checkCSRF(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	ck, err := r.Cookie(cookieCSRF)
	if err != nil || ck.Value == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(ck.Value), []byte(r.FormValue("csrf"))) == 1
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// ---- language

// langOf picks the language: the cookie set by the switcher, else the
// person's remembered choice, else Accept-Language.
func (c *Console) langOf(r *http.Request, s *session) i18n.Lang {
	if ck, err := r.Cookie(cookieLang); err == nil {
		for _, l := range i18n.All {
			if string(l) == ck.Value {
				return l
			}
		}
	}
	if s != nil && s.Lang != "" {
		return s.Lang
	}
	return i18n.Parse(r.Header.Get("Accept-Language"))
}

func setLangCookie(w http.ResponseWriter, r *http.Request, l i18n.Lang) {
	http.SetCookie(w, &http.Cookie{Name: cookieLang, Value: string(l), Path: "/", MaxAge: 400 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
}

func (c *Console) rememberLang(ctx context.Context, who string, l i18n.Lang) error {
	if c.state == nil || who == "" {
		return nil
	}
	return c.state.SetLang(ctx, who, string(l))
}

func (c *Console) rememberedLang(ctx context.Context, who string) i18n.Lang {
	if c.state == nil || who == "" {
		return ""
	}
	v, err := c.state.Lang(ctx, who)
	if err != nil || v == "" {
		return ""
	}
	for _, l := range i18n.All {
		if string(l) == v {
			return l
		}
	}
	return ""
}

// safeNext keeps redirects on this site: only absolute paths, no "//".
func safeNext(s string) string {
	if s == "" || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return "/"
	}
	return s
}

// sessions is the console's server-side session table, in memory. The
// cookie carries only a random id; the credential stays on the server.
type sessions struct {
	mu  sync.Mutex
	m   map[string]*session
	ttl time.Duration
	now func() time.Time
	// db, when set, keeps the sessions in the database instead (shared by
	// every replica; sessions_shared.go).
	db *sharedSessions
}

type session struct {
	ID      string
	cred    credential // the API credential, never sent to the browser
	Who     principal
	Lang    i18n.Lang
	Expires time.Time
}

func newSessions(ttl time.Duration, now func() time.Time) *sessions {
	return &sessions{m: map[string]*session{}, ttl: ttl, now: now}
}

func (s *sessions) create(cred credential, who principal, lang i18n.Lang) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for id, x := range s.m { // sweep expired ones on the (rare) sign-in path
		if now.After(x.Expires) {
			delete(s.m, id)
		}
	}
	ss := &session{ID: randomHex(24), cred: cred, Who: who, Lang: lang, Expires: now.Add(s.ttl)}
	if s.db != nil {
		s.dbCreate(ss)
		return ss
	}
	s.m[ss.ID] = ss
	return ss
}

func (s *sessions) get(id string) *session {
	if s.db != nil {
		return s.dbGet(id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.m[id]
	if ss == nil {
		return nil
	}
	if s.now().After(ss.Expires) {
		delete(s.m, id)
		return nil
	}
	return ss
}

func (s *sessions) setLang(id string, l i18n.Lang) {
	if s.db != nil {
		s.dbSetLang(id, l)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss := s.m[id]; ss != nil {
		ss.Lang = l
	}
}

func (s *sessions) drop(id string) {
	if s.db != nil {
		s.dbDrop(id)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}
