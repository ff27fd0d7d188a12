package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// updateAll runs UpdateAll on ps in one transaction of s.
func updateAll(ctx context.Context, s *store.Store, ps []model.Provider) ([]bool, error) {
	ptrs := make([]*model.Provider, len(ps))
	for i := range ps {
		ptrs[i] = &ps[i]
	}
	var written []bool
	err := s.InTx(ctx, func(tx *store.Tx) error {
		var err error
		written, err = tx.Providers().UpdateAll(ctx, ptrs)
		return err
	})
	return written, err
}

// twoProviders creates two providers through s.
func twoProviders(t *testing.T, s *store.Store, prefix string) []model.Provider {
	t.Helper()
	var ps []model.Provider
	for _, n := range []string{"a", "b"} {
		p := provider(prefix + n)
		if err := s.Read().Providers().Create(context.Background(), &p, "prv"); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

// A rolling upgrade: this replica has cached the column types UpdateAll
// casts to, then a newer replica's migration changes one (here providers'
// health, text, becomes an enum). UpdateAll keeps working: the type error
// of the stale cast forgets the cache and the transaction runs again.
func TestUpdateAllAfterColumnTypeChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	old := storetest.Open(t, url)
	ps := twoProviders(t, old, "stale-")
	for i := range ps {
		ps[i].Health = model.HealthDegraded
	}
	if _, err := updateAll(ctx, old, ps); err != nil { // caches the types
		t.Fatal(err)
	}
	newer, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer newer.Close()
	for _, q := range []string{
		`CREATE TYPE provider_health AS ENUM ('healthy', 'degraded', 'down')`,
		`ALTER TABLE providers ALTER COLUMN health TYPE provider_health USING health::provider_health`,
	} {
		if _, err := newer.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for i := range ps {
		ps[i].Health = model.HealthDown
	}
	written, err := updateAll(ctx, old, ps)
	if err != nil {
		t.Fatalf("UpdateAll after the column's type changed: %v", err)
	}
	if !written[0] || !written[1] {
		t.Fatalf("written %v, want both", written)
	}
	for _, p := range ps {
		got, err := old.Read().Providers().Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Health != model.HealthDown {
			t.Errorf("%s: health %s, want %s", got.Name, got.Health, model.HealthDown)
		}
	}
}

// UpdateAll never writes a value other than the one it was given: a
// length-limited column refuses a value too long, as Update's plain
// UPDATE does, instead of keeping a silently truncated one (a cast to
// character varying(n) truncates).
func TestUpdateAllDoesNotTruncate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Postgres(t)
	ps := twoProviders(t, s, "t-")
	if _, err := s.DB().ExecContext(ctx, `ALTER TABLE providers ALTER COLUMN name TYPE varchar(8)`); err != nil {
		t.Fatal(err)
	}
	long := "t-" + strings.Repeat("x", 10)
	one := ps[0]
	one.Name = long
	if err := s.Read().Providers().Update(ctx, &one); err == nil {
		t.Fatal("Update stored a name longer than the column")
	}
	ps[0].Name = long
	_, err := updateAll(ctx, s, ps)
	got, gerr := s.Read().Providers().Get(ctx, ps[0].ID)
	if gerr != nil {
		t.Fatal(gerr)
	}
	if err == nil || got.Name != "t-a" {
		t.Fatalf("UpdateAll of a name too long: err %v, stored %q (want an error and the name unchanged)", err, got.Name)
	}
}
