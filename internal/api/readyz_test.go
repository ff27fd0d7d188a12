package api_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestReadyUnderLoad: a replica whose every pooled connection is busy is
// still serving, so /readyz stays 200 (it used to ping through the
// saturated pool and give up after 2 s, and HAProxy took the replica out);
// once its database is gone, /readyz is 503.
func TestReadyUnderLoad(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		srv := httptest.NewServer(api.New(api.Options{Store: st}).Handler())
		t.Cleanup(srv.Close)
		ready := func() int {
			t.Helper()
			resp, err := http.Get(srv.URL + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if code := ready(); code != 200 {
			t.Fatalf("idle: /readyz %d", code)
		}
		ctx := context.Background()
		var held []*sql.Conn
		t.Cleanup(func() {
			for _, c := range held {
				_ = c.Close()
			}
		})
		for range st.DB().Stats().MaxOpenConnections {
			c, err := st.DB().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, c)
		}
		// The pool is saturated: a request's query would wait.
		wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		err := st.DB().PingContext(wctx)
		cancel()
		if err == nil {
			t.Fatal("the pool still had a free connection")
		}
		if code := ready(); code != 200 {
			t.Fatalf("pool saturated: /readyz %d, want 200", code)
		}
		if st.Dialect() != store.Postgres {
			return
		}
		var name string
		if err := held[0].QueryRowContext(ctx, `SELECT current_database()`).Scan(&name); err != nil {
			t.Fatal(err)
		}
		admin, err := sql.Open("pgx", os.Getenv(storetest.PostgresEnv))
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
			t.Fatal(err)
		}
		if code := ready(); code != 503 {
			t.Fatalf("database dropped: /readyz %d, want 503", code)
		}
	})
}
