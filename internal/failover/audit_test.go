package failover_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/store"
)

// TestFailoverIsAudited: a site's failover writes failover.started and
// failover.recovered to the hash-chained audit log, once per outage, as
// the system actor, targeting the site; the chain still verifies.
func TestFailoverIsAudited(t *testing.T) {
	t.Parallel()
	h, clk, d := opstest.StartDemo(t, opstest.FailoverMonitoring)
	ctx := context.Background()
	srv := h.Server
	ids := opstest.CreateMany(t, srv.Workloads, 20, 4, d.Mixed)
	opstest.WaitRunning(t, srv.Store, ids, time.Minute)
	site := d.Sites["gru-1"]
	affected, _ := opstest.OnSite(opstest.Snapshot(t, srv.Store), site.ID)
	if len(affected) == 0 {
		t.Fatalf("no replica on %s", site.Name)
	}

	opstest.FailSite(t, srv, clk, site.ProviderID, site.ID)
	recovered(t, srv, site.ID, affected, 2*time.Minute, timeGoesOn(clk, srv))

	events := func(action string) []model.AuditEvent {
		evs, err := srv.Store.Read().AuditEvents(ctx, store.AuditFilter{Action: action, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	// The tracker checks every second on its own.
	opstest.Eventually(t, 30*time.Second, "failover audited", func() (bool, string) {
		return len(events("failover.recovered")) == 1, fmt.Sprint(srv.Ops.Failover.Records())
	})
	// The site stays down: one outage is one failover, audited once,
	// however many rounds run meanwhile — rounds of our own, some at once,
	// next to the tracker's own loop, no waiting on its ticker.
	var rounds sync.WaitGroup
	for range 3 {
		srv.Ops.Failover.Check(ctx)
		rounds.Go(func() { srv.Ops.Failover.Check(ctx) })
	}
	rounds.Wait()
	if recs := srv.Ops.Failover.Records(); len(recs) != 1 || recs[0].SiteID != site.ID || recs[0].RecoveredAt == nil {
		t.Fatalf("failover records of one outage: %+v", recs)
	}
	for _, action := range []string{"failover.started", "failover.recovered"} {
		evs := events(action)
		if len(evs) != 1 {
			t.Fatalf("%s: %d events, want 1", action, len(evs))
		}
		e := evs[0]
		if e.ActorKind != audit.ActorSystem || e.ActorID != audit.ActorSystem || e.ActorName != "system:failover" ||
			e.TargetKind != "sites" || e.TargetID != site.ID || e.Outcome != audit.OutcomeSuccess {
			t.Fatalf("%s: %+v", action, e)
		}
	}
	if started, rec := events("failover.started")[0], events("failover.recovered")[0]; started.Seq >= rec.Seq {
		t.Fatalf("recovered (seq %d) before started (seq %d)", rec.Seq, started.Seq)
	}
	rep, err := audit.CheckChain(ctx, srv.Store)
	if err != nil || rep.Break != nil {
		t.Fatalf("audit chain after the failover: %v %+v", err, rep.Break)
	}
}
