package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// costProbe reads one running workload's month-to-date cost at a fixed
// instant (an hour into the next day of its usage), so that the figure
// depends only on prices and exchange rates, never on when the test runs.
type costProbe struct {
	id       string
	iv       store.UsageInterval
	at       time.Time
	next     string // the day after the usage started, in force before at
	afterNow string // a day after at
}

func newCostProbe(t *testing.T, h *servertest.Harness) costProbe {
	t.Helper()
	w := h.CreateRunning(t, map[string]any{"project_id": h.FirstID(t, "/v1/projects?name=prontuario-eletronico"),
		"offering_id": h.FirstID(t, "/v1/offerings?name=SCS-1V-2-20s"), "replicas": 1, "classification": "internal",
		"residency": map[string]any{"countries": []string{"BR"}}})
	p := costProbe{id: w["id"].(string)}
	ivs, err := h.Server.Store.Read().WorkloadIntervals(context.Background(), p.id)
	if err != nil || len(ivs) != 1 {
		t.Fatalf("intervals of %s: %v %+v", p.id, err, ivs)
	}
	p.iv = ivs[0]
	day := p.iv.RatedTo.UTC().Truncate(24 * time.Hour)
	p.next = day.AddDate(0, 0, 1).Format(time.DateOnly)
	p.at = day.AddDate(0, 0, 1).Add(time.Hour)
	p.afterNow = day.AddDate(0, 0, 3).Format(time.DateOnly)
	return p
}

// costs returns the cost as GET /v1/workloads/{id} reads it (the store's
// read handle, through the cached price book) and as a transaction reads
// it (which loads the price book afresh).
func (p costProbe) costs(st *store.Store) (cached, fresh ledger.Cost, err error) {
	ctx := context.Background()
	if cached, err = ledger.WorkloadCost(ctx, st.Read(), p.id, p.at); err != nil {
		return
	}
	err = st.InTx(ctx, func(tx *store.Tx) (err error) {
		fresh, err = ledger.WorkloadCost(ctx, tx, p.id, p.at)
		return err
	})
	return
}

// read returns the cost read through the cache, failing when it is not
// the database's.
func (p costProbe) read(t *testing.T, st *store.Store) int64 {
	t.Helper()
	ok, msg := p.matches(st)
	if !ok {
		t.Fatalf("cost of %s: %s", p.id, msg)
	}
	c, _, _ := p.costs(st)
	return c.MonthToDate.Minor
}

// matches reports whether the cached cost is the database's.
func (p costProbe) matches(st *store.Store) (bool, string) {
	cached, fresh, err := p.costs(st)
	if err != nil {
		return false, err.Error()
	}
	return cached.MonthToDate == fresh.MonthToDate, cached.MonthToDate.String() + " read, " + fresh.MonthToDate.String() + " stored"
}

func (p costProbe) post(t *testing.T, h *servertest.Harness, path string, body map[string]any) {
	t.Helper()
	if _, err := h.Admin.Do(context.Background(), "POST", path, body, nil); err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
}

// waitCacheable waits until the server's store keeps the price book
// (PostgreSQL: its fleet listener connected), so that the test measures
// the cache and not a read without one.
func waitCacheable(t *testing.T, st *store.Store) {
	t.Helper()
	opstest.Eventually(t, time.Minute, "price book cacheable", func() (bool, string) { _, ok := st.PriceGeneration(); return ok, "" })
}

// TestPriceBookCacheSeesWrites: a price or exchange rate posted through
// the API is in the very next cost read on the same server, and a rate
// dated after the instant read changes nothing (the cached price book
// picks the same dated rate the database does).
func TestPriceBookCacheSeesWrites(t *testing.T) {
	t.Parallel()
	servertest.Each(t, servertest.Options{Configure: func(c *config.Config) {
		c.Ledger.RateEvery = 24 * time.Hour // the usage stays unrated: the cost reads the price book
	}}, func(t *testing.T, h *servertest.Harness) {
		st := h.Server.Store
		waitCacheable(t, st)
		p := newCostProbe(t, h)
		base := p.read(t, st)

		p.post(t, h, "/v1/prices", map[string]any{"provider_id": p.iv.ProviderID, "offering_id": p.iv.OfferingID,
			"currency": "USD", "per_hour": "2.0000", "valid_from": p.next})
		priced := p.read(t, st)
		if priced == base {
			t.Fatalf("a new price left the cost at %d", priced)
		}

		p.post(t, h, "/v1/fx-rates", map[string]any{"from": "USD", "to": p.iv.Currency,
			"rate": "7.1234", "valid_on": p.next, "source": "test"})
		rated := p.read(t, st)
		if rated == priced {
			t.Fatalf("a new exchange rate left the cost at %d", rated)
		}

		p.post(t, h, "/v1/fx-rates", map[string]any{"from": "USD", "to": p.iv.Currency,
			"rate": "9.9999", "valid_on": p.afterNow, "source": "test"})
		if got := p.read(t, st); got != rated {
			t.Fatalf("a rate dated after the instant read moved the cost from %d to %d", rated, got)
		}
	})
}
