package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// A token revoked through one replica ends the cached principals of every
// other: its generation moves on when the notification arrives; the
// revoking replica's own generation moves on as soon as it committed.
func TestAuthGenerationAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	a, b := storetest.Open(t, url), storetest.Open(t, url)
	if _, ok := a.AuthGeneration(); ok {
		t.Fatal("cacheable before the listener connected")
	}
	lctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = a.ListenAuth(lctx); close(done) }()
	defer func() { stop(); <-done }()
	// Notifications cross PostgreSQL asynchronously: the test waits for
	// the condition itself, not for a time.
	opstest.Eventually(t, time.Minute, "listener connected", func() (bool, string) { _, ok := a.AuthGeneration(); return ok, "" })

	tok := &model.APIToken{Token: model.Token{Meta: model.Meta{ID: "tok_gen"}, Name: "gen", Role: "viewer", Hash: "h-gen"}, Kind: "service", ScopeKind: "platform"}
	if err := b.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAPIToken(ctx, tok) }); err != nil {
		t.Fatal(err)
	}
	ga, _ := a.AuthGeneration()
	gb, _ := b.AuthGeneration()
	if err := b.InTx(ctx, func(tx *store.Tx) error { return tx.RevokeToken(ctx, tok.ID) }); err != nil {
		t.Fatal(err)
	}
	if g, _ := b.AuthGeneration(); g == gb {
		t.Fatal("the revoking store's generation did not move on at commit")
	}
	opstest.Eventually(t, time.Minute, "the other replica told of the revocation", func() (bool, string) { g, _ := a.AuthGeneration(); return g != ga, "" })

	// A rolled-back revocation tells no one and moves nothing on.
	gb, _ = b.AuthGeneration()
	_ = b.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeToken(ctx, tok.ID); err != nil {
			return err
		}
		return context.Canceled
	})
	if g, _ := b.AuthGeneration(); g != gb {
		t.Fatal("a rolled-back change moved the generation on")
	}
}

// SQLite never allows a cached principal (nothing would tell this process
// of a change made by another).
func TestAuthGenerationSQLiteNotCacheable(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	if _, ok := s.AuthGeneration(); ok {
		t.Fatal("SQLite store says principals may be cached")
	}
	if err := s.ListenAuth(context.Background()); err == nil {
		t.Fatal("ListenAuth on SQLite: want ErrNoNotify")
	}
}

// fxRate is an exchange rate for day n of January 2026.
func fxRate(n int) model.FXRate {
	return model.FXRate{From: "USD", To: "BRL", Rate: "5.10", ValidOn: fmt.Sprintf("2026-01-%02d", n), Source: "test"}
}

// An exchange rate written through the group commit of Store.Write (how
// the API writes: POST /v1/fx-rates and /v1/prices go through audit.Write)
// moves this replica's price generation on by the time the write returns,
// as InTx does, on both dialects: the ledger's cached price book must not
// keep answering with the old rates.
func TestPriceGenerationMovesInGroupCommit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		before, _ := s.PriceGeneration()
		errs := s.RunGroupForTest([]context.Context{ctx, ctx}, []func(tx *store.Tx) error{
			func(tx *store.Tx) error { p := provider("pg-group"); return tx.Providers().Create(ctx, &p, "prv") },
			func(tx *store.Tx) error { r := fxRate(1); return tx.FXRates().Create(ctx, &r, "fx") },
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("writer %d: %v", i, err)
			}
		}
		if after, _ := s.PriceGeneration(); after == before {
			t.Fatal("an exchange rate committed by a group left the price generation where it was")
		}
	})
}

// In a PostgreSQL group, a writer that changed rates and then failed is
// rolled back to its savepoint, and its NOTIFY with it: the next writer
// that changes rates must send its own, or no other replica hears of a
// change that did commit.
func TestPriceNotifyAfterRolledBackWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	a, b := storetest.Open(t, url), storetest.Open(t, url)
	lctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = a.ListenFleet(lctx, func() {}, func(string) {}); close(done) }()
	defer func() { stop(); <-done }()
	opstest.Eventually(t, time.Minute, "listener connected", func() (bool, string) { _, ok := a.PriceGeneration(); return ok, "" })
	ga, _ := a.PriceGeneration()
	refused := errors.New("refused")
	errs := b.RunGroupForTest([]context.Context{ctx, ctx}, []func(tx *store.Tx) error{
		func(tx *store.Tx) error {
			r := fxRate(2)
			if err := tx.FXRates().Create(ctx, &r, "fx"); err != nil {
				return err
			}
			return refused
		},
		func(tx *store.Tx) error { r := fxRate(3); return tx.FXRates().Create(ctx, &r, "fx") },
	})
	if !errors.Is(errs[0], refused) || errs[1] != nil {
		t.Fatalf("writers: %v", errs)
	}
	if n, err := a.Read().FXRates().Count(ctx, nil); err != nil || n != 1 {
		t.Fatalf("%d rates (%v), want the second writer's only", n, err)
	}
	opstest.Eventually(t, 30*time.Second, "the other replica told of the committed rate", func() (bool, string) {
		g, _ := a.PriceGeneration()
		return g != ga, ""
	})
}
