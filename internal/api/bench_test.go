package api_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store/storetest"
)

// BenchmarkGetWorkload is one GET /v1/workloads/{id} of a running
// workload through the API's handler chain (middleware, authentication,
// the view's reads, JSON), without the network: its allocations per
// request (-benchmem) are soberana's own cost of a read, issue #19. On
// PostgreSQL when SOBERANA_TEST_POSTGRES_URL is set, else SQLite.
func BenchmarkGetWorkload(b *testing.B) {
	h := servertest.Start(b, servertest.Options{Postgres: os.Getenv(storetest.PostgresEnv) != "", NoContract: true,
		Configure: func(c *config.Config) {
			c.RateLimit = config.RateLimit{PerIP: 1 << 20, PerIPBurst: 1 << 20, PerCaller: 1 << 20, PerCallerBurst: 1 << 20}
			c.Ledger.RateEvery = 24 * time.Hour // no rating pass during the run
		}})
	prj := h.FirstID(b, "/v1/projects?name=prontuario-eletronico")
	w := h.CreateRunning(b, map[string]any{"project_id": prj, "offering_id": h.FirstID(b, "/v1/offerings?name=SCS-1V-2-20s"),
		"replicas": 1, "classification": "internal", "residency": map[string]any{"countries": []string{"BR"}}})
	handler := h.Server.API.Handler()
	req := httptest.NewRequest("GET", "/v1/workloads/"+w["id"].(string), nil)
	req.Header.Set("Authorization", "Bearer "+servertest.AdminToken)
	req.RemoteAddr = "127.0.0.1:40000"
	serve := func() {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %d: %s", rec.Code, rec.Body)
		}
	}
	// The cost prices usage not yet rated from the price book once the
	// replica has run into a second after its interval's start; waiting
	// for that second makes every request of the run read it (as a read
	// of a running workload usually does), whatever the run's speed.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(1100 * time.Millisecond)))
	serve() // warm the caches (token, owners)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		serve()
	}
}
