package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/store/storetest"
)

// replicaConnections is the most PostgreSQL connections one replica may
// open: its pool size, readiness included.
const replicaConnections = 20

// A replica opens no more PostgreSQL connections than its pool size, even
// with every request connection busy and readiness asked at the same time;
// and readiness still answers then (its connection is set aside from the
// pool, not queued behind it).
func TestReadinessWithinPoolSize(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	app := "soberana_ready_" + hex.EncodeToString(b[:])
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	s := storetest.Open(t, url+sep+"application_name="+app)
	// Take every connection the request pool will give.
	max := s.DB().Stats().MaxOpenConnections
	if max <= 0 {
		t.Fatal("the request pool is unbounded")
	}
	var held []*sql.Conn
	defer func() {
		for _, c := range held {
			_ = c.Close()
		}
	}()
	for range max {
		c, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.PingContext(ctx); err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("readiness with the request pool saturated: %v", err)
	}
	// Counted on a connection of the test's own, under another name.
	admin, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var n int
	if err := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n > replicaConnections {
		t.Fatalf("one replica holds %d connections, more than its pool of %d", n, replicaConnections)
	}
	if n != max+1 {
		t.Fatalf("%d connections, want the %d of the request pool and readiness's one", n, max)
	}
}
