package store_test

import (
	"context"
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
	a, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
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
