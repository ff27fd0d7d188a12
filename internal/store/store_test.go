package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

func provider(name string) model.Provider {
	p := model.Provider{Name: name, Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
	p.Defaults()
	return p
}

// TestContract is the store contract: the same behaviour on every dialect.
func TestContract(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t.Run("create get update delete", func(t *testing.T) {
			p := provider("acme")
			if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.Providers().Create(ctx, &p, "prv") }); err != nil {
				t.Fatal(err)
			}
			got, err := s.Read().Providers().Get(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "acme" || got.Version != 1 || !got.Simulated || !got.CreatedAt.Equal(p.CreatedAt) {
				t.Fatalf("round trip: %+v vs %+v", got, p)
			}
			got.Health = model.HealthDegraded
			if err := s.Read().Providers().Update(ctx, &got); err != nil {
				t.Fatal(err)
			}
			if got.Version != 2 {
				t.Fatalf("version %d after update", got.Version)
			}
			stale := got
			stale.Version = 1
			if err := s.Read().Providers().Update(ctx, &stale); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("stale update: %v", err)
			}
			if err := s.Read().Providers().Delete(ctx, p.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Read().Providers().Get(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("get after delete: %v", err)
			}
			if err := s.Read().Providers().Delete(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("second delete: %v", err)
			}
			missing := got
			missing.ID = "prv_missing"
			if err := s.Read().Providers().Update(ctx, &missing); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("update missing: %v", err)
			}
		})
		t.Run("duplicate, reference, in use", func(t *testing.T) {
			p := provider("dup")
			q := provider("dup")
			if err := s.Read().Providers().Create(ctx, &p, "prv"); err != nil {
				t.Fatal(err)
			}
			if err := s.Read().Providers().Create(ctx, &q, "prv"); !errors.Is(err, store.ErrDuplicate) {
				t.Fatalf("duplicate: %v", err)
			}
			site := model.Site{ProviderID: "prv_nope", Name: "x", Country: "BR", Tier: "core", FailureDomain: "a", Health: "healthy"}
			site.Defaults()
			if err := s.Read().Sites().Create(ctx, &site, "site"); !errors.Is(err, store.ErrReference) {
				t.Fatalf("missing reference: %v", err)
			}
			site.ID = ""
			site.ProviderID = p.ID
			if err := s.Read().Sites().Create(ctx, &site, "site"); err != nil {
				t.Fatal(err)
			}
			if err := s.Read().Providers().Delete(ctx, p.ID); !errors.Is(err, store.ErrInUse) {
				t.Fatalf("delete in use: %v", err)
			}
		})
		t.Run("pagination and filters", func(t *testing.T) {
			for i := range 25 {
				p := provider(fmt.Sprintf("page-%02d", i))
				if i%2 == 0 {
					p.Jurisdiction = "CL"
				}
				if err := s.Read().Providers().Create(ctx, &p, "prv"); err != nil {
					t.Fatal(err)
				}
			}
			var names []string
			opts := store.ListOptions{Limit: 7, Filters: map[string]string{"jurisdiction": "CL"}}
			pages := 0
			for {
				page, err := s.Read().Providers().List(ctx, opts)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, p := range page.Items {
					names = append(names, p.Name)
				}
				if page.Next == "" {
					break
				}
				opts.After = page.Next
			}
			if len(names) != 13 || pages != 2 {
				t.Fatalf("got %d items in %d pages: %v", len(names), pages, names)
			}
			for i := 1; i < len(names); i++ {
				if names[i-1] >= names[i] {
					t.Fatalf("not in creation order: %v", names)
				}
			}
			if _, err := s.Read().Providers().List(ctx, store.ListOptions{Filters: map[string]string{"hash": "x"}}); err == nil {
				t.Fatal("filter on a non-filterable column accepted")
			}
		})
		t.Run("transaction rolls back on error", func(t *testing.T) {
			boom := errors.New("boom")
			p := provider("rollback")
			err := s.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatal(err)
			}
			if _, err := s.Read().Providers().Get(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("rolled-back row visible: %v", err)
			}
		})
		t.Run("concurrent optimistic updates: exactly one wins per version", func(t *testing.T) {
			p := provider("race")
			if err := s.Read().Providers().Create(ctx, &p, "prv"); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			wins := 0
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v := p
					err := s.InTx(ctx, func(tx *store.Tx) error { return tx.Providers().Update(ctx, &v) })
					if err == nil {
						mu.Lock()
						wins++
						mu.Unlock()
					} else if !errors.Is(err, store.ErrConflict) {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if wins != 1 {
				t.Fatalf("%d updates of version 1 won", wins)
			}
		})
		t.Run("settings and tokens", func(t *testing.T) {
			if _, ok, err := s.Read().Setting(ctx, "k"); err != nil || ok {
				t.Fatalf("absent setting: %v %v", ok, err)
			}
			if err := s.Read().PutSetting(ctx, "k", "1"); err != nil {
				t.Fatal(err)
			}
			if err := s.Read().PutSetting(ctx, "k", "2"); err != nil {
				t.Fatal(err)
			}
			if v, ok, err := s.Read().Setting(ctx, "k"); err != nil || !ok || v != "2" {
				t.Fatalf("setting: %q %v %v", v, ok, err)
			}
			tok := model.APIToken{Token: model.Token{Name: "t", Role: "platform-admin", Hash: "sha256:abc"}, Kind: "service", ScopeKind: "platform"}
			if err := s.Read().CreateAPIToken(ctx, &tok); err != nil {
				t.Fatal(err)
			}
			got, err := s.Read().APITokenByHash(ctx, "sha256:abc")
			if err != nil || got.ID != tok.ID || got.LastUsed != nil {
				t.Fatalf("token: %+v %v", got, err)
			}
			if err := s.Read().TouchAPIToken(ctx, tok.ID, s.Now(), "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Read().APITokenByHash(ctx, "sha256:abc"); got.LastUsed == nil || got.LastUsedIP != "192.0.2.1" {
				t.Fatalf("last use not recorded: %+v", got)
			}
			if _, err := s.Read().APITokenByHash(ctx, "sha256:nope"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("unknown token: %v", err)
			}
		})
		t.Run("migrations are idempotent", func(t *testing.T) {
			n, err := s.Migrate(ctx)
			if err != nil || n != 0 {
				t.Fatalf("second migrate ran %d: %v", n, err)
			}
			applied, pending, err := s.MigrationStatus(ctx)
			if err != nil || applied == 0 || pending != 0 {
				t.Fatalf("status %d/%d: %v", applied, pending, err)
			}
		})
	})
}

// TestUpdateAll: the batched update writes exactly the rows whose version
// still matches, bumps only theirs, reports a stale and a missing row as
// not written and leaves them as they are (both dialects; on PostgreSQL
// one statement, on SQLite row by row).
func TestUpdateAll(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var ps []model.Provider
		for _, name := range []string{"ua-a", "ua-b", "ua-c"} {
			p := provider(name)
			if err := s.Read().Providers().Create(ctx, &p, "prv"); err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		// b moves on meanwhile: the batch holds a stale version of it.
		moved := ps[1]
		moved.Health = model.HealthDown
		if err := s.Read().Providers().Update(ctx, &moved); err != nil {
			t.Fatal(err)
		}
		missing := ps[2]
		missing.ID = "prv_missing"
		batch := []model.Provider{ps[0], ps[1], ps[2], missing}
		for i := range batch {
			batch[i].Health = model.HealthDegraded
		}
		written, err := updateAll(ctx, s, batch)
		if err != nil {
			t.Fatal(err)
		}
		if want := []bool{true, false, true, false}; len(written) != 4 || written[0] != want[0] || written[1] != want[1] || written[2] != want[2] || written[3] != want[3] {
			t.Fatalf("written %v, want %v", written, want)
		}
		for i, want := range []struct {
			health  string
			version int64
		}{{model.HealthDegraded, 2}, {model.HealthDown, 2}, {model.HealthDegraded, 2}} {
			got, err := s.Read().Providers().Get(ctx, ps[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Health != want.health || got.Version != want.version {
				t.Errorf("%s: health %s version %d, want %s %d", got.Name, got.Health, got.Version, want.health, want.version)
			}
		}
		if batch[0].Version != 2 || batch[1].Version != 1 || batch[2].Version != 2 {
			t.Errorf("versions after the batch: %d %d %d, want 2 1 2", batch[0].Version, batch[1].Version, batch[2].Version)
		}
	})
}
