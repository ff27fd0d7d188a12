package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestCreateManyAsCreate: Repo.CreateMany stores what Create would for
// each (ids, times, version 1) in one statement, and is all or nothing:
// one row that cannot be inserted (here an id already taken) fails it
// with ErrDuplicate and none of the others is written.
func TestCreateManyAsCreate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		offering := func(name string) model.Offering {
			return model.Offering{Name: name, Kind: model.KindVM, VCPUs: 1, MemoryMiB: 2048, DiskGiB: 20}
		}
		given := offering("given")
		given.ID = "off_given"
		made := []model.Offering{offering("a"), given, offering("c")}
		lctx, log := store.LogStatements(ctx)
		if err := s.InTx(lctx, func(tx *store.Tx) error { return tx.Offerings().CreateMany(lctx, made, "off") }); err != nil {
			t.Fatal(err)
		}
		// BEGIN, the insert, COMMIT.
		if n := log.Len(); n > 3 {
			t.Errorf("CreateMany of 3 ran %d statements, want at most 3: %q", n, log.Statements())
		}
		if made[1].ID != "off_given" {
			t.Fatalf("CreateMany replaced a given id with %s", made[1].ID)
		}
		for _, o := range made {
			got, err := s.Read().Offerings().Get(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != o.Name || got.Version != 1 || o.Version != 1 || !got.CreatedAt.Equal(o.CreatedAt) || o.CreatedAt.IsZero() {
				t.Fatalf("stored %+v, created %+v", got, o)
			}
		}
		// The second of three takes an id already stored.
		taken := offering("taken")
		taken.ID = made[0].ID
		again := []model.Offering{offering("d"), taken, offering("e")}
		err := s.InTx(ctx, func(tx *store.Tx) error { return tx.Offerings().CreateMany(ctx, again, "off") })
		if !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("CreateMany with an id taken: %v, want ErrDuplicate", err)
		}
		for _, o := range []model.Offering{again[0], again[2]} {
			if _, err := s.Read().Offerings().Get(ctx, o.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("offering %s written by a failed CreateMany: %v", o.Name, err)
			}
		}
		if got, err := s.Read().Offerings().Get(ctx, made[0].ID); err != nil || got.Name != "a" {
			t.Fatalf("the stored offering after a failed CreateMany: %+v %v", got, err)
		}
	})
}
