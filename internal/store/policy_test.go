package store_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestDataPolicyRoundTrip: an institution's data policy is stored and
// read back whole, and updated in place.
func TestDataPolicyRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		in := model.Institution{Name: "Prefeitura", Country: "BR", Currency: "BRL",
			DataPolicy: model.DataPolicy{Sovereignty: model.SovereigntyRegional, Jurisdictions: []string{"BR", "AR"},
				Countries: []string{"BR", "AR"}, MinSovereignty: map[string]string{model.ClassRestricted: model.SovereigntyNational}}}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.Institutions().Create(ctx, &in, "ins") }); err != nil {
			t.Fatal(err)
		}
		got, err := s.Read().Institutions().Get(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.DataPolicy, in.DataPolicy) {
			t.Fatalf("round trip: %+v vs %+v", got.DataPolicy, in.DataPolicy)
		}
		got.DataPolicy = model.DataPolicy{}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.Institutions().Update(ctx, &got) }); err != nil {
			t.Fatal(err)
		}
		got, err = s.Read().Institutions().Get(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.DataPolicy, model.DataPolicy{Sovereignty: model.SovereigntyNational}) {
			t.Fatalf("an unset policy is stored as national: %+v", got.DataPolicy)
		}
	})
}

// TestMigrationGivesExistingInstitutionsNationalPolicy upgrades a database
// that has institutions from before data policies existed (schema 00006)
// and reads them back with the sovereign default: national, at home.
func TestMigrationGivesExistingInstitutionsNationalPolicy(t *testing.T) {
	ctx := context.Background()
	for name, open := range map[string]func(t *testing.T) (string, goose.Dialect){
		"sqlite": func(t *testing.T) (string, goose.Dialect) {
			return filepath.Join(t.TempDir(), "old.db"), goose.DialectSQLite3
		},
		"postgres": func(t *testing.T) (string, goose.Dialect) { return storetest.PostgresURL(t), goose.DialectPostgres },
	} {
		t.Run(name, func(t *testing.T) {
			url, dialect := open(t)
			s, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			old, err := goose.NewProvider(dialect, s.DB(), os.DirFS("migrations"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := old.UpTo(ctx, 6); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().ExecContext(ctx, `INSERT INTO institutions (id, name, country, currency, auto_approve_minor,
				allow_overdraft_requests, created_at, updated_at, version) VALUES ('ins_old', 'Ministério', 'BR', 'BRL', 0, false, 1, 1, 1)`); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			in, err := s.Read().Institutions().Get(ctx, "ins_old")
			if err != nil {
				t.Fatal(err)
			}
			if in.DataPolicy.Sovereignty != model.SovereigntyNational || in.DataPolicy.Floor(model.ClassPublic).Mode != model.SovereigntyNational ||
				!reflect.DeepEqual(in.DataPolicy.AllowedCountries(in.Country), []string{"BR"}) {
				t.Fatalf("existing institution after the migration: %+v", in.DataPolicy)
			}
		})
	}
}
