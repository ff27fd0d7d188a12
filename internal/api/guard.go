package api

import (
	"net/http"
	"path"
	"strings"
)

// MaxHeaderBytes bounds the request line and headers that a request may
// carry; a larger request gets 431 problem+json. (net/http cuts requests
// past the server's own MaxHeaderBytes, ServerMaxHeaderBytes, with a
// plain-text 431 before any handler runs.)
const MaxHeaderBytes = 64 << 10

// ServerMaxHeaderBytes is the http.Server's hard limit.
const ServerMaxHeaderBytes = 1 << 20

// Guard answers, in front of the console and the API, what neither
// should see: a path that is not clean (dot segments, double slashes),
// which the muxes would otherwise redirect with an HTML body, is 404
// problem+json; headers over MaxHeaderBytes are 431 problem+json.
func (a *API) Guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var err error
		switch {
		case headerBytes(r) > MaxHeaderBytes:
			err = Errorf(http.StatusRequestHeaderFieldsTooLarge, "header-too-large", "problem.header-too-large.detail", MaxHeaderBytes)
		case !cleanPath(r.URL.Path):
			err = Errorf(http.StatusNotFound, "not-found", "problem.route-not-found.detail", r.Method, r.URL.Path)
		}
		if err == nil {
			next.ServeHTTP(w, r)
			return
		}
		withSecurityHeaders(a.withRequestID(a.withLang(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Connection", "close")
			a.writeProblem(w, r, err)
		})))).ServeHTTP(w, r)
	})
}

// headerBytes is the size of the request line and headers as sent.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n + len(r.Host)
}

// cleanPath reports a path with no dot segments, no empty segments and
// no backslashes (a trailing slash is allowed).
func cleanPath(p string) bool {
	if p == "" || p[0] != '/' || strings.Contains(p, "\\") {
		return false
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c == p
}
