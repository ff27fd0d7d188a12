package edge_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/store"
)

// TestDownWithinThreeMissedBeats drives the tracker and the server's
// real health monitor on a fake clock (no sleeps), at the 10 s interval,
// in 100 ms steps with the scans and ticks Run would make:
//   - a site that stops is down no earlier than its third missed beat's
//     deadline (3 intervals after its last beat) and no later than one
//     scan after it (3.1 intervals), and comes back after UpAfter of beats;
//   - a site whose beats are up to a quarter interval late is healthy
//     throughout;
//   - a site whose beats jitter by ±0.45 interval and that drops one beat
//     in seven is never down (gaps of up to 2.9 intervals);
//   - a site never heard is down three intervals after the tracker first
//     held its credential.
func TestDownWithinThreeMissedBeats(t *testing.T) {
	h, clk := opstest.Start(t, config.Monitoring{DownAfter: 15 * time.Second, UpAfter: time.Minute, FailoverAfter: time.Hour})
	srv := h.Server
	ctx := context.Background()
	prv := edgeProvider(t, srv.Store)
	var res edge.ImportResult
	if err := srv.Store.InTx(ctx, func(tx *store.Tx) error { var err error; res, err = edge.Import(ctx, tx, prv, rows(4)); return err }); err != nil {
		t.Fatal(err)
	}
	if err := srv.Fleet.Refresh(ctx, true); err != nil {
		t.Fatal(err)
	}
	const every = 10 * time.Second
	const step = 100 * time.Millisecond
	tr := edge.NewTracker(srv.Store, srv.Ops.Health, nil)
	tr.Clock = clk.Now
	tr.SetInterval(every)
	t0 := clk.Now()
	if err := tr.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	stops, late, jitter, never := res.Subclouds[0], res.Subclouds[1], res.Subclouds[2], res.Subclouds[3]

	// When each site beats, as offsets from t0, rounded to the step.
	rng := rand.New(rand.NewPCG(21, 3))
	beats := map[string]map[time.Duration]bool{stops.ID: {}, late.ID: {}, jitter.ID: {}}
	at := func(id string, d time.Duration) { beats[id][d.Round(step)] = true }
	const resume = 130 * time.Second
	for k := range 30 {
		base := time.Duration(k) * every
		if k <= 5 || base >= resume {
			at(stops.ID, base+300*time.Millisecond) // last beat before the stop: 50.3 s
		}
		at(late.ID, base+time.Duration(rng.Int64N(int64(every/4))))
		// ±0.45 interval around mid-interval, one beat in seven dropped:
		// gaps of up to 2.9 intervals, never three missed beats.
		if k%7 != 3 {
			at(jitter.ID, base+every/2+time.Duration(rng.Int64N(int64(every*9/10)))-every*9/20)
		}
	}
	lastStop := t0.Add(50*time.Second + 300*time.Millisecond)
	seq := map[string]uint64{}
	beat := func(sc edge.Imported) {
		t.Helper()
		seq[sc.ID]++
		if err := handleBeat(t, tr, edge.Heartbeat{Subcloud: sc.ID, Seq: seq[sc.ID], SentAt: clk.Now().UnixMicro()}, sc.PrivateKey); err != nil {
			t.Fatal(err)
		}
	}
	health := func(sc edge.Imported) string {
		s, ok := srv.Fleet.Site(sc.SiteID)
		if !ok {
			t.Fatalf("site %s not in the fleet", sc.SiteID)
		}
		return s.Health
	}
	var stopDown, neverDown time.Time
	backUp := false
	for d := step; d <= 300*time.Second; d += step {
		clk.Advance(step)
		for _, sc := range []edge.Imported{stops, late, jitter} {
			if beats[sc.ID][d] {
				beat(sc)
			}
		}
		if d%every == 0 {
			tr.Tick(ctx)
		}
		if d%(every/edge.ScansPerInterval) == 0 {
			tr.Scan(ctx)
		}
		now := clk.Now()
		if h := health(stops); h == model.HealthDown && stopDown.IsZero() {
			stopDown = now
		} else if h == model.HealthHealthy && !stopDown.IsZero() && d > resume {
			backUp = true
		}
		if health(never) == model.HealthDown && neverDown.IsZero() {
			neverDown = now
		}
		if h := health(late); h != model.HealthHealthy {
			t.Fatalf("at %s the site whose beats are up to a quarter interval late is %s", d, h)
		}
		if h := health(jitter); h == model.HealthDown {
			t.Fatalf("at %s the site with jittered and dropped beats is down", d)
		}
		if backUp && health(stops) != model.HealthHealthy {
			t.Fatalf("at %s the site that came back flapped to %s", d, health(stops))
		}
	}
	if stopDown.IsZero() {
		t.Fatal("the stopped site was never down")
	}
	missed := float64(stopDown.Sub(lastStop)) / float64(every)
	t.Logf("stopped site down %.2f intervals after its last beat", missed)
	if missed < edge.MissedBeats || missed > edge.MissedBeats+1.0/edge.ScansPerInterval {
		t.Fatalf("the stopped site was down %.2f intervals after its last beat, want within [3, 3.1]", missed)
	}
	if st, _ := srv.Ops.Health.Get("site", stops.SiteID); st.Transitions == 0 {
		t.Fatalf("status %+v", st)
	}
	if !backUp {
		t.Fatal("the stopped site did not come back after a minute of beats")
	}
	if got := neverDown.Sub(t0); got < edge.MissedBeats*every || got > edge.MissedBeats*every+every/edge.ScansPerInterval {
		t.Fatalf("the site never heard was down %s after the tracker held its credential, want 30–31 s", got)
	}
}
