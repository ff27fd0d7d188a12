package kubernetes_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	authzv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/soberana/soberana/internal/provider"
	kube "github.com/soberana/soberana/internal/provider/kubernetes"
	"github.com/soberana/soberana/internal/provider/kubernetes/kubetest"
)

type lookup map[string]kube.Tenant

func (l lookup) Tenant(_ context.Context, wl string) (kube.Tenant, error) {
	t, ok := l[wl]
	if !ok {
		return t, fmt.Errorf("no workload %s", wl)
	}
	return t, nil
}

// startDriver connects to the test clusters (or skips) and returns them,
// a context for the test, and a driver over them whose workloads are
// looked up in look.
func startDriver(t *testing.T) (kubetest.Fleet, context.Context, lookup, *kube.Driver) {
	t.Helper()
	f := kubetest.Clusters(t)
	look := lookup{}
	return f, kubetest.Ctx(t), look, kube.New(f.Configs(), look)
}

// project makes a namespace workload of a fresh project with one replica
// on each test site, and returns its specs.
func project(t *testing.T, f kubetest.Fleet, look lookup) (kube.Tenant, []provider.Spec) {
	t.Helper()
	ten := kube.Tenant{ProjectID: kubetest.ID("prj"), InstitutionID: kubetest.ID("ins")}
	wl := kubetest.ID("wl")
	look[wl] = ten
	var specs []provider.Spec
	for _, s := range f.Sites {
		specs = append(specs, provider.Spec{ResourceRef: provider.ResourceRef{ProviderID: f.ProviderID, SiteID: s,
			WorkloadID: wl, ReplicaID: kubetest.ID("plc")}, VCPUs: 4, MemoryMiB: 8192, DiskGiB: 50})
	}
	return ten, specs
}

func TestIntegrationNamespacePerSite(t *testing.T) {
	f, ctx, look, d := startDriver(t)
	ten, specs := project(t, f, look)

	for _, sp := range specs {
		id, err := d.Create(ctx, sp)
		if err != nil {
			t.Fatal(err)
		}
		// A repeated Create (a retry, or a restarted soberana) adopts it.
		id2, err := d.Create(ctx, sp)
		if err != nil || id2 != id {
			t.Fatalf("second create: %q %v, want %q", id2, err, id)
		}
		obs, err := d.Observe(ctx, sp.ResourceRef)
		if err != nil || !obs.Exists || obs.State != provider.StateActive || obs.ResourceID != id {
			t.Fatalf("observe: %+v %v", obs, err)
		}
		c := f.Clients[sp.SiteID]
		ns := kube.NamespaceName(sp.ReplicaID)
		got, err := c.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]string{kube.LabelWorkload: sp.WorkloadID, kube.LabelProject: ten.ProjectID,
			kube.LabelInstitution: ten.InstitutionID, kube.LabelReplica: sp.ReplicaID, kube.LabelSite: sp.SiteID} {
			if got.Labels[k] != v {
				t.Errorf("namespace %s label %s = %q, want %q", ns, k, got.Labels[k], v)
			}
		}
		// Exactly one namespace carries the replica id.
		list, err := c.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: kube.LabelReplica + "=" + sp.ReplicaID})
		if err != nil || len(list.Items) != 1 {
			t.Fatalf("namespaces of replica %s: %d %v", sp.ReplicaID, len(list.Items), err)
		}
		q, err := c.CoreV1().ResourceQuotas(ns).Get(ctx, "soberana-quota", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range map[corev1.ResourceName]string{corev1.ResourceRequestsCPU: "4", corev1.ResourceLimitsMemory: "8Gi",
			corev1.ResourceRequestsStorage: "50Gi", corev1.ResourcePods: "40"} {
			want := resource.MustParse(v)
			if h := q.Spec.Hard[k]; h.Cmp(want) != 0 {
				t.Errorf("quota %s = %s, want %s", k, h.String(), v)
			}
		}
		lr, err := c.CoreV1().LimitRanges(ns).Get(ctx, "soberana-limits", metav1.GetOptions{})
		if err != nil || len(lr.Spec.Limits) != 1 || lr.Spec.Limits[0].Max.Cpu().Cmp(resource.MustParse("4")) != 0 {
			t.Fatalf("limit range: %+v %v", lr, err)
		}
		np, err := c.NetworkingV1().NetworkPolicies(ns).Get(ctx, "soberana-default-deny", metav1.GetOptions{})
		if err != nil || len(np.Spec.PodSelector.MatchLabels) != 0 || len(np.Spec.PolicyTypes) != 2 || len(np.Spec.Ingress) != 1 ||
			len(np.Spec.Ingress[0].From) != 1 || np.Spec.Ingress[0].From[0].NamespaceSelector != nil || len(np.Spec.Egress) != 2 ||
			np.Spec.Egress[1].Ports[0].Port.IntValue() != 53 {
			t.Fatalf("network policy: %+v %v", np, err)
		}
	}

	// ListResources finds both, with their sites.
	res, err := d.ListResources(ctx, f.ProviderID)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, r := range res {
		for _, sp := range specs {
			if r.ReplicaID == sp.ReplicaID && r.SiteID == sp.SiteID {
				found++
			}
		}
	}
	if found != len(specs) {
		t.Fatalf("ListResources found %d of %d", found, len(specs))
	}

	// Delete: gone once the namespace controller finishes.
	for _, sp := range specs {
		if err := d.Delete(ctx, sp.ResourceRef); err != nil {
			t.Fatal(err)
		}
		if err := d.Delete(ctx, sp.ResourceRef); err != nil {
			t.Fatalf("second delete: %v", err)
		}
	}
	for _, sp := range specs {
		kubetest.Eventually(t, 90*time.Second, func() error {
			o, err := d.Observe(ctx, sp.ResourceRef)
			if err != nil {
				return err
			}
			if o.Exists {
				return fmt.Errorf("namespace of %s still exists (%s)", sp.ReplicaID, o.Reason)
			}
			return nil
		})
	}
}

// A crash between the namespace and its quota leaves a namespace that
// Observe reports building and Create finishes, without a second one.
func TestIntegrationAdoptAfterCrash(t *testing.T) {
	f, ctx, look, d := startDriver(t)
	ten, specs := project(t, f, look)
	sp := specs[0]
	c := f.Clients[sp.SiteID]
	ns := kube.NamespaceName(sp.ReplicaID)
	_, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns,
		Labels: map[string]string{kube.LabelReplica: sp.ReplicaID, kube.LabelProject: ten.ProjectID}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Delete(context.Background(), sp.ResourceRef) })
	obs, err := d.Observe(ctx, sp.ResourceRef)
	if err != nil || !obs.Exists || obs.State != provider.StateBuilding {
		t.Fatalf("half-made namespace: %+v %v", obs, err)
	}
	if _, err := d.Create(ctx, sp); err != nil {
		t.Fatal(err)
	}
	obs, err = d.Observe(ctx, sp.ResourceRef)
	if err != nil || obs.State != provider.StateActive {
		t.Fatalf("after adoption: %+v %v", obs, err)
	}
	// A namespace of that name owned by another replica is never taken over.
	other := sp
	other.ReplicaID = sp.ReplicaID + "x"
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: kube.NamespaceName(other.ReplicaID),
		Labels: map[string]string{kube.LabelReplica: "someone-else"}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.CoreV1().Namespaces().Delete(context.Background(), kube.NamespaceName(other.ReplicaID), metav1.DeleteOptions{})
	})
	if _, err := d.Create(ctx, other); err == nil {
		t.Fatal("Create took over a namespace of another replica")
	}
}

func can(ctx context.Context, t *testing.T, c kubernetes.Interface, user, verb, group, res, ns string) bool {
	t.Helper()
	sar, err := c.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authzv1.SubjectAccessReview{Spec: authzv1.SubjectAccessReviewSpec{
		User: user, ResourceAttributes: &authzv1.ResourceAttributes{Namespace: ns, Verb: verb, Group: group, Resource: res}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return sar.Status.Allowed
}

// asUser returns a client of the cluster acting as user (impersonation:
// the apiserver authorizes every request as that user).
func asUser(t *testing.T, f kubetest.Fleet, site, user string) kubernetes.Interface {
	t.Helper()
	for _, sm := range f.Config.Sites {
		if sm.SiteID != site {
			continue
		}
		for _, cl := range f.Config.Clusters {
			if cl.Name == sm.Cluster {
				rc, err := kube.RESTConfig(cl)
				if err != nil {
					t.Fatal(err)
				}
				rc = rest.CopyConfig(rc)
				rc.Impersonate = rest.ImpersonationConfig{UserName: user}
				return kubernetes.NewForConfigOrDie(rc)
			}
		}
	}
	t.Fatalf("no site %s", site)
	return nil
}

func TestIntegrationVendorGrant(t *testing.T) {
	f, ctx, look, d := startDriver(t)
	ten, specs := project(t, f, look)
	_, others := project(t, f, look) // another project's namespaces
	for _, sp := range append(append([]provider.Spec{}, specs...), others...) {
		if _, err := d.Create(ctx, sp); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = d.Delete(context.Background(), sp.ResourceRef) })
	}
	vendor := kubetest.ID("usr")
	user := kube.Subject(&f.Config, vendor)
	g := kube.Grant{ID: kubetest.ID("grt"), ProjectID: ten.ProjectID, UserID: vendor, Role: "developer", ExpiresAt: time.Now().Add(time.Hour)}
	if err := d.SyncGrants(ctx, f.ProviderID, ten.ProjectID, []kube.Grant{g}); err != nil {
		t.Fatal(err)
	}
	if err := d.SyncGrants(ctx, f.ProviderID, ten.ProjectID, []kube.Grant{g}); err != nil { // idempotent
		t.Fatal(err)
	}
	for i, sp := range specs {
		c := f.Clients[sp.SiteID]
		mine, theirs := kube.NamespaceName(sp.ReplicaID), kube.NamespaceName(others[i].ReplicaID)
		if !can(ctx, t, c, user, "create", "apps", "deployments", mine) {
			t.Errorf("vendor cannot create deployments in its project's namespace %s", mine)
		}
		for _, ns := range []string{theirs, "default", "kube-system"} {
			if can(ctx, t, c, user, "create", "apps", "deployments", ns) {
				t.Errorf("vendor can create deployments in %s", ns)
			}
		}
		if can(ctx, t, c, user, "list", "", "namespaces", "") || can(ctx, t, c, user, "delete", "", "resourcequotas", mine) {
			t.Error("vendor can list namespaces or delete its quota")
		}
		// Acting as the vendor.
		vc := asUser(t, f, sp.SiteID, user)
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "vendor-cm"}}
		if _, err := vc.CoreV1().ConfigMaps(mine).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Errorf("vendor creating a configmap in %s: %v", mine, err)
		}
		if _, err := vc.CoreV1().ConfigMaps(theirs).Create(ctx, cm, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
			t.Errorf("vendor creating a configmap in another project's %s: %v, want Forbidden", theirs, err)
		}
		if _, err := vc.CoreV1().Namespaces().List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
			t.Errorf("vendor listing namespaces: %v, want Forbidden", err)
		}
	}

	// Revocation (the grant is no longer in force): bindings and access go.
	if err := d.SyncGrants(ctx, f.ProviderID, ten.ProjectID, nil); err != nil {
		t.Fatal(err)
	}
	for _, sp := range specs {
		c := f.Clients[sp.SiteID]
		ns := kube.NamespaceName(sp.ReplicaID)
		if can(ctx, t, c, user, "create", "apps", "deployments", ns) {
			t.Errorf("revoked vendor can still act in %s", ns)
		}
		if _, err := c.RbacV1().RoleBindings(ns).Get(ctx, kube.BindingName(g.ID), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("binding of revoked grant in %s: %v", ns, err)
		}
		vc := asUser(t, f, sp.SiteID, user)
		if _, err := vc.CoreV1().ConfigMaps(ns).Get(ctx, "vendor-cm", metav1.GetOptions{}); !apierrors.IsForbidden(err) {
			t.Errorf("revoked vendor reading in %s: %v, want Forbidden", ns, err)
		}
	}

	// Expiry: a grant whose time has passed is not mirrored, and a viewer
	// grant reads but does not write.
	expired := g
	expired.ExpiresAt = time.Now().Add(-time.Minute)
	viewer := kube.Grant{ID: kubetest.ID("grt"), ProjectID: ten.ProjectID, UserID: vendor + "v", Role: "viewer", ExpiresAt: time.Now().Add(time.Hour)}
	if err := d.SyncGrants(ctx, f.ProviderID, ten.ProjectID, []kube.Grant{expired, viewer}); err != nil {
		t.Fatal(err)
	}
	c := f.Clients[specs[0].SiteID]
	ns := kube.NamespaceName(specs[0].ReplicaID)
	if can(ctx, t, c, user, "get", "", "configmaps", ns) {
		t.Error("expired grant still gives access")
	}
	vu := kube.Subject(&f.Config, viewer.UserID)
	if !can(ctx, t, c, vu, "get", "", "configmaps", ns) || can(ctx, t, c, vu, "create", "", "configmaps", ns) {
		t.Error("viewer grant: want read-only access")
	}
}

func TestIntegrationCapacity(t *testing.T) {
	f := kubetest.Clusters(t)
	ctx := kubetest.Ctx(t)
	// Nodes of a zone of their own, so other tests' nodes do not count.
	zone := strings.ReplaceAll(kubetest.ID("zone"), "_", "-")
	cfg := f.Config
	cfg.Sites = []kube.SiteMap{{SiteID: "site_cap", Cluster: cfg.Clusters[0].Name, Zone: zone}}
	d := kube.New(kube.MemConfigs{f.ProviderID: cfg}, lookup{})
	c := f.Clients[f.Sites[0]]
	for i, alloc := range []string{"8", "4"} {
		name := fmt.Sprintf("%s-n%d", zone, i)
		n, err := c.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{kube.ZoneLabel: zone}}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.CoreV1().Nodes().Delete(context.Background(), name, metav1.DeleteOptions{}) })
		n.Status.Allocatable = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(alloc), corev1.ResourceMemory: resource.MustParse("16Gi"),
			corev1.ResourceEphemeralStorage: resource.MustParse("100Gi")}
		n.Status.Capacity = n.Status.Allocatable
		if _, err := c.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: zone}}
	if _, err := c.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.CoreV1().Namespaces().Delete(context.Background(), zone, metav1.DeleteOptions{}) })
	kubetest.Eventually(t, 60*time.Second, func() error { // the pod needs the default service account
		_, err := c.CoreV1().ServiceAccounts(zone).Get(ctx, "default", metav1.GetOptions{})
		return err
	})
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "busy"}, Spec: corev1.PodSpec{NodeName: zone + "-n0",
		Containers: []corev1.Container{{Name: "c", Image: "busybox", Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3"), corev1.ResourceMemory: resource.MustParse("4Gi")}}}}}}
	if _, err := c.CoreV1().Pods(zone).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	sites, err := d.Discover(ctx, f.ProviderID)
	if err != nil || len(sites) != 1 {
		t.Fatalf("discover: %+v %v", sites, err)
	}
	s := sites[0]
	if s.Health != "healthy" || s.Capacity.VCPUs != 9 || s.Capacity.MemoryMiB != 28*1024 || s.Capacity.DiskGiB != 200 {
		t.Fatalf("site %+v, want healthy with 12-3 vCPUs, 32-4 GiB, 200 GiB", s)
	}
}
