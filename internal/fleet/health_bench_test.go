package fleet

import (
	"context"
	"fmt"
	"testing"

	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// BenchmarkSetSitesHealth10k: one op is 10,000 edge sites changing
// health together (a region losing its uplink, then coming back), written
// as the monitor writes them (10 batches of HealthBatch). It guards what
// each fleet write costs beyond its rows (the fleet tables' change
// counter, migration 00032).
func BenchmarkSetSitesHealth10k(b *testing.B) {
	for name, open := range map[string]func(testing.TB) *store.Store{"sqlite": storetest.SQLite, "postgres": storetest.Postgres} {
		b.Run(name, func(b *testing.B) {
			s := open(b)
			ctx := context.Background()
			ids := benchSites(b, s, 10_000)
			f := New(s, placement.New(placement.Options{}), nil)
			if err := f.Load(ctx); err != nil {
				b.Fatal(err)
			}
			changes := make([]HealthChange, len(ids))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				h := model.HealthDown
				if i%2 == 1 {
					h = model.HealthHealthy
				}
				i++
				for k, id := range ids {
					changes[k] = HealthChange{SiteID: id, Health: h}
				}
				if err := f.SetSitesHealth(ctx, changes, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchSites imports n edge subclouds (one site each) under a new
// provider and returns their site ids.
func benchSites(b *testing.B, s *store.Store, n int) []string {
	b.Helper()
	rows := make([]edge.Row, n)
	for i := range rows {
		rows[i] = edge.Row{Name: fmt.Sprintf("edge-%05d", i), Latitude: -23.5, Longitude: -46.6, Subdivision: "BR-SP"}
	}
	res := importEdge(b, s, rows...)
	ids := make([]string, len(res.Subclouds))
	for i, sc := range res.Subclouds {
		ids[i] = sc.SiteID
	}
	return ids
}
