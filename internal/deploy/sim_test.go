package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/clock"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
)

// simEnv is the fixture on the sim provider: two sites, a fake clock the
// test advances, and a rollout loop driven pass by pass (no goroutine, no
// timing).
type simEnv struct {
	fix
	drv   *sim.Driver
	svc   *Service
	ro    *Rollouts
	app   model.App
	clock *clock.Fake
}

func newSimEnv(t *testing.T, deps Deployers) *simEnv {
	t.Helper()
	ctx := context.Background()
	e := &simEnv{clock: clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))}
	e.fix = newFix(t, "prv_simapps", []string{"site_sim_a", "site_sim_b"})
	e.st.SetClock(e.clock.Now)
	e.drv = sim.New(e.st)
	if deps == nil {
		deps = DeployersFunc(func(context.Context, string) (Deployer, error) { return e.drv, nil })
	}
	e.svc = NewService(e.st, testBox(t, e.st))
	e.ro = NewRollouts(Options{Holder: "test", LeaseTTL: 24 * time.Hour, Poll: time.Second, StepTimeout: time.Minute}, e.st, deps, nil)
	if ok, err := e.st.AcquireLease(ctx, LeaseName, "test", 24*time.Hour); err != nil || !ok {
		t.Fatalf("lease: %v %v", ok, err)
	}
	var err error
	e.app, _, err = e.svc.CreateApp(ctx, "usr_test", AppRequest{ProjectID: e.project.ID, WorkloadID: e.workload.ID, Name: "citas",
		Image: "registry.example.mx/salud/citas:v1", Port: 8080, Replicas: 3})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// settle runs passes, advancing the fake clock by a second after each, until
// the release ends; it fails the test after limit passes. It returns the
// release and how many passes it took.
func (e *simEnv) settle(t *testing.T, relID string, limit int) (model.Release, int) {
	t.Helper()
	ctx := context.Background()
	for i := 1; i <= limit; i++ {
		if _, err := e.ro.Pass(ctx); err != nil {
			t.Fatalf("pass %d: %v", i, err)
		}
		rel, err := e.st.Read().Releases().Get(ctx, relID)
		if err != nil {
			t.Fatal(err)
		}
		if rel.State == model.ReleaseSucceeded || rel.State == model.ReleaseFailed {
			return rel, i
		}
		e.clock.Advance(time.Second)
	}
	rel, _ := e.st.Read().Releases().Get(ctx, relID)
	all, _ := e.st.Read().ReleasesOf(ctx, rel.AppID)
	for _, x := range all {
		t.Logf("%s %s %s %v", x.ID, x.State, x.Image, x.NextAttemptAt)
	}
	t.Fatalf("release %s still %s after %d passes: %s", relID, rel.State, limit, Render("en", rel.Reason))
	return rel, limit
}

func (e *simEnv) release(t *testing.T, image string) model.Release {
	t.Helper()
	rel, err := e.svc.CreateRelease(context.Background(), "usr_test", SourceAPI, e.app.ID, ReleaseRequest{Image: image})
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

// running is the release each site's simulated app runs ("" for none).
func (e *simEnv) running(t *testing.T, relID string) []string {
	t.Helper()
	var out []string
	for _, p := range e.placements {
		as, err := e.drv.AppStatus(context.Background(), p.ProviderID, p.SiteID, provider.NamespaceName(p.ID), e.app.Name, relID)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case as.Available || as.Failed || strings.Contains(as.Reason, "replicas ready"):
			out = append(out, relID)
		case strings.Contains(as.Reason, "missing"):
			out = append(out, "")
		default:
			out = append(out, "other")
		}
	}
	return out
}

func TestSimRolloutSucceedsWithSimulatedURLs(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t, nil)
	rel, passes := e.settle(t, e.release(t, "v1").ID, 40)
	if rel.State != model.ReleaseSucceeded {
		t.Fatalf("state %s: %s", rel.State, Render("en", rel.Reason))
	}
	// 3 replicas, one ready per simulated second, on each of 2 sites.
	if passes < 6 {
		t.Errorf("rolled out in %d passes: readiness was not simulated over time", passes)
	}
	for _, st := range rel.Steps {
		if st.State != model.StepAvailable || !st.Simulated || !strings.HasSuffix(st.URL, "."+sim.AppDomain) {
			t.Errorf("step %+v: want available, simulated, with a URL under %s", st, sim.AppDomain)
		}
	}
	app, _ := e.st.Read().Apps().Get(context.Background(), e.app.ID)
	if app.CurrentReleaseID != rel.ID {
		t.Errorf("current release %q, want %q", app.CurrentReleaseID, rel.ID)
	}
}

func TestSimInjectedFailureRollsBack(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t, nil)
	v1, _ := e.settle(t, e.release(t, "v1").ID, 40)
	v2, _ := e.settle(t, e.release(t, "fail").ID, 40)
	if v2.State != model.ReleaseFailed || !strings.Contains(Render("en", v2.Reason), "rolled back") {
		t.Fatalf("v2 %s: %s", v2.State, Render("en", v2.Reason))
	}
	if !strings.Contains(v2.Steps[0].Reason, "injected") || v2.Steps[1].State != model.StepPending {
		t.Errorf("steps %+v: want site 1 failed by injection, site 2 never touched", v2.Steps)
	}
	if got := e.running(t, v1.ID); got[0] != v1.ID || got[1] != v1.ID {
		t.Errorf("sites run %v, want both back on v1 %s", got, v1.ID)
	}
	app, _ := e.st.Read().Apps().Get(context.Background(), e.app.ID)
	if app.CurrentReleaseID != v1.ID {
		t.Errorf("current release %q, want v1 %q", app.CurrentReleaseID, v1.ID)
	}
	// A first release that fails leaves nothing behind on a fresh app.
}

// terminal checks that an ended release is due no more: the loop has
// nothing to do for it, and says nothing about it.
func (e *simEnv) terminal(t *testing.T, rel model.Release) {
	t.Helper()
	ctx := context.Background()
	if rel.NextAttemptAt != nil {
		t.Errorf("failed release still scheduled at %v", rel.NextAttemptAt)
	}
	e.clock.Advance(10 * time.Minute) // well past any backoff, within the lease
	due, err := e.st.Read().DueReleases(ctx, e.st.Now(), model.ReleaseQueued, model.ReleaseRollingOut, model.ReleaseRollingBack)
	if err != nil || len(due) != 0 {
		t.Fatalf("due after the end: %v %v", due, err)
	}
	if more, err := e.ro.Pass(ctx); more || err != nil {
		t.Fatalf("pass after the end: more=%v err=%v", more, err)
	}
}

func TestSimFailedRollbackEndsFailedOnce(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t, nil)
	v1, _ := e.settle(t, e.release(t, "v1").ID, 40)
	rel, passes := e.settle(t, e.release(t, "fail-rollback").ID, 40)
	why := Render("en", rel.Reason)
	if rel.State != model.ReleaseFailed || !strings.Contains(why, "rollback failed") || !strings.Contains(why, "rollback refused") {
		t.Fatalf("%s: %s", rel.State, why)
	}
	if passes > 10 {
		t.Errorf("took %d passes: a refused rollback must end at once", passes)
	}
	e.terminal(t, rel)
	if es := Render("es", rel.Reason); !strings.Contains(es, "la reversión falló") {
		t.Errorf("es: %s", es)
	}
	// The refusal was once: the next release rolls out.
	v3, _ := e.settle(t, e.release(t, "v3").ID, 40)
	if v3.State != model.ReleaseSucceeded {
		t.Fatalf("v3 %s: %s", v3.State, Render("en", v3.Reason))
	}
	_ = v1
}

func TestUnreachableRollbackEndsFailedAfterTimeout(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t, nil)
	ctx := context.Background()
	e.settle(t, e.release(t, "v1").ID, 40)
	rel := e.release(t, "fail")
	// Fail site 1, then cut it off before the rollback reaches it.
	for i := 0; i < 40; i++ {
		if _, err := e.ro.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		r, _ := e.st.Read().Releases().Get(ctx, rel.ID)
		if r.State == model.ReleaseRollingBack {
			break
		}
		e.clock.Advance(time.Second)
	}
	if err := e.drv.SetOutage(ctx, e.provider.ID, e.placements[0].SiteID, true); err != nil {
		t.Fatal(err)
	}
	// Passes only do work when the release is due: count the attempts.
	attempts := 0
	var got model.Release
	for i := 0; i < 400; i++ {
		if _, err := e.ro.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		got, _ = e.st.Read().Releases().Get(ctx, rel.ID)
		if got.State == model.ReleaseFailed {
			break
		}
		attempts = got.Steps[0].RollbackAttempts
		e.clock.Advance(time.Second)
	}
	why := Render("en", got.Reason)
	if got.State != model.ReleaseFailed || !strings.Contains(why, "rollback failed") || !strings.Contains(why, "outage") {
		t.Fatalf("%s: %s", got.State, why)
	}
	// Backoff: 1, 2, 4, 8, 16, 32 s … within the one-minute step timeout,
	// not one attempt per second.
	if attempts == 0 || attempts > 8 {
		t.Errorf("%d rollback attempts within a minute; want a few, with backoff", attempts)
	}
	e.terminal(t, got)
}

func TestDriverWithoutAppsEndsFailedAtOnce(t *testing.T) {
	t.Parallel()
	cannot := errors.New("provider prv_x (driver openstack) cannot run apps")
	e := newSimEnv(t, DeployersFunc(func(context.Context, string) (Deployer, error) { return nil, cannot }))
	rel, passes := e.settle(t, e.release(t, "v1").ID, 10)
	why := Render("en", rel.Reason)
	if rel.State != model.ReleaseFailed || !strings.Contains(why, "cannot run apps") {
		t.Fatalf("%s: %s", rel.State, why)
	}
	if passes > 4 {
		t.Errorf("%d passes", passes)
	}
	e.terminal(t, rel)
}
