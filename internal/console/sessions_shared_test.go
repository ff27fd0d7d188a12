package console_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/console"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestSessionsThroughIdentityService: two consoles over one database —
// the server's and a second one built here the way the server wires it
// (the identity service's console state, no store) — share sessions and
// remembered languages, as replicas behind one address do: a session
// made on one works on the other, a language chosen on one is the
// language of a later sign-in on the other, and signing out on one ends
// the session on both. On SQLite and on PostgreSQL.
func TestSessionsThroughIdentityService(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); sessionsShared(t, false) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); sessionsShared(t, true) })
}

func sessionsShared(t *testing.T, postgres bool) {
	h := servertest.Start(t, servertest.Options{Postgres: postgres})
	routes := map[string]bool{}
	for _, rt := range h.Server.API.Routes() {
		routes[rt.Method+" "+rt.Path] = true
	}
	api := h.Server.API.Handler()
	con, err := console.New(console.Options{API: api, Sessions: h.Server.API.Auth().Console(),
		HasRoute: func(method, pattern string) bool { return routes[method+" "+pattern] }})
	if err != nil {
		t.Fatal(err)
	}
	other := httptest.NewServer(con.Mount(api))
	t.Cleanup(other.Close)

	// Cookies are per host, not port: both consoles see the same
	// ones, as behind one balancer.
	a := newBrowser(t, h)
	b := &browser{t: t, base: other.URL, c: a.c, lang: a.lang}
	signedIn := func(br *browser) bool {
		t.Helper()
		code, body := br.get("/providers")
		return code == 200 && !strings.Contains(body, `action="/sign-in"`)
	}
	if signedIn(b) {
		t.Fatal("signed in before signing in")
	}
	a.signIn(servertest.AdminToken)
	if !signedIn(b) {
		t.Fatal("the session made on the server's console is not signed in on the other")
	}
	b.switchLang("pt-BR")

	// A fresh browser asking for Spanish signs in on the server's
	// console: the language chosen on the other one wins.
	jar, _ := cookiejar.New(nil)
	fresh := &browser{t: t, base: h.URL, c: &http.Client{Jar: jar}, lang: "es"}
	fresh.signIn(servertest.AdminToken)
	if _, body := fresh.get("/providers"); !strings.Contains(body, `<html lang="pt-BR">`) {
		t.Error("the language chosen through one console is not remembered by the other")
	}

	if code, _ := b.post("/", "/sign-out", url.Values{}); code != 200 {
		t.Fatalf("signing out: %d", code)
	}
	if signedIn(a) {
		t.Error("signed out on one console, still signed in on the other")
	}
	if !signedIn(fresh) {
		t.Error("signing one session out ended another")
	}
}
