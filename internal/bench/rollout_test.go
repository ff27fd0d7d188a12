package bench

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// 1,000 sim sites of one edge group in waves of 100: every wave rolls out
// and the release succeeds on every site. The loop runs pass by pass on a
// simulated clock, so nothing here depends on the machine's speed.
func TestRolloutWavesOf100Over1000SimSitesCompletes(t *testing.T) {
	res, err := Rollout(context.Background(), RolloutOpts{Store: storetest.SQLite(t), Sites: 1000, Wave: 100, Threshold: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res)
	if res.State != model.ReleaseSucceeded || res.SitesOK != 1000 || res.WavesTotal != 10 || res.WavesDone != 10 || res.SitesFailed != 0 {
		t.Fatalf("want succeeded on 1000 sites in 10 waves, got %+v", res)
	}
}

// 20 % injected failures in the third wave, with a threshold of 10 %: the
// rollout stops in that wave and returns every site it updated (the first
// two waves and the third's) to the previous state; nothing of the fourth
// wave on is touched.
func TestRolloutWaveWith20PercentFailuresStopsAndRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rolloutStopsAndRollsBack(t, st)
	})
}

func rolloutStopsAndRollsBack(t *testing.T, st *store.Store) {
	res, err := Rollout(context.Background(), RolloutOpts{Store: st, Sites: 1000, Wave: 100, Canary: 10,
		Threshold: 0.1, FailShare: 0.2, FailWave: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res)
	if res.State != model.ReleaseFailed || res.InjectedFailed != 20 {
		t.Fatalf("want failed with 20 injected failures, got %+v", res)
	}
	if res.WavesDone != 2 || res.WavesTotal != 11 {
		t.Errorf("stopped after %d of %d waves, want 2 of 11", res.WavesDone, res.WavesTotal)
	}
	// canary 10 + wave 2's 100 + wave 3's 100 touched, all returned.
	if res.SitesRolledBack != 210 || res.SitesOK != 0 {
		t.Errorf("rolled back %d sites (ok %d), want 210 (0)", res.SitesRolledBack, res.SitesOK)
	}
}

// Under the threshold a wave's failures do not stop the rollout: 5 % of a
// wave failing with a threshold of 10 % ends succeeded on the rest.
func TestRolloutFailuresWithinThresholdGoOn(t *testing.T) {
	res, err := Rollout(context.Background(), RolloutOpts{Store: storetest.SQLite(t), Sites: 200, Wave: 100,
		Threshold: 0.1, FailShare: 0.05, FailWave: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.State != model.ReleaseSucceeded || res.SitesFailed != 5 || res.SitesOK != 195 {
		t.Fatalf("want succeeded on 195 of 200 with 5 failed, got %+v", res)
	}
}
