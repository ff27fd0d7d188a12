package deploy

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/soberana/soberana/internal/bintest"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	kube "github.com/soberana/soberana/internal/provider/kubernetes"
	"github.com/soberana/soberana/internal/provider/kubernetes/kubetest"
	"github.com/soberana/soberana/internal/store"
)

const killToken = "sbr_deploy_kill_test_token_0123456789"

func startServer(t *testing.T, bin, dir string) *bintest.Server {
	t.Helper()
	return bintest.Start(t, bin, dir, killToken, 60*time.Second)
}

// TestIntegrationKillMidRollout runs the real binary with a kubernetes
// provider of two sites (the two test clusters), starts a release, kills
// the server with SIGKILL while the second site is rolling out, restarts
// it, and checks the rollout finishes with one Deployment and one Service
// per site and the second site's Deployment neither replaced nor changed.
func TestIntegrationKillMidRollout(t *testing.T) {
	fl := kubetest.Clusters(t)
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ctx := kubetest.Ctx(t)
	bin := bintest.Build(t)
	data := filepath.Join(t.TempDir(), "data")
	startServer(t, bin, data).Kill() // a new database: migrated and seeded

	// The kubernetes provider, its config and a running namespace workload
	// with one replica per site, and the namespaces the driver makes.
	st, err := store.Open(ctx, filepath.Join(data, "soberana.db"))
	if err != nil {
		t.Fatal(err)
	}
	providerID := kubetest.ID("prv")
	f := fixOn(t, st, false, providerID, []string{kubetest.ID("site"), kubetest.ID("site")}, nil)
	cfg := fl.Config
	for i := range cfg.Sites {
		cfg.Sites[i].SiteID = f.placements[i].SiteID
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := kube.StoreConfigs{St: st}.Save(ctx, tx, providerID, cfg)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	drv := kube.New(kube.MemConfigs{providerID: cfg}, kube.StoreLookup{St: st})
	ns := map[string]string{}
	clients := map[string]kubeClient{}
	for i, p := range f.placements {
		ref := provider.ResourceRef{ProviderID: providerID, SiteID: p.SiteID, WorkloadID: p.WorkloadID, ReplicaID: p.ID}
		if _, err := drv.Create(ctx, provider.Spec{ResourceRef: ref, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 10}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = drv.Delete(context.Background(), ref) })
		ns[p.SiteID] = kube.NamespaceName(p.ID)
		clients[p.SiteID] = fl.Clients[fl.Sites[i]]
	}
	_ = st.Close()
	siteA, siteB := f.placements[0].SiteID, f.placements[1].SiteID

	// The fake kubelet marks a site's Deployment available once allowed.
	var allowB atomic.Bool
	kctx, stopKubelet := context.WithCancel(ctx)
	defer stopKubelet()
	go func() {
		for kctx.Err() == nil {
			for _, site := range []string{siteA, siteB} {
				if site == siteB && !allowB.Load() {
					continue
				}
				d, err := clients[site].AppsV1().Deployments(ns[site]).Get(kctx, "citas", metav1.GetOptions{})
				if err != nil || d.Status.ObservedGeneration >= d.Generation {
					continue
				}
				n := *d.Spec.Replicas
				d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: n, UpdatedReplicas: n, ReadyReplicas: n, AvailableReplicas: n}
				_, _ = clients[site].AppsV1().Deployments(ns[site]).UpdateStatus(kctx, d, metav1.UpdateOptions{})
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()

	s := startServer(t, bin, data)
	c := client.New(s.URL, killToken)
	var app, rel map[string]any
	if _, err := c.Do(ctx, "POST", "/v1/apps", map[string]any{"project_id": f.project.ID, "workload_id": f.workload.ID, "name": "citas",
		"image": "registry.example.mx/salud/citas:v1", "port": 8080, "replicas": 2}, &app); err != nil {
		t.Fatal(err)
	}
	relPath := func() string { return "/v1/apps/" + app["id"].(string) + "/releases/" + rel["id"].(string) }
	if _, err := c.Do(ctx, "POST", "/v1/apps/"+app["id"].(string)+"/releases", map[string]any{"image": "v1"}, &rel); err != nil {
		t.Fatal(err)
	}
	var view struct {
		State model.ReleaseState `json:"state"`
		Steps []model.Step       `json:"steps"`
	}
	kubetest.Eventually(t, 2*time.Minute, func() error {
		if _, err := c.Do(ctx, "GET", relPath(), nil, &view); err != nil {
			return err
		}
		if len(view.Steps) == 2 && view.Steps[0].State == model.StepAvailable && view.Steps[1].State == model.StepWaiting {
			return nil
		}
		return errorf("release %s %+v", view.State, view.Steps)
	})
	before, err := clients[siteB].AppsV1().Deployments(ns[siteB]).Get(ctx, "citas", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Kill() // mid-rollout: site A done, site B applied and waiting

	allowB.Store(true)
	s = startServer(t, bin, data)
	c = client.New(s.URL, killToken)
	kubetest.Eventually(t, 2*time.Minute, func() error { // the new server waits out the old one's rollout lease
		if _, err := c.Do(ctx, "GET", relPath(), nil, &view); err != nil {
			return err
		}
		if view.State == model.ReleaseSucceeded {
			return nil
		}
		return errorf("release %s %+v", view.State, view.Steps)
	})
	after, err := clients[siteB].AppsV1().Deployments(ns[siteB]).Get(ctx, "citas", metav1.GetOptions{})
	if err != nil || after.UID != before.UID || after.Generation != before.Generation {
		t.Fatalf("site B's deployment was replaced or changed: %v uid %s→%s generation %d→%d", err, before.UID, after.UID, before.Generation, after.Generation)
	}
	for _, site := range []string{siteA, siteB} {
		sel := metav1.ListOptions{LabelSelector: kube.LabelApp + "=" + app["id"].(string)}
		ds, _ := clients[site].AppsV1().Deployments(ns[site]).List(ctx, sel)
		ss, _ := clients[site].CoreV1().Services(ns[site]).List(ctx, sel)
		if len(ds.Items) != 1 || len(ss.Items) != 1 {
			t.Errorf("site %s: %d deployments, %d services, want 1 and 1", site, len(ds.Items), len(ss.Items))
		}
	}
}

type kubeClient = kubernetes.Interface

func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }
