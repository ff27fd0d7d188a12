package kubernetes_test

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/soberana/soberana/internal/provider"
	kube "github.com/soberana/soberana/internal/provider/kubernetes"
	"github.com/soberana/soberana/internal/provider/kubernetes/kubetest"
)

// An app gets its Deployment and Service and, where the provider's config
// names an ingress domain (here on the first site only), an Ingress whose
// host is the app's URL; deleting the app removes all of them.
func TestIntegrationAppServiceAndIngress(t *testing.T) {
	f := kubetest.Clusters(t)
	ctx := kubetest.Ctx(t)
	cfg := f.Config
	cfg.Sites = append([]kube.SiteMap(nil), cfg.Sites...)
	cfg.Sites[0].IngressDomain = "apps.example.gob.mx"
	cfg.IngressClass = "nginx"
	look := lookup{}
	d := kube.New(kube.MemConfigs{f.ProviderID: cfg}, look)
	_, specs := project(t, f, look)
	for _, sp := range specs {
		if _, err := d.Create(ctx, sp); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = d.Delete(context.Background(), sp.ResourceRef) })
	}
	app := provider.AppSpec{Name: "citas", AppID: kubetest.ID("app"), ReleaseID: kubetest.ID("rel"),
		Image: "registry.example.mx/salud/citas:v1", Port: 8080, Replicas: 1}
	for i, sp := range specs {
		ns := kube.NamespaceName(sp.ReplicaID)
		if err := d.ApplyApp(ctx, sp.ProviderID, sp.SiteID, ns, app); err != nil {
			t.Fatal(err)
		}
		c := f.Clients[sp.SiteID]
		svc, err := c.CoreV1().Services(ns).Get(ctx, "citas", metav1.GetOptions{})
		if err != nil || len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 8080 || svc.Spec.Selector[kube.LabelApp] != app.AppID {
			t.Fatalf("site %s service: %+v %v", sp.SiteID, svc, err)
		}
		ing, err := c.NetworkingV1().Ingresses(ns).Get(ctx, "citas", metav1.GetOptions{})
		as, serr := d.AppStatus(ctx, sp.ProviderID, sp.SiteID, ns, "citas", app.ReleaseID)
		if serr != nil {
			t.Fatal(serr)
		}
		if i == 0 {
			host := kube.AppHost("citas", ns, "apps.example.gob.mx")
			if err != nil || len(ing.Spec.Rules) != 1 || ing.Spec.Rules[0].Host != host ||
				ing.Spec.IngressClassName == nil || *ing.Spec.IngressClassName != "nginx" ||
				ing.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Name != "citas" {
				t.Fatalf("site %s ingress: %+v %v", sp.SiteID, ing, err)
			}
			if as.URL != "https://"+host {
				t.Errorf("URL %q, want https://%s", as.URL, host)
			}
		} else {
			if !apierrors.IsNotFound(err) {
				t.Errorf("site %s without an ingress domain has an Ingress: %v", sp.SiteID, err)
			}
			if !strings.HasPrefix(as.URL, "http://citas."+ns+".svc:8080") {
				t.Errorf("URL %q, want the Service's name", as.URL)
			}
		}
		if err := d.DeleteApp(ctx, sp.ProviderID, sp.SiteID, ns, "citas"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.NetworkingV1().Ingresses(ns).Get(ctx, "citas", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("ingress left after DeleteApp: %v", err)
		}
		if _, err := c.CoreV1().Services(ns).Get(ctx, "citas", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("service left after DeleteApp: %v", err)
		}
	}
}
