package store_test

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

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
		ptrs := make([]*model.Provider, len(batch))
		for i := range batch {
			batch[i].Health = model.HealthDegraded
			ptrs[i] = &batch[i]
		}
		var written []bool
		err := s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			written, err = tx.Providers().UpdateAll(ctx, ptrs)
			return err
		})
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
