package edge_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/fleet"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// TestSilentSitesWrittenTogether: 5,000 subclouds go silent at once (a
// region loses its uplink). One scan takes every site down, written in
// one transaction per up to fleet.HealthBatch sites — not one transaction
// (and one NOTIFY) per site, which took 26 s for 5,000 — each site with
// its own audit event, and the fleet (the placement engine's copy) holds
// every new health when the scan returns. On PostgreSQL every replica
// hears of it through one NOTIFY per batch.
func TestSilentSitesWrittenTogether(t *testing.T) {
	servertest.BothStores(t, silentTogether)
}

func silentTogether(t *testing.T, pg bool) {
	const n = 5000
	h := servertest.Start(t, servertest.Options{Postgres: pg, NoDemo: true, Configure: func(c *config.Config) {
		c.Monitoring = config.Monitoring{ProbeEvery: 24 * time.Hour, DownAfter: 15 * time.Second, UpAfter: time.Minute, FailoverAfter: time.Hour}
	}})
	srv := h.Server
	ctx := context.Background()
	prv := edgeProvider(t, srv.Store)
	var res edge.ImportResult
	if err := srv.Store.InTx(ctx, func(tx *store.Tx) error { var err error; res, err = edge.Import(ctx, tx, prv, rows(n)); return err }); err != nil {
		t.Fatal(err)
	}
	if err := srv.Fleet.Refresh(ctx, true); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	clock := func() time.Time { return now }
	srv.Ops.Health.SetClock(clock)
	tr := edge.NewTracker(srv.Store, srv.Ops.Health, nil)
	tr.Clock = clock
	tr.SetInterval(10 * time.Second)
	if err := tr.Reload(ctx); err != nil {
		t.Fatal(err)
	}

	// Every NOTIFY of a health change, as another replica hears them.
	var notified atomic.Int64
	if pg {
		lctx, cancel := context.WithCancel(ctx)
		defer cancel()
		listening := make(chan struct{})
		var once atomic.Bool
		go func() {
			_ = srv.Store.Listen(lctx, store.ChannelFleet, func() {
				if once.CompareAndSwap(false, true) {
					close(listening)
				}
			}, func(p string) {
				if p == "health" {
					notified.Add(1)
				}
			})
		}()
		select {
		case <-listening:
		case <-time.After(10 * time.Second):
			t.Fatal("the listener did not connect")
		}
	}

	now = now.Add(edge.MissedBeats*10*time.Second + time.Second) // no beat from anyone
	// The scan's own transactions, from the statements its context ran:
	// the server's background loops (leases, sealing, rate counters) commit
	// meanwhile too, the more the longer a slow machine takes the scan.
	commits := srv.Store.Commits()
	sctx, stmts := store.LogStatements(ctx)
	start := time.Now()
	tr.Scan(sctx)
	took := time.Since(start)
	var txs uint64
	for _, q := range stmts.Statements() {
		if strings.EqualFold(strings.TrimSpace(q), "COMMIT") {
			txs++
		}
	}
	t.Logf("%d silent sites written in %s, %d transactions of the scan (%d in the whole server)", n, took, txs, srv.Store.Commits()-commits)

	// The fleet holds every new health as the scan returns.
	if down := len(srv.Fleet.DownSites()); down != n {
		t.Fatalf("the fleet holds %d sites down after the scan, want %d", down, n)
	}
	for _, sc := range res.Subclouds {
		if !srv.Fleet.Down(sc.SiteID) {
			t.Fatalf("site %s is not down in the fleet", sc.SiteID)
		}
	}
	// And the store, which other replicas and the next refresh read.
	stored, err := srv.Store.Read().Sites().Count(ctx, map[string]string{"health": model.HealthDown})
	if err != nil {
		t.Fatal(err)
	}
	if stored != n {
		t.Fatalf("%d sites down in the store, want %d", stored, n)
	}
	if err := srv.Fleet.Refresh(ctx, true); err != nil {
		t.Fatal(err)
	}
	if down := len(srv.Fleet.DownSites()); down != n {
		t.Fatalf("after a reload the fleet holds %d sites down, want %d", down, n)
	}

	// Together: 5 batches of 1,000 (one by one: 5,000).
	batches := (n + fleet.HealthBatch - 1) / fleet.HealthBatch
	if txs == 0 || txs > uint64(batches) {
		t.Fatalf("%d silent sites took %d transactions, want 1 to %d (one per %d sites)", n, txs, batches, fleet.HealthBatch)
	}

	// Each site's trail: exactly one event, its own.
	evs, err := srv.Store.Read().AuditEvents(ctx, store.AuditFilter{Action: "site.health." + model.HealthDown, Limit: 2 * n})
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, e := range evs {
		if e.ActorName != "system:health" || e.TargetKind != "sites" {
			t.Fatalf("event %+v", e)
		}
		per[e.TargetID]++
	}
	for _, sc := range res.Subclouds {
		if per[sc.SiteID] != 1 {
			t.Fatalf("site %s has %d site.health.down events, want 1", sc.SiteID, per[sc.SiteID])
		}
	}
	if len(evs) != n {
		t.Fatalf("%d site.health.down events, want %d", len(evs), n)
	}

	if pg {
		deadline := time.Now().Add(5 * time.Second)
		for notified.Load() < int64(batches) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // any late extra ones
		if got := notified.Load(); got < 1 || got > int64(batches) {
			t.Fatalf("%d health notifications for %d sites, want 1 to %d (one per batch)", got, n, batches)
		}
	}
}
