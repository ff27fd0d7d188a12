package api

import "net/http"

// APICSP is the Content-Security-Policy of API answers: JSON is never a
// page, so nothing may load, run or frame it.
const APICSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// HSTS is sent on every answer over TLS.
const HSTS = "max-age=63072000; includeSubDomains"

// withSecurityHeaders sets the browser-safety headers of API answers:
// no sniffing, no framing, no referrer, a CSP that forbids everything,
// no caching of answers that may carry tokens, and HSTS over TLS.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", APICSP)
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if r.URL.Path != "/metrics" && r.URL.Path != "/openapi.json" {
			h.Set("Cache-Control", "no-store")
		}
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", HSTS)
		}
		next.ServeHTTP(w, r)
	})
}
