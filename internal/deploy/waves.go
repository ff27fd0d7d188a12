package deploy

import (
	"context"
	"errors"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// Wave rollouts (docs/edge.md "Wave rollouts"): a release with a strategy
// rolls out over an edge group's sites (or a given set of sites, or the
// app's workload's sites) wave by wave: a canary wave first, then waves of
// MaxParallel sites, every site of a wave at once. A wave ends when each
// of its sites is available or failed; when more than FailureThreshold of
// a wave's sites fail (checked as soon as failures come in, not only at
// the wave's end) the rollout stops and every site it touched goes back to
// the previous release, as a site-by-site rollout does. Sites that fail
// within the threshold keep failing (their reason says so) and the
// release succeeds with the count. The wave in progress and every site's
// state are the release's row, written once per pass under the rollout
// lease: a restarted server resumes the wave it was in.

// maxCalls bounds the driver calls of one wave made at once.
const maxCalls = 32

// The wave fields are declared once, in model.StrategyRequest (the SDK
// sends them inside client.ReleaseSpec).

// StrategyRequest is the wave part of a release request.
type StrategyRequest = model.StrategyRequest

// validateStrategy checks the numbers and returns the strategy without its
// sites.
func validateStrategy(s StrategyRequest) (*model.Strategy, error) {
	if s.MaxParallel < 1 {
		return nil, bad("max_parallel", "deploy.field.max_parallel")
	}
	if s.Canary < 0 {
		return nil, bad("canary", "deploy.field.canary")
	}
	th := 0.0
	if s.FailureThreshold != nil {
		th = *s.FailureThreshold
	}
	if math.IsNaN(th) || th < 0 || th > 1 {
		return nil, bad("failure_threshold", "deploy.field.failure_threshold")
	}
	if s.Group != "" && len(s.Sites) > 0 {
		return nil, bad("sites", "deploy.field.group_or_sites")
	}
	return &model.Strategy{MaxParallel: s.MaxParallel, Canary: s.Canary,
		FailureThreshold: strconv.FormatFloat(th, 'f', -1, 64)}, nil
}

// resolveTargets fills the strategy's group (by name or id) and checks the
// sites exist.
func resolveTargets(ctx context.Context, tx *store.Tx, s StrategyRequest, st *model.Strategy) error {
	if s.Group != "" {
		g, err := tx.EdgeGroups().Get(ctx, s.Group)
		if errors.Is(err, store.ErrNotFound) {
			list, lerr := tx.EdgeGroups().List(ctx, store.ListOptions{Filters: map[string]string{"name": s.Group}, Limit: 2})
			if lerr != nil {
				return lerr
			}
			switch len(list.Items) {
			case 0:
				return bad("group", "deploy.field.group", s.Group)
			case 1:
				g, err = list.Items[0], nil
			default:
				return bad("group", "deploy.field.group_ambiguous", s.Group)
			}
		}
		if err != nil {
			return err
		}
		st.GroupID, st.GroupName = g.ID, g.Name
	}
	seen := map[string]bool{}
	for _, id := range s.Sites {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := tx.Sites().Get(ctx, id); errors.Is(err, store.ErrNotFound) {
			return bad("sites", "deploy.field.site", id)
		} else if err != nil {
			return err
		}
		st.SiteIDs = append(st.SiteIDs, id)
	}
	return nil
}

// thresholdPermille is the strategy's threshold in thousandths.
func thresholdPermille(s *model.Strategy) int64 {
	f, err := strconv.ParseFloat(s.FailureThreshold, 64)
	if err != nil {
		return 0
	}
	return int64(math.Round(f * 1000))
}

// exceeds reports whether failed of n sites is more than the threshold.
func exceeds(s *model.Strategy, failed, n int) bool {
	return n > 0 && int64(failed)*1000 > thresholdPermille(s)*int64(n)
}

// waveSizes splits n sites into the canary wave and waves of maxParallel.
func waveSizes(n, canary, maxParallel int) []int {
	var out []int
	if canary > 0 && n > 0 {
		c := min(canary, n)
		out = append(out, c)
		n -= c
	}
	for n > 0 {
		w := min(maxParallel, n)
		out = append(out, w)
		n -= w
	}
	return out
}

// startWaves fixes a wave release's sites and their waves.
func (r *Rollouts) startWaves(ctx context.Context, app model.App, rel model.Release) error {
	s := rel.Strategy
	// The app's workload's namespaces, by site: a site where the app's
	// workload runs keeps that namespace; others get the app's.
	running, err := r.workloadSteps(ctx, app)
	if err != nil {
		return err
	}
	type target struct{ site, prv, ns string }
	nsOf := map[string]target{}
	var byWorkload []target
	for _, st := range running {
		t := target{st.SiteID, st.ProviderID, st.Namespace}
		if _, dup := nsOf[st.SiteID]; !dup {
			nsOf[st.SiteID] = t
			byWorkload = append(byWorkload, t)
		}
	}
	own := AppNamespace(app)
	var targets []target
	switch {
	case s.GroupID != "":
		gs, err := r.st.Read().EdgeGroupSites(ctx, s.GroupID)
		if err != nil {
			return err
		}
		for _, g := range gs {
			t, ok := nsOf[g.SiteID]
			if !ok {
				t = target{g.SiteID, g.ProviderID, own}
			}
			targets = append(targets, t)
		}
	case len(s.SiteIDs) > 0:
		for _, id := range s.SiteIDs {
			t, ok := nsOf[id]
			if !ok {
				site, err := r.st.Read().Sites().Get(ctx, id)
				if err != nil {
					return err
				}
				t = target{id, site.ProviderID, own}
			}
			targets = append(targets, t)
		}
	default:
		targets = byWorkload
	}
	rel.PreviousID = app.CurrentReleaseID
	sizes := waveSizes(len(targets), s.Canary, s.MaxParallel)
	steps := make(model.Steps, 0, len(targets))
	i := 0
	for w, n := range sizes {
		for range n {
			t := targets[i]
			steps = append(steps, model.Step{SiteID: t.site, ProviderID: t.prv, Namespace: t.ns, State: model.StepPending, Wave: w})
			i++
		}
	}
	rel.Steps = steps
	s.Wave, s.Waves = 0, len(sizes)
	if len(steps) == 0 {
		what := app.WorkloadID
		if s.GroupName != "" {
			what = s.GroupName
		}
		if err := setRelease(&rel, model.ReleaseFailed); err != nil {
			return err
		}
		rel.Reason = M("release.reason.no_sites", what).enc()
		return r.save(ctx, &rel, 0, nil)
	}
	if err := setRelease(&rel, model.ReleaseRollingOut); err != nil {
		return err
	}
	rel.Reason = M("release.reason.wave", "1", strconv.Itoa(len(sizes)), strconv.Itoa(sizes[0])).enc()
	return r.save(ctx, &rel, 0, nil)
}

// AppNamespace is the namespace an app gets on a site where its workload
// has no replica (an edge group's subcloud).
func AppNamespace(app model.App) string {
	return provider.NamespaceName("app-" + app.Name)
}

// advanceWave moves the wave in progress: every pending site is applied,
// every waiting one asked for its state, at most maxCalls at once.
func (r *Rollouts) advanceWave(ctx context.Context, app model.App, rel model.Release) (bool, error) {
	s := rel.Strategy
	now := r.st.Now()
	var idx []int
	for i := range rel.Steps {
		if rel.Steps[i].Wave == s.Wave {
			idx = append(idx, i)
		}
	}
	sem := make(chan struct{}, maxCalls)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var hookErr error
	for _, i := range idx {
		st := &rel.Steps[i]
		if st.State != model.StepPending && st.State != model.StepWaiting {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := r.stepOnce(ctx, app, rel, st, now); err != nil {
				mu.Lock()
				hookErr = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if hookErr != nil {
		return false, hookErr
	}
	failed, done := 0, 0
	for _, i := range idx {
		switch rel.Steps[i].State {
		case model.StepFailed:
			failed++
			done++
		case model.StepAvailable:
			done++
		}
	}
	n := len(idx)
	if exceeds(s, failed, n) {
		if err := setRelease(&rel, model.ReleaseRollingBack); err != nil {
			return false, err
		}
		rel.Reason = M("release.reason.wave_failed", strconv.Itoa(s.Wave+1), strconv.Itoa(s.Waves), strconv.Itoa(failed),
			strconv.Itoa(n), s.FailureThreshold).enc()
		return true, r.save(ctx, &rel, 0, nil)
	}
	if done < n {
		rel.Reason = M("release.reason.wave", strconv.Itoa(s.Wave+1), strconv.Itoa(s.Waves), strconv.Itoa(n)).enc()
		return false, r.save(ctx, &rel, r.o.Poll, nil)
	}
	if s.Wave+1 < s.Waves {
		s.Wave++
		next := 0
		for _, st := range rel.Steps {
			if st.Wave == s.Wave {
				next++
			}
		}
		rel.Reason = M("release.reason.wave", strconv.Itoa(s.Wave+1), strconv.Itoa(s.Waves), strconv.Itoa(next)).enc()
		return true, r.save(ctx, &rel, 0, nil)
	}
	ok, nok := 0, 0
	for _, st := range rel.Steps {
		if st.State == model.StepAvailable {
			ok++
		} else {
			nok++
		}
	}
	if err := setRelease(&rel, model.ReleaseSucceeded); err != nil {
		return false, err
	}
	if nok == 0 {
		rel.Reason = M("release.reason.succeeded", strconv.Itoa(ok)).enc()
	} else {
		rel.Reason = M("release.reason.waves_partial", strconv.Itoa(ok), strconv.Itoa(len(rel.Steps)), strconv.Itoa(nok)).enc()
	}
	app.CurrentReleaseID = rel.ID
	return false, r.save(ctx, &rel, 0, &app)
}

// stepOnce applies a pending site or asks a waiting one for its state,
// changing st only (each goroutine has its own step).
func (r *Rollouts) stepOnce(ctx context.Context, app model.App, rel model.Release, st *model.Step, now time.Time) error {
	failStep := func(m Msg) error {
		if err := setStep(st, model.StepFailed); err != nil {
			return err
		}
		st.Reason, st.DoneAt = Render("en", m.enc()), &now
		return nil
	}
	dep, err := r.deps.Deployer(ctx, st.ProviderID)
	if err != nil {
		return failStep(M("release.reason.apply", err.Error()))
	}
	timedOut := st.StartedAt != nil && now.Sub(*st.StartedAt) > r.o.StepTimeout
	switch st.State {
	case model.StepPending:
		err := r.call(ctx, func(ctx context.Context) error {
			return dep.ApplyApp(ctx, st.ProviderID, st.SiteID, st.Namespace, r.spec(app, rel))
		})
		if st.StartedAt == nil {
			st.StartedAt = &now
		}
		if err != nil {
			if timedOut || !retryable(err) {
				return failStep(M("release.reason.apply", err.Error()))
			}
			st.Reason = err.Error()
			return nil
		}
		if r.afterApply != nil {
			if err := r.afterApply(rel, *st); err != nil {
				return err
			}
		}
		if err := setStep(st, model.StepWaiting); err != nil {
			return err
		}
		st.Reason = ""
	case model.StepWaiting:
		_, fail, err := r.poll(ctx, dep, app, rel, st, now)
		if err != nil || fail == nil {
			return err
		}
		return failStep(*fail)
	}
	return nil
}

// ProgressOf counts a release's sites by state and its waves.
func ProgressOf(rel model.Release) model.RolloutProgress {
	p := model.RolloutProgress{SitesTotal: len(rel.Steps)}
	for _, st := range rel.Steps {
		switch st.State {
		case model.StepAvailable:
			p.SitesOK++
		case model.StepFailed:
			p.SitesFailed++
		case model.StepPending:
			p.SitesPending++
		case model.StepWaiting:
			p.SitesInFlight++
		case model.StepRolledBack:
			p.SitesRolledBack++
		}
		if st.RolledBack {
			p.SitesRolledBack++
		}
	}
	if s := rel.Strategy; s != nil {
		p.WavesTotal = s.Waves
		switch rel.State {
		case model.ReleaseSucceeded:
			p.WavesDone = s.Waves
		case model.ReleaseRollingOut:
			p.WavesDone, p.Wave = s.Wave, s.Wave+1
		default:
			p.WavesDone = s.Wave
		}
	}
	return p
}
