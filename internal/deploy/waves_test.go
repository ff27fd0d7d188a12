package deploy

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// A wave rollout whose server stops mid-way resumes the wave it was in on
// the next leader: the first wave's site is not applied again, and only
// the holder of the rollouts lease advances it (the old one's writes are
// refused).
func TestWaveRolloutResumesOnTheNextLeader(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSimEnv(t, nil)
	th := 0.0
	rel, err := e.svc.CreateRelease(ctx, "usr_test", SourceAPI, e.app.ID, ReleaseRequest{Image: "v1",
		StrategyRequest: StrategyRequest{MaxParallel: 1, FailureThreshold: &th}})
	if err != nil {
		t.Fatal(err)
	}
	// Run until the second wave is under way.
	for i := 0; ; i++ {
		if i > 40 {
			t.Fatal("the second wave never started")
		}
		if _, err := e.ro.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Second)
		if rel, err = e.st.Read().Releases().Get(ctx, rel.ID); err != nil {
			t.Fatal(err)
		}
		if rel.Strategy.Wave == 1 && rel.Steps[1].State == model.StepWaiting {
			break
		}
	}
	first := *rel.Steps[0].DoneAt
	// The server "crashes": its lease lapses and another takes over.
	if err := e.st.ReleaseLease(ctx, LeaseName, "test"); err != nil {
		t.Fatal(err)
	}
	next := NewRollouts(Options{Holder: "next", LeaseTTL: 24 * time.Hour, Poll: time.Second, StepTimeout: time.Minute}, e.st,
		DeployersFunc(func(context.Context, string) (Deployer, error) { return e.drv, nil }), nil)
	if ok, err := e.st.AcquireLease(ctx, LeaseName, "next", 24*time.Hour); err != nil || !ok {
		t.Fatalf("lease: %v %v", ok, err)
	}
	if _, err := e.ro.Pass(ctx); err == nil {
		if r2, _ := e.st.Read().Releases().Get(ctx, rel.ID); r2.Version != rel.Version {
			t.Fatal("the old leader advanced the rollout without the lease")
		}
	}
	e.ro = next
	done, _ := e.settle(t, rel.ID, 40)
	if done.State != model.ReleaseSucceeded || done.Strategy.Waves != 2 {
		t.Fatalf("state %s (%s), strategy %+v", done.State, Render("en", done.Reason), done.Strategy)
	}
	if !done.Steps[0].DoneAt.Equal(first) || done.Steps[0].Wave != 0 || done.Steps[1].Wave != 1 {
		t.Errorf("the first wave was redone: %+v", done.Steps)
	}
}

func TestWaveSizesAndThreshold(t *testing.T) {
	t.Parallel()
	cases := []struct {
		n, canary, par int
		want           []int
	}{
		{1000, 0, 100, []int{100, 100, 100, 100, 100, 100, 100, 100, 100, 100}},
		{250, 10, 100, []int{10, 100, 100, 40}},
		{5, 10, 2, []int{5}},
		{0, 1, 1, nil},
	}
	for _, c := range cases {
		got := waveSizes(c.n, c.canary, c.par)
		if len(got) != len(c.want) {
			t.Errorf("waveSizes(%d,%d,%d) = %v, want %v", c.n, c.canary, c.par, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("waveSizes(%d,%d,%d) = %v, want %v", c.n, c.canary, c.par, got, c.want)
				break
			}
		}
	}
	s := StrategyRequest{MaxParallel: 1}
	for _, th := range []float64{0.2} {
		s.FailureThreshold = &th
	}
	st, err := validateStrategy(s)
	if err != nil {
		t.Fatal(err)
	}
	if exceeds(st, 20, 100) || !exceeds(st, 21, 100) || exceeds(st, 0, 0) {
		t.Error("a threshold of 0.2 must allow 20 of 100 failures and stop at 21")
	}
}
