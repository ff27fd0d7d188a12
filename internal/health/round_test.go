package health_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/health"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
)

// heldRound is the sim driver with one misconfigured provider (first in
// the probe's order) and one provider (last) whose first Discover waits
// for release: the round that makes it is held after it has put the
// misconfigured provider down in the monitor but before it writes that.
type heldRound struct {
	*sim.Driver
	bad, slow string
	entered   chan struct{}
	release   chan struct{}
	once      sync.Once
}

func (d *heldRound) Discover(ctx context.Context, providerID string) ([]provider.Site, error) {
	switch providerID {
	case d.bad:
		return nil, fmt.Errorf("opening the config of %s: %w: no secrets key", providerID, provider.ErrMisconfigured)
	case d.slow:
		first := false
		d.once.Do(func() { first = true })
		if first {
			close(d.entered)
			<-d.release
		}
	}
	return d.Driver.Discover(ctx, providerID)
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
	h, _ := opstest.Start(t, config.Monitoring{DownAfter: time.Hour, UpAfter: time.Hour, FailoverAfter: time.Hour})
	srv := h.Server
	ctx := context.Background()
	var ids []string
	for _, p := range srv.Fleet.Providers() {
		ids = append(ids, p.ID)
	}
	slices.Sort(ids)
	if len(ids) < 2 {
		t.Fatalf("the demo fleet has %d providers, want two or more", len(ids))
	}
	drv := &heldRound{Driver: srv.Sim, bad: ids[0], slow: ids[len(ids)-1],
		entered: make(chan struct{}), release: make(chan struct{})}
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
		checkDown(t, srv.Fleet.Provider, mon, ids[0])
		close(drv.release)
		<-first
	case <-time.After(200 * time.Millisecond):
		// Waiting for the held round, as it should: let it go.
		close(drv.release)
		<-first
		<-second
	}
	checkDown(t, srv.Fleet.Provider, mon, ids[0])
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
