// Package opstest builds fleets of workloads for the operations tests
// (failover, migration, evacuation, residency): an in-process server on the
// demo fleet, workloads created through the service (not HTTP, so rate
// limits do not apply), a fake clock for the health monitor, and
// convergence helpers that poll with deadlines.
package opstest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/bench"
	"github.com/soberana/soberana/internal/clock"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/server"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// Clock is a fake clock safe for concurrent use.
type Clock = clock.Fake

// NewClock starts at the real time.
func NewClock() *Clock { return NewClockAt(time.Now()) }

// NewClockAt starts at t.
func NewClockAt(t time.Time) *Clock { return clock.NewFake(t) }

// Start starts a demo server whose health monitor probes only when the
// test calls Probe, on a fake clock (returned). mon tunes the knobs.
func Start(t testing.TB, mon config.Monitoring) (*servertest.Harness, *Clock) {
	t.Helper()
	return StartWith(t, mon, servertest.Options{})
}

// StartWith is Start with the harness's other options o (its store, for
// one: o.Postgres); o.Configure is replaced.
func StartWith(t testing.TB, mon config.Monitoring, o servertest.Options) (*servertest.Harness, *Clock) {
	t.Helper()
	if mon.ProbeEvery == 0 {
		mon.ProbeEvery = 24 * time.Hour // the test probes
	}
	o.Configure = func(c *config.Config) { c.Monitoring = mon }
	h := servertest.Start(t, o)
	clk := NewClock()
	h.Server.Ops.Health.SetClock(clk.Now)
	return h, clk
}

// Demo names the demo fleet's objects the tests use (bench.ReadDemo).
type Demo = bench.Demo

// LoadDemo reads the demo fleet and opens the Brazilian ministry's data
// policy to the market (OpenMarket): the operations tests fail over,
// migrate and evacuate across every provider, the foreign one included.
func LoadDemo(t testing.TB, st *store.Store) Demo {
	t.Helper()
	ctx := context.Background()
	OpenMarket(t, st, "Ministério da Saúde (demo)")
	d, err := bench.ReadDemo(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// OpenPolicy is the demo market's open data policy (seed.MarketPolicy).
var OpenPolicy = seed.MarketPolicy

// OpenMarket gives the named institution OpenPolicy. The demo's policies
// are national; tests that need foreign providers say so with this.
func OpenMarket(t testing.TB, st *store.Store, institution string) {
	t.Helper()
	ctx := context.Background()
	err := st.InTx(ctx, func(tx *store.Tx) error {
		ins, err := tx.Institutions().All(ctx)
		if err != nil {
			return err
		}
		for _, in := range ins {
			if in.Name == institution {
				in.DataPolicy = OpenPolicy
				return tx.Institutions().Update(ctx, &in)
			}
		}
		return fmt.Errorf("no institution %q", institution)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// CreateMany creates n workloads from gen with conc goroutines, in
// process; it fails the test on an error.
func CreateMany(t testing.TB, svc *workload.Service, n, conc int, gen func(i int) workload.CreateRequest) []string {
	t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	next := make(chan int)
	for range conc {
		wg.Go(func() {
			for i := range next {
				w, _, err := svc.Create(context.Background(), workload.Actor{Name: "test", ID: "test"}, gen(i), nil)
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("workload %d: %w", i, err)
					}
					mu.Unlock()
					continue
				}
				ids[i] = w.ID
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if first != nil {
		t.Fatal(first)
	}
	return ids
}

// WaitRunning polls until every workload is running (or the deadline).
func WaitRunning(t testing.TB, st *store.Store, ids []string, within time.Duration) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(within)
	for {
		n, err := st.Read().Workloads().Count(ctx, map[string]string{"state": string(model.StateRunning)})
		if err != nil {
			t.Fatal(err)
		}
		if n >= int64(len(ids)) {
			return
		}
		if time.Now().After(deadline) {
			counts, _ := st.Read().WorkloadStateCounts(ctx)
			t.Fatalf("only %d of %d workloads running after %s: %v", n, len(ids), within, counts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Eventually polls cond until it is true or the deadline passes.
func Eventually(t testing.TB, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, detail := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %s", what, within, detail)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Snapshot maps each workload to its active placements (id → site).
func Snapshot(t testing.TB, st *store.Store) map[string]map[string]string {
	t.Helper()
	live, err := st.Read().LivePlacements(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, p := range live {
		if p.State == model.PlacementDeleting {
			continue
		}
		if out[p.WorkloadID] == nil {
			out[p.WorkloadID] = map[string]string{}
		}
		out[p.WorkloadID][p.ID] = p.SiteID
	}
	return out
}

// FailoverMonitoring is the health timing of the failover tests, driven
// by the fake clock: down after 15 s of failed probes, up after a minute,
// failover 30 s after down.
var FailoverMonitoring = config.Monitoring{DownAfter: 15 * time.Second, UpAfter: time.Minute, FailoverAfter: 30 * time.Second}

// CreateRunning creates one workload through the service as the test
// actor and waits (up to 30 s) until it runs.
func CreateRunning(t testing.TB, h *servertest.Harness, req workload.CreateRequest) model.Workload {
	t.Helper()
	w, _, err := h.Server.Workloads.Create(context.Background(), workload.Actor{Name: "test", ID: "test"}, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	WaitRunning(t, h.Server.Store, []string{w.ID}, 30*time.Second)
	return w
}

// Outage turns the simulated site's outage on (down) or off, then lets
// the health monitor probe probes times, 5 s apart on clk.
func Outage(t testing.TB, srv *server.Server, clk *Clock, providerID, siteID string, down bool, probes int) {
	t.Helper()
	ctx := context.Background()
	if err := srv.Sim.SetOutage(ctx, providerID, siteID, down); err != nil {
		t.Fatal(err)
	}
	for range probes {
		clk.Advance(5 * time.Second)
		srv.Ops.Health.Probe(ctx)
	}
}

// FailoverDue moves clk by FailoverMonitoring's failover delay, probes,
// and kicks the reconciler, which then fails over a site down since.
func FailoverDue(srv *server.Server, clk *Clock) {
	clk.Advance(FailoverMonitoring.FailoverAfter)
	srv.Ops.Health.Probe(context.Background())
	srv.Reconciler.Kick()
}

// FailSite takes a site down under FailoverMonitoring: a probe sees it up,
// it stops answering for 20 s (down after 15 s), and its failover falls
// due (FailoverDue).
func FailSite(t testing.TB, srv *server.Server, clk *Clock, providerID, siteID string) {
	t.Helper()
	srv.Ops.Health.Probe(context.Background())
	Outage(t, srv, clk, providerID, siteID, true, 4)
	FailoverDue(srv, clk)
}

// OnSite returns the workloads of a Snapshot with a replica on the site,
// and how many replicas that is.
func OnSite(snap map[string]map[string]string, siteID string) (map[string]bool, int) {
	affected, replicas := map[string]bool{}, 0
	for wl, ps := range snap {
		for _, sid := range ps {
			if sid == siteID {
				affected[wl] = true
				replicas++
			}
		}
	}
	return affected, replicas
}

// SetPolicy gives the institution the data policy p.
func SetPolicy(t testing.TB, st *store.Store, institutionID string, p model.DataPolicy) {
	t.Helper()
	ctx := context.Background()
	err := st.Write(ctx, func(tx *store.Tx) error {
		in, err := tx.Institutions().Get(ctx, institutionID)
		if err != nil {
			return err
		}
		in.DataPolicy = p
		return tx.Institutions().Update(ctx, &in)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Seen waits until a resync has seen the placement's resource at its
// provider and returns when it last did; not within the time fails the
// test.
func Seen(t testing.TB, st *store.Store, placementID string, within time.Duration) time.Time {
	t.Helper()
	var seen *time.Time
	Eventually(t, within, "a resync seeing placement "+placementID, func() (bool, string) {
		var err error
		if seen, err = st.Read().LastSeen(context.Background(), placementID); err != nil {
			t.Fatal(err)
		}
		return seen != nil, "not seen yet"
	})
	return *seen
}

// WaitSiteEmpty waits until the simulated site holds no resource (the
// stale ones of a failover removed); not within the time fails the test.
func WaitSiteEmpty(t testing.TB, st *store.Store, site model.Site, within time.Duration) {
	t.Helper()
	Eventually(t, within, "stale resources removed", func() (bool, string) {
		res, err := st.Read().SimList(context.Background(), site.ProviderID)
		if err != nil {
			t.Fatal(err)
		}
		left := 0
		for _, r := range res {
			if r.SiteID == site.ID {
				left++
			}
		}
		return left == 0, fmt.Sprintf("%d stale resources on %s", left, site.Name)
	})
}
