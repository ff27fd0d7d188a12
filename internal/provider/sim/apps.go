package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// The sim runs apps for the demo: nothing runs, but a release goes through
// the same rollout as on Kubernetes. Applying an app records it (in the
// settings table, so it survives restarts of `soberana up`); its replicas
// then become ready one every AppReadyEvery of the store's clock, and the
// site reports the release available when all are. Everything it reports
// is marked simulated, and its URL is under the reserved .invalid domain.
//
// Fault injection, by the release's image tag (see docs/cicd.md):
//
//   - a tag "fail" or starting with "fail-" (e.g. ":fail-v2"): the
//     replicas never become ready and the site reports the release failed
//     (a simulated crash loop) one AppReadyEvery after it was applied, so
//     the rollout rolls back;
//   - a tag "fail-rollback" (or starting with "fail-rollback-"): the same,
//     and the site then refuses, once, to replace or remove that release,
//     so the rollback fails and the release ends failed with both reasons;
//   - a site outage (SetOutage) makes every app call on the site
//     unavailable: applies are retried until the step timeout, rollbacks
//     with backoff until the step timeout after the failure.

var _ provider.AppDeployer = (*Driver)(nil)

// AppReadyEvery is the default simulated time between two replicas of an
// app becoming ready.
const AppReadyEvery = time.Second

// AppDomain is the domain of simulated app URLs (.invalid: RFC 2606).
const AppDomain = "apps.sim.invalid"

// ErrRollbackRefused is the injected refusal of a "fail-rollback" release's
// site to be rolled back.
var ErrRollbackRefused = errors.New("sim: rollback refused (injected by image tag fail-rollback)")

type simApp struct {
	ReleaseID string    `json:"release_id"`
	Image     string    `json:"image"`
	Replicas  int32     `json:"replicas"`
	Port      int32     `json:"port"`
	AppliedAt time.Time `json:"applied_at"`
	// Refuse: a fail-rollback release that has not yet refused its rollback.
	Refuse bool `json:"refuse,omitempty"`
	// Fails: applied on a site with an app fault (SetAppFault).
	Fails bool `json:"fails,omitempty"`
}

func appFaultKey(siteID string) string { return "sim.appfault/" + siteID }

// SetAppFault makes every release applied on the site from now on fail
// as a "fail" image tag does (a simulated crash loop), or stops that: the
// injected failures of a wave rollout's tests and benchmark. It lives in
// the settings table, like the sim's apps.
func (d *Driver) SetAppFault(ctx context.Context, siteIDs []string, fail bool) error {
	v := ""
	if fail {
		v = "1"
	}
	return d.st.Write(ctx, func(tx *store.Tx) error {
		for _, id := range siteIDs {
			if err := tx.PutSetting(ctx, appFaultKey(id), v); err != nil {
				return err
			}
		}
		return nil
	})
}

func appKey(providerID, siteID, namespace, name string) string {
	return "sim.app/" + providerID + "/" + siteID + "/" + namespace + "/" + name
}

// imageTag is the tag of an image reference ("" when it has none).
func imageTag(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		return image[i+1:]
	}
	return ""
}

func tagIs(tag, word string) bool { return tag == word || strings.HasPrefix(tag, word+"-") }

// FailingImage reports whether the sim fails a release of image, and
// whether it also refuses its rollback.
func FailingImage(image string) (fails, refusesRollback bool) {
	t := imageTag(image)
	rb := tagIs(t, "fail-rollback")
	return rb || tagIs(t, "fail"), rb
}

func (d *Driver) readyEvery() time.Duration {
	if d.AppReadyEvery > 0 {
		return d.AppReadyEvery
	}
	return AppReadyEvery
}

func (d *Driver) getApp(ctx context.Context, tx *store.Tx, key string) (simApp, bool, error) {
	v, ok, err := tx.Setting(ctx, key)
	if err != nil || !ok || v == "" {
		return simApp{}, false, err
	}
	var a simApp
	if err := json.Unmarshal([]byte(v), &a); err != nil {
		return simApp{}, false, fmt.Errorf("sim app %s: %w", key, err)
	}
	return a, true, nil
}

// refuse applies a fail-rollback release's one refusal: when the site runs
// such a release and is asked to replace it with another or remove it, it
// refuses once (and remembers that it did).
func (d *Driver) refuse(ctx context.Context, tx *store.Tx, key, releaseID string) error {
	cur, ok, err := d.getApp(ctx, tx, key)
	if err != nil || !ok || !cur.Refuse || cur.ReleaseID == releaseID {
		return err
	}
	cur.Refuse = false
	b, _ := json.Marshal(cur)
	if err := tx.PutSetting(ctx, key, string(b)); err != nil {
		return err
	}
	return ErrRollbackRefused
}

// ApplyApp records the release on the site (simulated).
func (d *Driver) ApplyApp(ctx context.Context, providerID, siteID, namespace string, s provider.AppSpec) error {
	if err := d.inject(ctx, providerID, siteID, "apply app"); err != nil {
		return err
	}
	key := appKey(providerID, siteID, namespace, s.Name)
	var refused error
	err := d.st.Write(ctx, func(tx *store.Tx) error {
		if err := d.refuse(ctx, tx, key, s.ReleaseID); err != nil {
			if errors.Is(err, ErrRollbackRefused) {
				refused = err
				return nil // keep the refusal noted
			}
			return err
		}
		cur, ok, err := d.getApp(ctx, tx, key)
		if err != nil {
			return err
		}
		if ok && cur.ReleaseID == s.ReleaseID && cur.Image == s.Image && cur.Replicas == s.Replicas {
			return nil // the same spec again changes nothing
		}
		_, rb := FailingImage(s.Image)
		fv, _, err := tx.Setting(ctx, appFaultKey(siteID))
		if err != nil {
			return err
		}
		b, _ := json.Marshal(simApp{ReleaseID: s.ReleaseID, Image: s.Image, Replicas: max(s.Replicas, 1), Port: s.Port,
			AppliedAt: d.st.Now(), Refuse: rb, Fails: fv != ""})
		return tx.PutSetting(ctx, key, string(b))
	})
	if err == nil {
		err = refused
	}
	return err
}

// AppStatus reports the simulated rollout.
func (d *Driver) AppStatus(ctx context.Context, providerID, siteID, namespace, name, releaseID string) (provider.AppState, error) {
	if err := d.inject(ctx, providerID, siteID, "app status"); err != nil {
		return provider.AppState{}, err
	}
	a, ok, err := d.getApp(ctx, d.st.Read(), appKey(providerID, siteID, namespace, name))
	if err != nil {
		return provider.AppState{}, err
	}
	out := provider.AppState{Simulated: true, URL: "https://" + name + "." + namespace + "." + AppDomain}
	switch {
	case !ok:
		out.Reason = "simulated: app missing"
		return out, nil
	case a.ReleaseID != releaseID:
		out.Reason = fmt.Sprintf("simulated: runs release %q", a.ReleaseID)
		return out, nil
	}
	every := d.readyEvery()
	elapsed := d.st.Now().Sub(a.AppliedAt)
	if fails, _ := FailingImage(a.Image); fails || a.Fails {
		if elapsed >= every {
			out.Failed = true
			out.Reason = fmt.Sprintf("simulated: 0 of %d replicas ready: crash loop (injected by image tag %q)", a.Replicas, imageTag(a.Image))
			if !fails {
				out.Reason = fmt.Sprintf("simulated: 0 of %d replicas ready: crash loop (injected on the site)", a.Replicas)
			}
			return out, nil
		}
		out.Reason = fmt.Sprintf("simulated: 0 of %d replicas ready", a.Replicas)
		return out, nil
	}
	ready := min(int64(a.Replicas), int64(elapsed/every))
	if ready >= int64(a.Replicas) {
		out.Available = true
		return out, nil
	}
	out.Reason = fmt.Sprintf("simulated: %d of %d replicas ready", ready, a.Replicas)
	return out, nil
}

// DeleteApp removes the app from the site (simulated).
func (d *Driver) DeleteApp(ctx context.Context, providerID, siteID, namespace, name string) error {
	if err := d.inject(ctx, providerID, siteID, "delete app"); err != nil {
		return err
	}
	key := appKey(providerID, siteID, namespace, name)
	var refused error
	err := d.st.Write(ctx, func(tx *store.Tx) error {
		if err := d.refuse(ctx, tx, key, ""); err != nil {
			if errors.Is(err, ErrRollbackRefused) {
				refused = err
				return nil
			}
			return err
		}
		return tx.PutSetting(ctx, key, "")
	})
	if err == nil {
		err = refused
	}
	return err
}
