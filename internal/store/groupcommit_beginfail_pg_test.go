package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestGroupCommitWhenConnectingFails: on PostgreSQL a group takes a
// connection of its own before it begins. When no connection can be had
// (here the database refuses new connections and the pool keeps none
// idle), the group fails before any writer's fn runs; every writer, run
// again alone, gets the failure to connect, and nothing is committed.
// Once the database takes connections again the next write goes through.
func TestGroupCommitWhenConnectingFails(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	s := storetest.Open(t, dsn)
	ctx := context.Background()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin, err := sql.Open("pgx", os.Getenv(storetest.PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	allow := func(yes bool) {
		t.Helper()
		if _, err := admin.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS %v", name, yes)); err != nil {
			t.Fatal(err)
		}
	}

	allow(false)
	s.DB().SetMaxIdleConns(0) // closes the idle connections: every use connects anew
	const n = 3
	ran := make([]bool, n)
	ctxs := make([]context.Context, n)
	fns := make([]func(tx *store.Tx) error, n)
	for i := range n {
		ctxs[i] = store.ReadCommitted(ctx) // group-committed on PostgreSQL
		fns[i] = func(tx *store.Tx) error {
			ran[i] = true
			p := model.Provider{Name: fmt.Sprintf("c%d", i), Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
			p.Defaults()
			return tx.Providers().Create(ctx, &p, "prv")
		}
	}
	errs := s.RunGroupForTest(ctxs, fns)
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "beginning transaction") {
			t.Errorf("writer %d: %v, want the failure to begin (connect)", i, err)
		}
		if ran[i] {
			t.Errorf("writer %d ran although no connection was had", i)
		}
	}

	allow(true)
	s.DB().SetMaxIdleConns(4)
	if got, err := s.Read().Providers().Count(ctx, nil); err != nil || got != 0 {
		t.Fatalf("%d providers (%v), want none: no write began", got, err)
	}
	p := model.Provider{Name: "after", Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
	p.Defaults()
	if err := s.Write(store.ReadCommitted(ctx), func(tx *store.Tx) error { return tx.Providers().Create(ctx, &p, "prv") }); err != nil {
		t.Fatalf("the write once connections are allowed again: %v", err)
	}
	if got, err := s.Read().Providers().Count(ctx, nil); err != nil || got != 1 {
		t.Fatalf("%d providers (%v), want the write after the failure", got, err)
	}
}
