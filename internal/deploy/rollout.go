package deploy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// Deployer applies apps on the sites of one provider: a driver with the
// provider.AppDeployer capability (kubernetes, sim).
type Deployer = provider.AppDeployer

// Deployers finds the deployer of a provider.
type Deployers interface {
	Deployer(ctx context.Context, providerID string) (Deployer, error)
}

// DeployersFunc adapts a function.
type DeployersFunc func(ctx context.Context, providerID string) (Deployer, error)

// Deployer calls f.
func (f DeployersFunc) Deployer(ctx context.Context, providerID string) (Deployer, error) {
	return f(ctx, providerID)
}

// Verdict is a health gate's answer.
type Verdict int

// Verdicts.
const (
	Wait Verdict = iota
	Pass
	Fail
)

// Gate is the health gate a site passes after its Deployment is available
// and before the rollout goes on (e.g. probe the app's health path through
// the site's ingress, or look at its error rate). Nil passes at once.
type Gate interface {
	Check(ctx context.Context, app model.App, rel model.Release, step model.Step) (Verdict, string, error)
}

// GateFunc adapts a function.
type GateFunc func(ctx context.Context, app model.App, rel model.Release, step model.Step) (Verdict, string, error)

// Check calls f.
func (f GateFunc) Check(ctx context.Context, app model.App, rel model.Release, step model.Step) (Verdict, string, error) {
	return f(ctx, app, rel, step)
}

// Options tune the rollout loop.
type Options struct {
	Holder      string        // lease holder (default random)
	LeaseTTL    time.Duration // default 10 s
	Poll        time.Duration // while a site becomes available (default 1 s)
	StepTimeout time.Duration // per site (default 10 min)
	CallTimeout time.Duration // per driver call (default 20 s)
	Idle        time.Duration // longest sleep without a kick (default 1 s)
	Gate        Gate
}

// LeaseName is the lease the rollout loop runs under.
const LeaseName = "rollouts"

// Rollouts advances releases: level-triggered, resumable after a crash.
type Rollouts struct {
	o    Options
	st   *store.Store
	deps Deployers
	log  *slog.Logger
	kick chan struct{}
	mu   sync.Mutex
	// afterApply is a test hook called after a step's objects are
	// applied and before that is recorded (a crash there must not
	// duplicate anything on resume).
	afterApply func(model.Release, model.Step) error
}

// NewRollouts returns the loop.
func NewRollouts(o Options, st *store.Store, deps Deployers, log *slog.Logger) *Rollouts {
	if o.Holder == "" {
		o.Holder = "rollouts-" + randHex(6)
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 10 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.StepTimeout <= 0 {
		o.StepTimeout = 10 * time.Minute
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 20 * time.Second
	}
	if o.Idle <= 0 {
		o.Idle = time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Rollouts{o: o, st: st, deps: deps, log: log, kick: make(chan struct{}, 1)}
}

// Kick wakes the loop.
func (r *Rollouts) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run passes until ctx ends, while it holds the lease.
func (r *Rollouts) Run(ctx context.Context) error {
	for {
		ok, err := r.st.AcquireLease(ctx, LeaseName, r.o.Holder, r.o.LeaseTTL)
		if err != nil && ctx.Err() == nil {
			r.log.Warn("rollout lease", "err", err)
		}
		wait := r.o.Idle
		if ok {
			more, err := r.Pass(ctx)
			if err != nil && ctx.Err() == nil {
				r.log.Warn("rollout pass", "err", err)
			}
			if more {
				wait = 0
			}
		} else {
			wait = r.o.LeaseTTL / 3
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			_ = r.st.ReleaseLease(context.Background(), LeaseName, r.o.Holder)
			return nil
		case <-r.kick:
			t.Stop()
		case <-t.C:
		}
	}
}

// Pass advances every due release by one step; more reports work that is
// due at once.
func (r *Rollouts) Pass(ctx context.Context) (more bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	due, err := r.st.Read().DueReleases(ctx, r.st.Now(), model.ReleaseQueued, model.ReleaseRollingOut, model.ReleaseRollingBack)
	if err != nil {
		return false, err
	}
	busy := map[string]bool{}
	for _, rel := range due {
		if rel.State != model.ReleaseQueued {
			busy[rel.AppID] = true
		}
	}
	var errs []error
	for _, rel := range due {
		if rel.State == model.ReleaseQueued {
			if busy[rel.AppID] {
				continue
			}
			if active, err := r.active(ctx, rel.AppID); err != nil || active {
				errs = append(errs, err)
				continue
			}
			busy[rel.AppID] = true
		}
		m, err := r.advance(ctx, rel)
		more = more || m
		if err != nil && !errors.Is(err, store.ErrConflict) {
			errs = append(errs, fmt.Errorf("release %s: %w", rel.ID, err))
		}
	}
	return more, errors.Join(errs...)
}

// active reports a release of the app rolling out or back (even one not due now).
func (r *Rollouts) active(ctx context.Context, appID string) (bool, error) {
	list, err := r.st.Read().ReleasesOf(ctx, appID)
	for _, x := range list {
		if x.State == model.ReleaseRollingOut || x.State == model.ReleaseRollingBack {
			return true, err
		}
	}
	return false, err
}

// save records rel if the lease is still ours and nobody changed it.
func (r *Rollouts) save(ctx context.Context, rel *model.Release, next time.Duration, app *model.App) error {
	at := r.st.Now().Add(next)
	rel.NextAttemptAt = &at
	if rel.State == model.ReleaseSucceeded || rel.State == model.ReleaseFailed {
		rel.NextAttemptAt = nil
	}
	return r.st.InTx(ctx, func(tx *store.Tx) error {
		if ok, err := tx.HoldsLease(ctx, LeaseName, r.o.Holder); err != nil || !ok {
			return fmt.Errorf("%w: rollout lease lost", store.ErrConflict)
		}
		if app != nil {
			if err := tx.Apps().Update(ctx, app); err != nil {
				return err
			}
		}
		return tx.Releases().Update(ctx, rel)
	})
}

func (r *Rollouts) spec(app model.App, rel model.Release) provider.AppSpec {
	return provider.AppSpec{Name: app.Name, AppID: app.ID, ReleaseID: rel.ID, Image: rel.Image, Port: int32(app.Port),
		Replicas: int32(app.Replicas), Env: app.Env, HealthPath: app.HealthPath,
		ProgressDeadline: int32(max(r.o.StepTimeout/time.Second, 1))}
}

func (r *Rollouts) call(ctx context.Context, f func(ctx context.Context) error) error {
	cctx, cancel := context.WithTimeout(ctx, r.o.CallTimeout)
	defer cancel()
	return f(cctx)
}

// advance moves one release one step.
func (r *Rollouts) advance(ctx context.Context, rel model.Release) (bool, error) {
	app, err := r.st.Read().Apps().Get(ctx, rel.AppID)
	if err != nil {
		return false, err
	}
	now := r.st.Now()
	switch rel.State {
	case model.ReleaseQueued:
		if rel.Strategy != nil {
			return true, r.startWaves(ctx, app, rel)
		}
		return true, r.start(ctx, app, rel)

	case model.ReleaseRollingOut:
		if rel.Strategy != nil {
			return r.advanceWave(ctx, app, rel)
		}
		i := 0
		for i < len(rel.Steps) && rel.Steps[i].State == model.StepAvailable {
			i++
		}
		if i == len(rel.Steps) {
			if err := setRelease(&rel, model.ReleaseSucceeded); err != nil {
				return false, err
			}
			rel.Reason = M("release.reason.succeeded", strconv.Itoa(len(rel.Steps))).enc()
			app.CurrentReleaseID = rel.ID
			return false, r.save(ctx, &rel, 0, &app)
		}
		st := &rel.Steps[i]
		dep, err := r.deps.Deployer(ctx, st.ProviderID)
		if err != nil {
			return false, r.fail(ctx, &rel, i, M("release.reason.apply", err.Error()))
		}
		rel.Reason = M("release.reason.rolling", st.SiteID, strconv.Itoa(i+1), strconv.Itoa(len(rel.Steps))).enc()
		switch st.State {
		case model.StepPending:
			err := r.call(ctx, func(ctx context.Context) error {
				return dep.ApplyApp(ctx, st.ProviderID, st.SiteID, st.Namespace, r.spec(app, rel))
			})
			if err != nil {
				if st.StartedAt != nil && now.Sub(*st.StartedAt) > r.o.StepTimeout {
					return false, r.fail(ctx, &rel, i, M("release.reason.apply", err.Error()))
				}
				if st.StartedAt == nil {
					st.StartedAt = &now
				}
				st.Reason = err.Error()
				return false, r.save(ctx, &rel, r.o.Poll, nil)
			}
			if r.afterApply != nil {
				if err := r.afterApply(rel, *st); err != nil {
					return false, err
				}
			}
			if err := setStep(st, model.StepWaiting); err != nil {
				return false, err
			}
			st.Reason = ""
			if st.StartedAt == nil {
				st.StartedAt = &now
			}
			return false, r.save(ctx, &rel, r.o.Poll/4, nil)
		case model.StepWaiting:
			passed, fail, err := r.poll(ctx, dep, app, rel, st, now)
			switch {
			case err != nil:
				return false, err
			case fail != nil:
				return false, r.fail(ctx, &rel, i, *fail)
			case passed:
				return true, r.save(ctx, &rel, 0, nil)
			}
			return false, r.save(ctx, &rel, r.o.Poll, nil)
		}
		return false, r.fail(ctx, &rel, i, M("release.reason.apply", "step in state "+string(st.State)))

	case model.ReleaseRollingBack:
		return false, r.rollBack(ctx, app, rel)
	}
	return false, nil
}

// workloadSteps are the pending steps of the running replicas of the
// app's workload, in replica order, each in the namespace the replica's
// resource names (or the placement's own).
func (r *Rollouts) workloadSteps(ctx context.Context, app model.App) (model.Steps, error) {
	pls, err := r.st.Read().Placements().List(ctx, store.ListOptions{Filters: map[string]string{"workload_id": app.WorkloadID}, Limit: 1000})
	if err != nil {
		return nil, err
	}
	var steps model.Steps
	for _, p := range sortByReplica(pls.Items) {
		if p.State != model.PlacementRunning {
			continue
		}
		ns := provider.NamespaceName(p.ID)
		if _, after, ok := strings.Cut(p.ResourceID, "/"); ok && after != "" {
			ns = after
		}
		steps = append(steps, model.Step{SiteID: p.SiteID, ProviderID: p.ProviderID, Namespace: ns, State: model.StepPending})
	}
	return steps, nil
}

// start fixes the release's sites (the running replicas of the app's
// workload, in replica order) and what it falls back to.
func (r *Rollouts) start(ctx context.Context, app model.App, rel model.Release) error {
	steps, err := r.workloadSteps(ctx, app)
	if err != nil {
		return err
	}
	rel.PreviousID = app.CurrentReleaseID
	rel.Steps = steps
	if len(steps) == 0 {
		if err := setRelease(&rel, model.ReleaseFailed); err != nil {
			return err
		}
		rel.Reason = M("release.reason.no_sites", app.WorkloadID).enc()
		return r.save(ctx, &rel, 0, nil)
	}
	if err := setRelease(&rel, model.ReleaseRollingOut); err != nil {
		return err
	}
	rel.Reason = M("release.reason.rolling", steps[0].SiteID, "1", strconv.Itoa(len(steps))).enc()
	return r.save(ctx, &rel, 0, nil)
}

func sortByReplica(ps []store.PlacementRow) []store.PlacementRow {
	out := append([]store.PlacementRow(nil), ps...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (out[j].Replica < out[j-1].Replica || (out[j].Replica == out[j-1].Replica && out[j].ID < out[j-1].ID)); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// fail stops the rollout at step i and turns it into a rollback.
func (r *Rollouts) fail(ctx context.Context, rel *model.Release, i int, why Msg) error {
	now := r.st.Now()
	st := &rel.Steps[i]
	if err := setStep(st, model.StepFailed); err != nil {
		return err
	}
	if err := setRelease(rel, model.ReleaseRollingBack); err != nil {
		return err
	}
	st.Reason, st.DoneAt = Render("en", why.enc()), &now
	rel.Reason = M("release.reason.rolling_back", st.SiteID, st.Reason).enc()
	return r.save(ctx, rel, 0, nil)
}

// rollbackBackoff is the wait before the n-th retry of a rollback: Poll,
// doubling, at most a minute.
func (r *Rollouts) rollbackBackoff(n int) time.Duration {
	d := r.o.Poll
	for ; n > 1 && d < time.Minute; n-- {
		d *= 2
	}
	return min(d, time.Minute)
}

// retryable: worth another rollback attempt (the provider did not answer).
func retryable(err error) bool {
	return errors.Is(err, provider.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded)
}

// rollBack returns every site the release touched, last first, to the
// previous release (or removes the app where there was none). A site that
// does not answer is retried with backoff until StepTimeout after the
// failure; a rollback that cannot be done (the provider refuses, or the
// time is up) ends the release failed with both reasons, terminally:
// nothing retries it, and the sites it names may run either release.
func (r *Rollouts) rollBack(ctx context.Context, app model.App, rel model.Release) error {
	now := r.st.Now()
	var prev *model.Release
	if rel.PreviousID != "" {
		p, err := r.st.Read().Releases().Get(ctx, rel.PreviousID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil {
			prev = &p
		}
	}
	failedSite, why := "", ""
	var began *time.Time
	for i := range rel.Steps {
		if st := rel.Steps[i]; st.State == model.StepFailed && failedSite == "" {
			failedSite, why, began = st.SiteID, st.Reason, st.DoneAt
		}
	}
	if began == nil {
		began = &now
	}
	for i := len(rel.Steps) - 1; i >= 0; i-- {
		st := &rel.Steps[i]
		if st.State == model.StepPending || st.State == model.StepRolledBack || st.RolledBack {
			continue
		}
		dep, err := r.deps.Deployer(ctx, st.ProviderID)
		if err == nil {
			err = r.call(ctx, func(ctx context.Context) error {
				if prev == nil {
					return dep.DeleteApp(ctx, st.ProviderID, st.SiteID, st.Namespace, app.Name)
				}
				return dep.ApplyApp(ctx, st.ProviderID, st.SiteID, st.Namespace, r.spec(app, *prev))
			})
		}
		if err != nil {
			st.RollbackAttempts++
			if retryable(err) && now.Sub(*began) <= r.o.StepTimeout {
				st.Reason = reasonWith(st.Reason, "rollback: "+err.Error())
				return r.save(ctx, &rel, r.rollbackBackoff(st.RollbackAttempts), nil)
			}
			r.log.Warn("release rollback failed; the release ends failed", "release", rel.ID, "app", app.Name, "site", st.SiteID, "err", err)
			if err := setRelease(&rel, model.ReleaseFailed); err != nil {
				return err
			}
			rel.Reason = M("release.reason.rollback_failed", failedSite, why, st.SiteID, err.Error()).enc()
			return r.save(ctx, &rel, 0, nil)
		}
		if st.State == model.StepFailed {
			st.RolledBack = true
		} else if err := setStep(st, model.StepRolledBack); err != nil {
			return err
		}
	}
	for i := range rel.Steps {
		if rel.Steps[i].State == model.StepFailed {
			rel.Steps[i].Reason = reasonWith(rel.Steps[i].Reason, "rolled back")
		}
	}
	if err := setRelease(&rel, model.ReleaseFailed); err != nil {
		return err
	}
	rel.Reason = M("release.reason.site_failed", failedSite, why).enc()
	if s := rel.Strategy; s != nil {
		p := ProgressOf(rel)
		rel.Reason = M("release.reason.waves_rolled_back", strconv.Itoa(s.Wave+1), strconv.Itoa(s.Waves), strconv.Itoa(p.SitesFailed),
			s.FailureThreshold, strconv.Itoa(p.SitesRolledBack)).enc()
	}
	return r.save(ctx, &rel, 0, nil)
}

// reasonWith appends a note to a step's reason once, replacing an earlier
// rollback note.
func reasonWith(reason, note string) string {
	if i := strings.Index(reason, "; rollback: "); i >= 0 {
		reason = reason[:i]
	}
	return reason + "; " + note
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// poll asks the site how a waiting step's app is and judges the answer:
// passed when it is available and the gate lets it pass (the step is then
// available); fail, when set, is why the step fails (the site failed it,
// the gate refused it, or it waited longer than StepTimeout); otherwise
// st.Reason says what it waits for.
func (r *Rollouts) poll(ctx context.Context, dep Deployer, app model.App, rel model.Release, st *model.Step, now time.Time) (passed bool, fail *Msg, _ error) {
	var as provider.AppState
	err := r.call(ctx, func(ctx context.Context) error {
		var err error
		as, err = dep.AppStatus(ctx, st.ProviderID, st.SiteID, st.Namespace, app.Name, rel.ID)
		return err
	})
	failed := func(m Msg) (bool, *Msg, error) { return false, &m, nil }
	switch {
	case err != nil:
		st.Reason = err.Error()
	case as.Failed:
		return failed(M("release.reason.unavailable", as.Reason))
	case as.Available:
		v, why := Pass, ""
		if r.o.Gate != nil {
			if v, why, err = r.o.Gate.Check(ctx, app, rel, *st); err != nil {
				v, why = Wait, err.Error()
			}
		}
		switch v {
		case Pass:
			if err := setStep(st, model.StepAvailable); err != nil {
				return false, nil, err
			}
			st.Reason, st.DoneAt = "", &now
			st.URL, st.Simulated = as.URL, as.Simulated
			return true, nil, nil
		case Fail:
			return failed(M("release.reason.gate", why))
		}
		st.Reason = why
	default:
		st.Reason = as.Reason
	}
	if st.StartedAt != nil && now.Sub(*st.StartedAt) > r.o.StepTimeout {
		return failed(M("release.reason.timeout", r.o.StepTimeout.String()))
	}
	return false, nil, nil
}
