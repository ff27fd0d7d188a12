package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestEveryFleetWriteMovesFingerprint: an insert, an update and a delete
// on each fleet table each move that table's part of the fingerprint, and
// only that part, to a value it never had — also an update that changes
// no value (updated_at stays) and a row deleted and put back as it was
// (row count and newest updated_at as before), which a fingerprint of
// row counts and newest updated_at did not see.
func TestEveryFleetWriteMovesFingerprint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ids := fleetRows(t, s)
		seen := map[string]bool{}
		last := fingerprintParts(t, s)
		seen[strings.Join(last, ",")] = true
		step := func(what, table, stmt string, args ...any) {
			t.Helper()
			if _, err := s.DB().ExecContext(ctx, stmt, args...); err != nil {
				t.Fatalf("%s %s: %v", what, table, err)
			}
			now := fingerprintParts(t, s)
			fp := strings.Join(now, ",")
			if seen[fp] {
				t.Fatalf("after %s on %s the fingerprint %q is one it had before", what, table, fp)
			}
			seen[fp] = true
			for i, tbl := range store.FleetTables {
				if moved := now[i] != last[i]; moved != (tbl == table) {
					t.Fatalf("%s on %s: the part of %s went from %q to %q", what, table, tbl, last[i], now[i])
				}
			}
			part, err := s.Read().TableFingerprint(ctx, table)
			if err != nil || part != now[slices.Index(store.FleetTables, table)] {
				t.Fatalf("TableFingerprint(%s) = %q, %v; Fingerprint has %q", table, part, err, now)
			}
			last = now
		}
		for _, table := range store.FleetTables {
			step("an update that changes no value", table, `UPDATE `+table+` SET updated_at = updated_at WHERE id = $1`, ids[table])
		}
		// Children before parents, then back in the other order.
		order := []string{"images", "prices", "sites", "fx_rates", "institutions", "providers"}
		saved := map[string]savedRow{}
		for _, table := range order {
			saved[table] = readRow(t, s.DB(), table, ids[table])
			step("a delete", table, `DELETE FROM `+table+` WHERE id = $1`, ids[table])
		}
		for i := len(order) - 1; i >= 0; i-- {
			table := order[i]
			r := saved[table]
			ph := make([]string, len(r.cols))
			for k := range ph {
				ph[k] = fmt.Sprintf("$%d", k+1)
			}
			step("an insert of the row as it was", table, `INSERT INTO `+table+` (`+strings.Join(r.cols, ", ")+`) VALUES (`+strings.Join(ph, ", ")+`)`, r.vals...)
		}
	})
}

// fleetRows writes the demo fleet and one row of each fleet table that
// no other row refers to, and returns those rows' ids by table.
func fleetRows(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		if err := seed.Demo(ctx, tx); err != nil {
			return err
		}
		offs, err := tx.Offerings().All(ctx)
		if err != nil || len(offs) == 0 {
			return fmt.Errorf("offerings: %d, %v", len(offs), err)
		}
		p := model.Provider{Name: "Victim", Driver: model.DriverSim, Jurisdiction: "BR", Certification: "public", Currency: "BRL"}
		p.Defaults()
		if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
			return err
		}
		site := model.Site{ProviderID: p.ID, Name: "victim-1", Country: "BR", Subdivision: "BR-SP", City: "São Paulo",
			Latitude: -23.5, Longitude: -46.6, Capacity: model.Capacity{VCPUs: 4, MemoryMiB: 8192, DiskGiB: 100}, Simulated: true}
		site.Defaults()
		if err := tx.Sites().Create(ctx, &site, "site"); err != nil {
			return err
		}
		pr := model.Price{ProviderID: p.ID, OfferingID: offs[0].ID, Currency: "BRL", PerHour: "0.10", ValidFrom: "2026-01-01"}
		if err := tx.Prices().Create(ctx, &pr, "prc"); err != nil {
			return err
		}
		fx := model.FXRate{From: "EUR", To: "BRL", Rate: "6.01", ValidOn: "2026-01-01", Source: "test"}
		if err := tx.FXRates().Create(ctx, &fx, "fx"); err != nil {
			return err
		}
		in := model.Institution{Name: "Victim institution", Country: "BR", Currency: "BRL"}
		in.Defaults()
		if err := tx.Institutions().Create(ctx, &in, "ins"); err != nil {
			return err
		}
		img := model.Image{ProviderID: p.ID, SiteID: site.ID, Family: "ubuntu-24.04", ImageRef: "ref-1", ImageName: "Ubuntu 24.04", Simulated: true}
		if err := tx.Images().Create(ctx, &img, "img"); err != nil {
			return err
		}
		ids["providers"], ids["sites"], ids["prices"], ids["fx_rates"], ids["institutions"], ids["images"] = p.ID, site.ID, pr.ID, fx.ID, in.ID, img.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// fingerprintParts is the store's fingerprint split into its tables'
// parts.
func fingerprintParts(t *testing.T, s *store.Store) []string {
	t.Helper()
	fp, err := s.Read().Fingerprint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(fp, ",")
	if len(parts) != len(store.FleetTables) {
		t.Fatalf("fingerprint %q has %d parts for %d tables", fp, len(parts), len(store.FleetTables))
	}
	return parts
}

// savedRow is a row as read: its columns and values.
type savedRow struct {
	cols []string
	vals []any
}

func readRow(t *testing.T, db *sql.DB, table, id string) savedRow {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM `+table+` WHERE id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatalf("%s %s: no row", table, id)
	}
	return savedRow{cols: cols, vals: scanValues(t, rows, len(cols))}
}
