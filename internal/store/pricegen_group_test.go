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
