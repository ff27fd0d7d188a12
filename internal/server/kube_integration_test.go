package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	authzv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/soberana/soberana/internal/model"
	kube "github.com/soberana/soberana/internal/provider/kubernetes"
	"github.com/soberana/soberana/internal/provider/kubernetes/kubetest"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// TestIntegrationKubernetesProvider runs the whole server against the two
// test clusters: the reconciler makes a namespace workload's namespaces
// through the kubernetes driver, a vendor grant made through the API
// becomes RoleBindings there (checked with SubjectAccessReviews), and
// revoking it through the API removes them.
func TestIntegrationKubernetesProvider(t *testing.T) {
	fl := kubetest.Clusters(t)
	h := servertest.Start(t, servertest.Options{})
	ctx := kubetest.Ctx(t)
	st := h.Server.Store
	providerID := kubetest.ID("prv")
	cfg := fl.Config
	var wl model.Workload
	var pls []store.PlacementRow
	err := st.InTx(ctx, func(tx *store.Tx) error {
		projs, err := tx.Projects().All(ctx)
		if err != nil {
			return err
		}
		prj := projs[0]
		off, err := addKubeProvider(ctx, tx, model.Provider{Meta: model.Meta{ID: providerID}, Name: "k8s " + providerID,
			Jurisdiction: "MX", Currency: "MXN"}, model.Offering{VCPUs: 2, MemoryMiB: 4096, DiskGiB: 10})
		if err != nil {
			return err
		}
		for i := range cfg.Sites {
			site := model.Site{Meta: model.Meta{ID: kubetest.ID("site")}, ProviderID: providerID, Name: fmt.Sprintf("k8s %d", i), Country: "MX",
				Tier: "core", FailureDomain: fmt.Sprintf("fd-%d", i), Health: model.HealthHealthy}
			if err := tx.Sites().Create(ctx, &site, "site"); err != nil {
				return err
			}
			cfg.Sites[i].SiteID = site.ID
		}
		if _, err := h.Server.KubernetesConfigs().Save(ctx, tx, providerID, cfg); err != nil {
			return err
		}
		wl = model.Workload{ProjectID: prj.ID, InstitutionID: prj.InstitutionID, BudgetLineID: prj.BudgetLineID, WorkloadPolicy: model.WorkloadPolicy{OfferingID: off.ID,
			Replicas: len(cfg.Sites), Classification: "internal"}, Currency: "MXN", State: model.StateProvisioning}
		if err := tx.Workloads().Create(ctx, &wl, "wl"); err != nil {
			return err
		}
		now := tx.Now()
		for i, sm := range cfg.Sites {
			pl := store.PlacementRow{Placement: model.Placement{WorkloadID: wl.ID, Replica: i, SiteID: sm.SiteID, ProviderID: providerID,
				State: model.PlacementPending, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 10}, NextAttemptAt: &now}
			if err := tx.Placements().Create(ctx, &pl, "plc"); err != nil {
				return err
			}
			pls = append(pls, pl)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.RefreshFleet(t)
	h.Server.Reconciler.Kick()
	for i, pl := range pls {
		c := fl.Clients[fl.Sites[i]]
		kubetest.Eventually(t, time.Minute, func() error {
			h.Server.Reconciler.Kick()
			_, err := c.CoreV1().ResourceQuotas(kube.NamespaceName(pl.ID)).Get(ctx, "soberana-quota", metav1.GetOptions{})
			return err
		})
		t.Cleanup(func() {
			_ = c.CoreV1().Namespaces().Delete(context.Background(), kube.NamespaceName(pl.ID), metav1.DeleteOptions{})
		})
	}

	var g map[string]any
	if _, err := h.Admin.Do(ctx, "POST", "/v1/grants", map[string]any{"project_id": wl.ProjectID, "email": "vendor-" + providerID + "@acme.example",
		"role": "developer", "expires_at": time.Now().Add(24 * time.Hour)}, &g); err != nil {
		t.Fatal(err)
	}
	user := kube.Subject(&cfg, g["user_id"].(string))
	allowed := func(i int) bool {
		sar, err := fl.Clients[fl.Sites[i]].AuthorizationV1().SubjectAccessReviews().Create(ctx, &authzv1.SubjectAccessReview{Spec: authzv1.SubjectAccessReviewSpec{
			User: user, ResourceAttributes: &authzv1.ResourceAttributes{Namespace: kube.NamespaceName(pls[i].ID), Verb: "create", Group: "apps", Resource: "deployments"}}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return sar.Status.Allowed
	}
	for i := range pls {
		kubetest.Eventually(t, time.Minute, func() error {
			if !allowed(i) {
				return fmt.Errorf("vendor not yet allowed in %s", kube.NamespaceName(pls[i].ID))
			}
			return nil
		})
	}
	if _, err := h.Admin.Do(ctx, "DELETE", "/v1/grants/"+g["id"].(string), nil, nil); err != nil {
		t.Fatal(err)
	}
	for i := range pls {
		kubetest.Eventually(t, time.Minute, func() error {
			if allowed(i) {
				return fmt.Errorf("revoked vendor still allowed in %s", kube.NamespaceName(pls[i].ID))
			}
			return nil
		})
	}
}

// addKubeProvider creates in tx the restricted Kubernetes provider p and
// a namespace offering of it, of off's size, named after the provider.
func addKubeProvider(ctx context.Context, tx *store.Tx, p model.Provider, off model.Offering) (model.Offering, error) {
	p.Driver, p.Certification = model.DriverKubernetes, "restricted"
	if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
		return off, err
	}
	off.Name, off.Kind = "ns-"+p.ID, model.KindNamespace
	return off, tx.Offerings().Create(ctx, &off, "off")
}
