package deploy

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	kube "github.com/soberana/soberana/internal/provider/kubernetes"
	"github.com/soberana/soberana/internal/provider/kubernetes/kubetest"
)

// env is a fixture on the real test clusters: namespaces made by the
// kubernetes driver for each placement, an app, and a fake kubelet.
type env struct {
	fix
	fleet kubetest.Fleet
	drv   *kube.Driver
	svc   *Service
	app   model.App
	ns    map[string]string // namespace by site
	k     *kubelet
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := kubetest.Ctx(t)
	fl := kubetest.Clusters(t)
	e := &env{fleet: fl, ns: map[string]string{}}
	e.fix = newFix(t, fl.ProviderID, fl.Sites)
	e.drv = kube.New(fl.Configs(), kube.StoreLookup{St: e.st})
	for _, p := range e.placements {
		ref := provider.ResourceRef{ProviderID: p.ProviderID, SiteID: p.SiteID, WorkloadID: p.WorkloadID, ReplicaID: p.ID}
		if _, err := e.drv.Create(ctx, provider.Spec{ResourceRef: ref, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 10}); err != nil {
			t.Fatal(err)
		}
		e.ns[p.SiteID] = kube.NamespaceName(p.ID)
		t.Cleanup(func() { _ = e.drv.Delete(context.Background(), ref) })
	}
	e.svc = NewService(e.st, testBox(t, e.st))
	var err error
	e.app, _, err = e.svc.CreateApp(ctx, "usr_test", AppRequest{ProjectID: e.project.ID, Name: "citas",
		Image: "registry.example.mx/salud/citas:v1", Port: 8080, Replicas: 2, Env: map[string]string{"MODE": "prod"}, HealthPath: "/healthz"})
	if err != nil {
		t.Fatal(err)
	}
	e.k = &kubelet{e: e, fail: map[string]bool{}}
	kctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); e.k.run(kctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if v := e.k.violation(); v != "" {
			t.Errorf("site-by-site order violated: %s", v)
		}
	})
	return e
}

// kubelet plays the deployment controller and the kubelets the test
// clusters lack: it marks each site's Deployment available (or, for a
// failing site, failed with ProgressDeadlineExceeded) through the status
// subresource. It also checks the order: when a site first gets a release,
// every earlier site already runs it, available.
type kubelet struct {
	e    *env
	mu   sync.Mutex
	fail map[string]bool
	bad  string
}

func (k *kubelet) setFail(site string, v bool) { k.mu.Lock(); k.fail[site] = v; k.mu.Unlock() }
func (k *kubelet) violation() string           { k.mu.Lock(); defer k.mu.Unlock(); return k.bad }

func (k *kubelet) run(ctx context.Context) {
	for ctx.Err() == nil {
		for i, site := range k.e.fleet.Sites {
			c := k.e.fleet.Clients[site]
			d, err := c.AppsV1().Deployments(k.e.ns[site]).Get(ctx, "citas", metav1.GetOptions{})
			if err != nil || d.Status.ObservedGeneration >= d.Generation {
				continue
			}
			rel := d.Labels[kube.LabelRelease]
			for _, prev := range k.e.fleet.Sites[:i] {
				pd, err := k.e.fleet.Clients[prev].AppsV1().Deployments(k.e.ns[prev]).Get(ctx, "citas", metav1.GetOptions{})
				if err == nil && (pd.Labels[kube.LabelRelease] != rel || !kube.DeploymentState(pd, rel).Available) {
					k.mu.Lock()
					if k.bad == "" && !k.rollingBack(ctx, rel) {
						k.bad = fmt.Sprintf("site %s got release %s while site %s runs %s", site, rel, prev, pd.Labels[kube.LabelRelease])
					}
					k.mu.Unlock()
				}
			}
			k.mu.Lock()
			failing := k.fail[site]
			k.mu.Unlock()
			n := *d.Spec.Replicas
			d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation}
			if failing {
				d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse,
					Reason: "ProgressDeadlineExceeded", Message: "ReplicaSet has timed out progressing (test)"}}
			} else {
				d.Status.Replicas, d.Status.UpdatedReplicas, d.Status.ReadyReplicas, d.Status.AvailableReplicas = n, n, n, n
				d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable"}}
			}
			_, _ = c.AppsV1().Deployments(k.e.ns[site]).UpdateStatus(ctx, d, metav1.UpdateOptions{})
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// rollingBack: a rollback applies an earlier release site by site, last
// first; that is not an order violation.
func (k *kubelet) rollingBack(ctx context.Context, relID string) bool {
	list, _ := k.e.st.Read().ReleasesOf(ctx, k.e.app.ID)
	for _, r := range list {
		if r.State == model.ReleaseRollingBack || (r.State == model.ReleaseFailed && r.PreviousID == relID) {
			return true
		}
	}
	return false
}

func (e *env) rollouts(holder string) *Rollouts {
	return NewRollouts(Options{Holder: holder, LeaseTTL: time.Second, Poll: 50 * time.Millisecond, StepTimeout: 30 * time.Second},
		e.st, DeployersFunc(func(context.Context, string) (Deployer, error) { return e.drv, nil }), nil)
}

// release queues a release and runs the loop until it ends.
func (e *env) release(t *testing.T, ctx context.Context, r *Rollouts, image string) model.Release {
	t.Helper()
	rel, err := e.svc.CreateRelease(ctx, "usr_test", SourceAPI, e.app.ID, ReleaseRequest{Image: image, Commit: "abcdef1"})
	if err != nil {
		t.Fatal(err)
	}
	return e.finish(t, ctx, r, rel.ID)
}

func (e *env) finish(t *testing.T, ctx context.Context, r *Rollouts, id string) model.Release {
	t.Helper()
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = r.Run(rctx) }()
	wctx, wcancel := context.WithTimeout(ctx, 2*time.Minute)
	defer wcancel()
	rel, err := e.svc.Wait(wctx, id, 50*time.Millisecond)
	cancel()
	<-done
	if err != nil {
		t.Fatalf("release %s: %v (state %s, reason %s)", id, err, rel.State, Render("en", rel.Reason))
	}
	return rel
}

// runs checks what every site runs.
func (e *env) runs(t *testing.T, ctx context.Context, want model.Release) {
	t.Helper()
	for _, site := range e.fleet.Sites {
		d, err := e.fleet.Clients[site].AppsV1().Deployments(e.ns[site]).Get(ctx, "citas", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("site %s: %v", site, err)
		}
		if img := d.Spec.Template.Spec.Containers[0].Image; img != want.Image || d.Labels[kube.LabelRelease] != want.ID {
			t.Errorf("site %s runs %s (release %s), want %s (%s)", site, img, d.Labels[kube.LabelRelease], want.Image, want.ID)
		}
		if _, err := e.fleet.Clients[site].CoreV1().Services(e.ns[site]).Get(ctx, "citas", metav1.GetOptions{}); err != nil {
			t.Errorf("site %s service: %v", site, err)
		}
	}
}

func TestIntegrationRolloutSiteBySiteAndRollback(t *testing.T) {
	e := newEnv(t)
	ctx := kubetest.Ctx(t)
	r := e.rollouts("h1")

	v1 := e.release(t, ctx, r, "v1")
	if v1.State != model.ReleaseSucceeded || len(v1.Steps) != 2 {
		t.Fatalf("v1: %s %s %+v", v1.State, Render("en", v1.Reason), v1.Steps)
	}
	if !v1.Steps[0].DoneAt.After(time.Time{}) || v1.Steps[1].StartedAt.Before(*v1.Steps[0].DoneAt) {
		t.Fatalf("site %s started before site %s was available: %+v", v1.Steps[1].SiteID, v1.Steps[0].SiteID, v1.Steps)
	}
	e.runs(t, ctx, v1)
	d, _ := e.fleet.Clients[e.fleet.Sites[0]].AppsV1().Deployments(e.ns[e.fleet.Sites[0]]).Get(ctx, "citas", metav1.GetOptions{})
	if p := d.Spec.Template.Spec.Containers[0].ReadinessProbe; p == nil || p.HTTPGet.Path != "/healthz" {
		t.Errorf("no readiness probe on the health path: %+v", p)
	}

	// v2 fails on the second site: the rollout stops there and both sites go back to v1.
	e.k.setFail(e.fleet.Sites[1], true)
	v2 := e.release(t, ctx, r, "v2")
	if v2.State != model.ReleaseFailed || v2.Steps[0].State != model.StepRolledBack || v2.Steps[1].State != model.StepFailed {
		t.Fatalf("v2: %s %s %+v", v2.State, Render("en", v2.Reason), v2.Steps)
	}
	t.Logf("v2: %s", Render("en", v2.Reason))
	e.runs(t, ctx, v1)
	app, _ := e.st.Read().Apps().Get(ctx, e.app.ID)
	if app.CurrentReleaseID != v1.ID {
		t.Fatalf("current release %s, want %s", app.CurrentReleaseID, v1.ID)
	}

	// v3 succeeds; then :rollback to v1 is a new release with v1's image.
	e.k.setFail(e.fleet.Sites[1], false)
	v3 := e.release(t, ctx, r, "v3")
	e.runs(t, ctx, v3)
	rb, err := e.svc.Rollback(ctx, "usr_test", e.app.ID, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	rb = e.finish(t, ctx, r, rb.ID)
	if rb.State != model.ReleaseSucceeded || rb.Image != v1.Image || rb.RollbackOf != v1.ID {
		t.Fatalf("rollback: %+v", rb)
	}
	e.runs(t, ctx, rb)
	if _, err := e.svc.Rollback(ctx, "usr_test", e.app.ID, v2.ID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("rollback to a failed release: %v", err)
	}
	hist, _ := e.svc.Releases(ctx, e.app.ID)
	if len(hist) != 4 || hist[0].ID != rb.ID || hist[3].ID != v1.ID {
		t.Fatalf("history: %d releases", len(hist))
	}
}

// The first release of an app fails on the first site: nothing is left behind.
func TestIntegrationFirstReleaseFailsLeavesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := kubetest.Ctx(t)
	e.k.setFail(e.fleet.Sites[0], true)
	rel := e.release(t, ctx, e.rollouts("h1"), "v1")
	if rel.State != model.ReleaseFailed || rel.Steps[1].State != model.StepPending {
		t.Fatalf("%s %+v", rel.State, rel.Steps)
	}
	for _, site := range e.fleet.Sites {
		if _, err := e.fleet.Clients[site].AppsV1().Deployments(e.ns[site]).Get(ctx, "citas", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("site %s still has the deployment: %v", site, err)
		}
	}
}

var errCrash = errors.New("crash (test)")

// soberana stops right after it applied the second site's objects and
// before it recorded that; a new rollout loop (another holder, after the
// lease expires) resumes and finishes without making a second object.
func TestIntegrationRolloutResumesAfterCrash(t *testing.T) {
	e := newEnv(t)
	ctx := kubetest.Ctx(t)
	siteB := e.fleet.Sites[1]
	r1 := e.rollouts("before-crash")
	r1.afterApply = func(_ model.Release, st model.Step) error {
		if st.SiteID == siteB {
			return errCrash
		}
		return nil
	}
	rel, err := e.svc.CreateRelease(ctx, "usr_test", SourceAPI, e.app.ID, ReleaseRequest{Image: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := e.st.AcquireLease(ctx, LeaseName, "before-crash", time.Second); err != nil || !ok {
		t.Fatal(ok, err)
	}
	kubetest.Eventually(t, time.Minute, func() error {
		_, err := r1.Pass(ctx)
		if errors.Is(err, errCrash) {
			return nil
		}
		return fmt.Errorf("no crash yet (%v)", err)
	})
	mid, _ := e.st.Read().Releases().Get(ctx, rel.ID)
	if mid.State != model.ReleaseRollingOut || mid.Steps[0].State != model.StepAvailable || mid.Steps[1].State != model.StepPending {
		t.Fatalf("at the crash: %s %+v", mid.State, mid.Steps)
	}
	before, err := e.fleet.Clients[siteB].AppsV1().Deployments(e.ns[siteB]).Get(ctx, "citas", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the crashed pass had applied site B: %v", err)
	}

	done := e.finish(t, ctx, e.rollouts("after-restart"), rel.ID)
	if done.State != model.ReleaseSucceeded {
		t.Fatalf("after restart: %s %s", done.State, Render("en", done.Reason))
	}
	e.runs(t, ctx, done)
	after, err := e.fleet.Clients[siteB].AppsV1().Deployments(e.ns[siteB]).Get(ctx, "citas", metav1.GetOptions{})
	if err != nil || after.UID != before.UID || after.Generation != before.Generation {
		t.Fatalf("site B's deployment was replaced or changed: %v uid %s→%s generation %d→%d", err, before.UID, after.UID, before.Generation, after.Generation)
	}
	for _, site := range e.fleet.Sites {
		sel := metav1.ListOptions{LabelSelector: kube.LabelApp + "=" + e.app.ID}
		ds, _ := e.fleet.Clients[site].AppsV1().Deployments(e.ns[site]).List(ctx, sel)
		ss, _ := e.fleet.Clients[site].CoreV1().Services(e.ns[site]).List(ctx, sel)
		if len(ds.Items) != 1 || len(ss.Items) != 1 {
			t.Errorf("site %s: %d deployments, %d services, want 1 and 1", site, len(ds.Items), len(ss.Items))
		}
	}
}
