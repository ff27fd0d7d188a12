package health_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/health"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/store"
)

// heldRound is sealedShut (one misconfigured provider, first in the
// probe's order) with one provider (last) whose first Discover waits for
// release: the round that makes it is held after it has put the
// misconfigured provider down in the monitor but before it writes that.
type heldRound struct {
	sealedShut
	slow    string
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (d *heldRound) Discover(ctx context.Context, providerID string) ([]provider.Site, error) {
	if providerID == d.slow {
		first := false
		d.once.Do(func() { first = true })
		if first {
			close(d.entered)
			<-d.release
		}
	}
	return d.sealedShut.Discover(ctx, providerID)
}

// TestProbeReturnsOnceItsChangesAreWritten: a Probe beside a round that
// is still running (Run's, or another caller's) waits for it, so that
// when it returns the fleet holds what the monitor says. Before, the
// second round found the provider already down in the monitor, had
// nothing to write and returned while the first round's write was still
// pending: the fleet showed the provider healthy (the flake of
// TestMisconfiguredProviderDownAtOnce).
func TestProbeReturnsOnceItsChangesAreWritten(t *testing.T) {
	t.Parallel()
	srv, sealed := startSealed(t)
	ctx := context.Background()
	var last string
	for _, p := range srv.Fleet.Providers() {
		last = max(last, p.ID)
	}
	drv := &heldRound{sealedShut: sealed, slow: last, entered: make(chan struct{}), release: make(chan struct{})}
	srv.Drivers.Set(sim.Name, drv)
	mon := srv.Ops.Health

	first := make(chan struct{})
	go func() { defer close(first); mon.Probe(ctx) }()
	<-drv.entered // a round is held; it has seen the bad provider down

	second := make(chan struct{})
	go func() { defer close(second); mon.Probe(ctx) }()
	select {
	case <-second:
		// Returned while the held round had not written: the fleet must
		// already say down (it did not, before rounds waited).
		checkDown(t, srv.Fleet.Provider, mon, sealed.providerID)
		close(drv.release)
		<-first
	case <-time.After(200 * time.Millisecond):
		// Waiting for the held round, as it should: let it go.
		close(drv.release)
		<-first
		<-second
	}
	checkDown(t, srv.Fleet.Provider, mon, sealed.providerID)
}

func checkDown(t *testing.T, get func(string) (model.Provider, bool), mon *health.Monitor, id string) {
	t.Helper()
	st, _ := mon.Get(health.KindProvider, id)
	if st.State != model.HealthDown {
		t.Fatalf("the monitor holds provider %s as %+v, want down", id, st)
	}
	if p, _ := get(id); p.Health != model.HealthDown {
		t.Fatalf("after Probe returned the fleet holds provider %s as %s, want down", id, p.Health)
	}
}

// TestFailedHealthWriteIsWrittenAgain: a health change whose write fails
// (here a trigger refuses it, as a database that is away would) is
// written by the next probe. Before, the monitor held the provider and
// its sites down while the fleet still said healthy, and no later probe
// wrote it — no transition was left to make — so nothing failed over.
func TestFailedHealthWriteIsWrittenAgain(t *testing.T) {
	t.Parallel()
	srv, sealed := startSealed(t)
	ctx := context.Background()
	p, _ := srv.Fleet.Provider(sealed.providerID)
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
	for _, s := range sitesOf(t, srv, p.ID) {
		if s.Health != model.HealthDown {
			t.Errorf("site %s is %s in the fleet, want down", s.ID, s.Health)
		}
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
