package health_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/health"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/store"
)

// TestFailedHealthWriteIsWrittenAgain: a health change whose write fails
// (here a trigger refuses it, as a database that is away would) is
// written by the next probe. Before, the monitor held the provider and
// its sites down while the fleet still said healthy, and no later probe
// wrote it — no transition was left to make — so nothing failed over.
func TestFailedHealthWriteIsWrittenAgain(t *testing.T) {
	t.Parallel()
	h, _ := opstest.Start(t, config.Monitoring{DownAfter: time.Hour, UpAfter: time.Hour, FailoverAfter: time.Hour})
	srv := h.Server
	ctx := context.Background()
	p := srv.Fleet.Providers()[0]
	srv.Drivers.Set(sim.Name, sealedShut{Driver: srv.Sim, providerID: p.ID})
	exec := func(q string) {
		t.Helper()
		if err := srv.Store.InTx(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q); return err }); err != nil {
			t.Fatal(err)
		}
	}
	for _, tbl := range []string{"providers", "sites"} {
		exec(`CREATE TRIGGER refuse_` + tbl + ` BEFORE UPDATE OF health ON ` + tbl + ` BEGIN SELECT RAISE(ABORT, 'database away'); END`)
	}
	mon := srv.Ops.Health
	mon.Probe(ctx)
	if st, _ := mon.Get(health.KindProvider, p.ID); st.State != model.HealthDown {
		t.Fatalf("the monitor holds the provider as %+v, want down", st)
	}
	if got, _ := srv.Fleet.Provider(p.ID); got.Health == model.HealthDown {
		t.Fatal("the refused write reached the fleet: the test injects nothing")
	}

	for _, tbl := range []string{"providers", "sites"} {
		exec(`DROP TRIGGER refuse_` + tbl)
	}
	mon.Probe(ctx)
	if got, _ := srv.Fleet.Provider(p.ID); got.Health != model.HealthDown {
		t.Fatalf("after the database came back the fleet holds the provider as %s, want down", got.Health)
	}
	sites := 0
	for id := range srv.Fleet.Usage() {
		if s, _ := srv.Fleet.Site(id); s.ProviderID == p.ID {
			sites++
			if s.Health != model.HealthDown {
				t.Errorf("site %s is %s in the fleet, want down", s.ID, s.Health)
			}
		}
	}
	if sites == 0 {
		t.Fatal("the provider has no sites")
	}
	// Written once: a third probe has nothing left to write.
	downs := func() int {
		t.Helper()
		evs, err := srv.Store.Read().AuditEvents(ctx, store.AuditFilter{Action: "provider.health." + model.HealthDown, TargetID: p.ID, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	before := downs()
	mon.Probe(ctx)
	if after := downs(); after != before || before != 1 {
		t.Fatalf("provider.health.down audited %d then %d times, want once", before, after)
	}
}
