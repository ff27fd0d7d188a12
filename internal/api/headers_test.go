package api_test

import (
	"net/http"
	"testing"

	"github.com/soberana/soberana/internal/api"
)

// TestSecurityHeaders: API answers forbid sniffing, framing, loading and
// caching.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, api.Limits{})
	for _, path := range []string{"/v1/version", "/v1/nowhere", "/healthz"} {
		resp, _ := e.do("GET", path, e.admin, nil)
		h := resp.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" ||
			h.Get("Content-Security-Policy") != api.APICSP || h.Get("Cache-Control") != "no-store" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: %v", path, h)
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", path)
		}
	}
	_ = http.StatusOK
}
