package kubernetes

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// Name is the driver name a Kubernetes provider carries.
const Name = model.DriverKubernetes

// Labels and annotations soberana puts on what it creates.
const (
	LabelManaged     = "app.kubernetes.io/managed-by"
	LabelWorkload    = "soberana.io/workload"
	LabelProject     = "soberana.io/project"
	LabelInstitution = "soberana.io/institution"
	LabelReplica     = "soberana.io/replica"
	LabelSite        = "soberana.io/site"
	// LabelInstallation carries the id of the soberana installation that
	// made the namespace: the orphan sweep of another installation sharing
	// the cluster leaves it alone.
	LabelInstallation = "soberana.io/installation"
	LabelGrant        = "soberana.io/grant"
	LabelApp          = "soberana.io/app"
	LabelRelease      = "soberana.io/release"
	// FieldManager is the server-side apply field manager.
	FieldManager = "soberana"
	managedValue = "soberana"
	// ZoneLabel is the well-known node label a site's zone matches.
	ZoneLabel = "topology.kubernetes.io/zone"
)

var _ provider.Driver = (*Driver)(nil)

func init() {
	provider.Register(Name, func(d provider.Deps) (provider.Driver, error) {
		if d.Store == nil {
			return nil, errors.New("kubernetes driver needs the store")
		}
		drv := New(StoreConfigs{St: d.Store, Box: func() Box { return d.Box() }}, StoreLookup{St: d.Store})
		drv.Installation = d.Installation
		return drv, nil
	})
}

// Tenant is what the driver needs to know of a replica's workload.
type Tenant struct {
	ProjectID     string
	InstitutionID string
}

// Lookup reads soberana's side of a replica.
type Lookup interface {
	Tenant(ctx context.Context, workloadID string) (Tenant, error)
}

// Grants gives the grants in force of a project, so that a namespace made
// after a grant gets its RoleBindings at once. Until internal/auth is wired
// (SetGrants) a new namespace gets them at the next grant sync.
type Grants interface {
	ActiveGrants(ctx context.Context, projectID string) ([]Grant, error)
}

// Driver reaches Kubernetes clusters.
type Driver struct {
	cfgs   Configs
	look   Lookup
	grants Grants
	Log    *slog.Logger
	// Installation is this installation's id, put on every namespace it
	// makes; Delete refuses a namespace carrying another's.
	Installation string

	mu      sync.Mutex
	clients map[string]*kubernetes.Clientset // by provider/cluster/kubeconfig fingerprint
	watch   watches
}

// New returns a driver over a config source and a lookup.
func New(cfgs Configs, look Lookup) *Driver {
	return &Driver{cfgs: cfgs, look: look, Log: slog.New(slog.DiscardHandler), clients: map[string]*kubernetes.Clientset{}}
}

// SetGrants wires the source of grants in force.
func (d *Driver) SetGrants(g Grants) { d.grants = g }

func (d *Driver) config(ctx context.Context, providerID string) (Config, error) {
	cfg, err := d.cfgs.Config(ctx, providerID)
	if err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// RESTConfig builds the client config of a cluster from its kubeconfig.
func RESTConfig(cl Cluster) (*rest.Config, error) {
	raw, err := clientcmd.Load([]byte(cl.Kubeconfig))
	if err != nil {
		return nil, fmt.Errorf("%w: cluster %s: %w", ErrInvalidConfig, cl.Name, err)
	}
	rc, err := clientcmd.NewDefaultClientConfig(*raw, &clientcmd.ConfigOverrides{CurrentContext: cl.Context}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("%w: cluster %s: %w", ErrInvalidConfig, cl.Name, err)
	}
	rc.UserAgent = "soberana"
	rc.QPS, rc.Burst = 50, 100
	return rc, nil
}

// client returns the (cached) clientset of one cluster.
func (d *Driver) client(providerID string, cl Cluster) (*kubernetes.Clientset, error) {
	sum := sha256.Sum256([]byte(cl.Context + "\x00" + cl.Kubeconfig))
	key := providerID + "/" + cl.Name + "/" + hex.EncodeToString(sum[:8])
	d.mu.Lock()
	defer d.mu.Unlock()
	if c := d.clients[key]; c != nil {
		return c, nil
	}
	rc, err := RESTConfig(cl)
	if err != nil {
		return nil, err
	}
	c, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, err
	}
	d.clients[key] = c
	return c, nil
}

// Target is one site's cluster client.
type Target struct {
	Site    SiteMap
	Cluster string
	Client  *kubernetes.Clientset
	// IngressDomain and IngressClass are the site's (or else the
	// provider's) ingress settings; empty domain: apps get no Ingress.
	IngressDomain, IngressClass string
}

// SiteClient resolves a site of a provider to its cluster's client.
func (d *Driver) SiteClient(ctx context.Context, providerID, siteID string) (Target, error) {
	cfg, err := d.config(ctx, providerID)
	if err != nil {
		return Target{}, err
	}
	sm, ok := cfg.site(siteID)
	if !ok {
		return Target{}, fmt.Errorf("%w: site %s is not mapped to a cluster of provider %s", ErrInvalidConfig, siteID, providerID)
	}
	cl, _ := cfg.cluster(sm.Cluster)
	c, err := d.client(providerID, cl)
	if err != nil {
		return Target{}, err
	}
	dom, class := cfg.IngressDomain, cfg.IngressClass
	if sm.IngressDomain != "" {
		dom = sm.IngressDomain
	}
	return Target{Site: sm, Cluster: cl.Name, Client: c, IngressDomain: dom, IngressClass: class}, nil
}

// classify wraps the errors worth retrying (the cluster did not answer, or
// answered that it is overloaded) in provider.ErrUnavailable.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var ne net.Error
	if errors.As(err, &ne) || apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) ||
		apierrors.IsTooManyRequests(err) || apierrors.IsServiceUnavailable(err) || apierrors.IsInternalError(err) ||
		errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("kubernetes %s: %w: %w", op, provider.ErrUnavailable, err)
	}
	return fmt.Errorf("kubernetes %s: %w", op, err)
}

// NamespaceName is the namespace of a replica: "sbr-" and the replica id
// in DNS-label form. It is a pure function of the replica id, which is
// what makes Create idempotent and a crashed Create adoptable.
func NamespaceName(replicaID string) string { return provider.NamespaceName(replicaID) }

func resourceID(cluster, ns string) string { return cluster + "/" + ns }

// Observe finds the replica's namespace.
func (d *Driver) Observe(ctx context.Context, ref provider.ResourceRef) (provider.Observed, error) {
	t, err := d.SiteClient(ctx, ref.ProviderID, ref.SiteID)
	if err != nil {
		return provider.Observed{}, err
	}
	name := NamespaceName(ref.ReplicaID)
	ns, err := t.Client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return provider.Observed{}, nil
	}
	if err != nil {
		return provider.Observed{}, classify("get namespace", err)
	}
	if ns.Labels[LabelReplica] != ref.ReplicaID {
		return provider.Observed{}, fmt.Errorf("kubernetes: namespace %s exists but belongs to replica %q", name, ns.Labels[LabelReplica])
	}
	o := provider.Observed{Exists: true, ResourceID: resourceID(t.Cluster, name), State: provider.StateActive}
	if ns.Status.Phase == corev1.NamespaceTerminating || ns.DeletionTimestamp != nil {
		o.State, o.Reason = provider.StateBuilding, "terminating"
		return o, nil
	}
	// Active once the tenancy objects are all there (a crash between the
	// namespace and its quota leaves it building; Create finishes it).
	if _, err := t.Client.CoreV1().ResourceQuotas(name).Get(ctx, quotaName, metav1.GetOptions{}); err != nil {
		if !apierrors.IsNotFound(err) {
			return provider.Observed{}, classify("get quota", err)
		}
		o.State, o.Reason = provider.StateBuilding, "quota missing"
	} else if _, err := t.Client.NetworkingV1().NetworkPolicies(name).Get(ctx, denyPolicyName, metav1.GetOptions{}); err != nil {
		if !apierrors.IsNotFound(err) {
			return provider.Observed{}, classify("get network policy", err)
		}
		o.State, o.Reason = provider.StateBuilding, "network policy missing"
	}
	return o, nil
}

// Create applies the replica's namespace and its tenancy objects. Applying
// again converges; it never makes a second namespace.
func (d *Driver) Create(ctx context.Context, spec provider.Spec) (string, error) {
	t, err := d.SiteClient(ctx, spec.ProviderID, spec.SiteID)
	if err != nil {
		return "", err
	}
	ten, err := d.look.Tenant(ctx, spec.WorkloadID)
	if err != nil {
		return "", fmt.Errorf("kubernetes: reading the workload's tenant: %w", err)
	}
	ns := NamespaceName(spec.ReplicaID)
	if err := applyTenancy(ctx, t, ns, spec, ten, d.Installation); err != nil {
		return "", err
	}
	if d.grants != nil {
		gs, err := d.grants.ActiveGrants(ctx, ten.ProjectID)
		if err != nil {
			d.Log.Warn("reading grants for a new namespace", "project", ten.ProjectID, "err", err)
		} else {
			cfg, _ := d.config(ctx, spec.ProviderID)
			for _, g := range gs {
				if err := applyBinding(ctx, &cfg, t.Client, ns, g); err != nil {
					return "", err
				}
			}
		}
	}
	return resourceID(t.Cluster, ns), nil
}

var _ provider.Resizer = (*Driver)(nil)

// Resize re-applies the quota and limit range sized from spec.
func (d *Driver) Resize(ctx context.Context, spec provider.Spec) error {
	_, err := d.Create(ctx, spec)
	return err
}

// Delete deletes the replica's namespace (and with it everything in it).
func (d *Driver) Delete(ctx context.Context, ref provider.ResourceRef) error {
	t, err := d.SiteClient(ctx, ref.ProviderID, ref.SiteID)
	if err != nil {
		return err
	}
	name := NamespaceName(ref.ReplicaID)
	ns, err := t.Client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return classify("get namespace", err)
	}
	if ns.Labels[LabelReplica] != ref.ReplicaID {
		return fmt.Errorf("kubernetes: refusing to delete namespace %s: it belongs to replica %q", name, ns.Labels[LabelReplica])
	}
	if i := ns.Labels[LabelInstallation]; i != "" && d.Installation != "" && i != d.Installation {
		return fmt.Errorf("kubernetes: refusing to delete namespace %s: it belongs to soberana installation %q", name, i)
	}
	if ns.DeletionTimestamp != nil {
		return nil
	}
	uid := ns.UID
	err = t.Client.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return classify("delete namespace", err)
}

// ListResources lists the namespaces of every cluster that carry a replica id.
func (d *Driver) ListResources(ctx context.Context, providerID string) ([]provider.Resource, error) {
	cfg, err := d.config(ctx, providerID)
	if err != nil {
		return nil, err
	}
	var out []provider.Resource
	for _, cl := range cfg.Clusters {
		c, err := d.client(providerID, cl)
		if err != nil {
			return nil, err
		}
		items, err := d.namespaces(ctx, providerID, cl, c)
		if err != nil {
			return nil, err
		}
		for _, ns := range items {
			st := provider.StateActive
			if ns.DeletionTimestamp != nil {
				st = provider.StateBuilding
			}
			out = append(out, provider.Resource{ResourceID: resourceID(cl.Name, ns.Name), SiteID: ns.Labels[LabelSite],
				ReplicaID: ns.Labels[LabelReplica], WorkloadID: ns.Labels[LabelWorkload], State: st, Deleting: ns.DeletionTimestamp != nil,
				Installation: ns.Labels[LabelInstallation]})
		}
	}
	return out, nil
}

// Discover reports each mapped site's health (the cluster answers /readyz)
// and capacity: the allocatable resources of its nodes minus the requests
// of the pods bound to them.
func (d *Driver) Discover(ctx context.Context, providerID string) ([]provider.Site, error) {
	cfg, err := d.config(ctx, providerID)
	if err != nil {
		return nil, err
	}
	out := make([]provider.Site, 0, len(cfg.Sites))
	for _, sm := range cfg.Sites {
		s := provider.Site{SiteID: sm.SiteID, Health: model.HealthDown}
		cl, _ := cfg.cluster(sm.Cluster)
		c, err := d.client(providerID, cl)
		if err == nil {
			var capa model.Capacity
			if capa, err = SiteCapacity(ctx, c, sm.Zone); err == nil {
				s.Health, s.Capacity = model.HealthHealthy, capa
			}
		}
		if err != nil {
			d.Log.Warn("discovering kubernetes site", "provider", providerID, "site", sm.SiteID, "err", err)
		}
		out = append(out, s)
	}
	return out, nil
}

// SiteCapacity sums the allocatable resources of the nodes (of the zone,
// when given) minus the requests of the running or pending pods bound to
// them: whole vCPUs, MiB of memory and GiB of ephemeral storage.
func SiteCapacity(ctx context.Context, c kubernetes.Interface, zone string) (model.Capacity, error) {
	if _, err := c.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx); err != nil {
		return model.Capacity{}, classify("readyz", err)
	}
	sel := labels.Everything().String()
	if zone != "" {
		sel = labels.SelectorFromSet(labels.Set{ZoneLabel: zone}).String()
	}
	nodes, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return model.Capacity{}, classify("list nodes", err)
	}
	cpu, mem, disk := resource.Quantity{}, resource.Quantity{}, resource.Quantity{}
	in := map[string]bool{}
	for _, n := range nodes.Items {
		if n.Spec.Unschedulable {
			continue
		}
		in[n.Name] = true
		cpu.Add(n.Status.Allocatable[corev1.ResourceCPU])
		mem.Add(n.Status.Allocatable[corev1.ResourceMemory])
		disk.Add(n.Status.Allocatable[corev1.ResourceEphemeralStorage])
	}
	if len(in) > 0 {
		pods, err := c.CoreV1().Pods("").List(ctx, metav1.ListOptions{FieldSelector: fields.AndSelectors(
			fields.OneTermNotEqualSelector("spec.nodeName", ""),
			fields.OneTermNotEqualSelector("status.phase", string(corev1.PodSucceeded)),
			fields.OneTermNotEqualSelector("status.phase", string(corev1.PodFailed))).String()})
		if err != nil {
			return model.Capacity{}, classify("list pods", err)
		}
		for _, p := range pods.Items {
			if !in[p.Spec.NodeName] {
				continue
			}
			for _, ct := range p.Spec.Containers {
				cpu.Sub(ct.Resources.Requests[corev1.ResourceCPU])
				mem.Sub(ct.Resources.Requests[corev1.ResourceMemory])
				disk.Sub(ct.Resources.Requests[corev1.ResourceEphemeralStorage])
			}
		}
	}
	return model.Capacity{
		VCPUs:     max(cpu.MilliValue()/1000, 0),
		MemoryMiB: max(mem.Value()/(1<<20), 0),
		DiskGiB:   max(disk.Value()/(1<<30), 0),
	}, nil
}

// StoreLookup reads tenants from the store.
type StoreLookup struct{ St *store.Store }

// Tenant reads a workload's project and institution.
func (s StoreLookup) Tenant(ctx context.Context, workloadID string) (Tenant, error) {
	w, err := s.St.Read().Workloads().Get(ctx, workloadID)
	if err != nil {
		return Tenant{}, err
	}
	return Tenant{ProjectID: w.ProjectID, InstitutionID: w.InstitutionID}, nil
}

var _ provider.Stamper = (*Driver)(nil)

// Stamp labels a live replica's namespace, made before installations had
// ids, with this installation's id.
func (d *Driver) Stamp(ctx context.Context, providerID string, res provider.Resource) error {
	if d.Installation == "" {
		return nil
	}
	t, err := d.SiteClient(ctx, providerID, res.SiteID)
	if err != nil {
		return err
	}
	name := NamespaceName(res.ReplicaID)
	ns, err := t.Client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return classify("get namespace", err)
	}
	switch i := ns.Labels[LabelInstallation]; {
	case ns.Labels[LabelReplica] != res.ReplicaID:
		return fmt.Errorf("kubernetes: namespace %s belongs to replica %q", name, ns.Labels[LabelReplica])
	case i == d.Installation:
		return nil
	case i != "":
		return fmt.Errorf("kubernetes: namespace %s belongs to soberana installation %q", name, i)
	}
	patch := fmt.Sprintf(`{"metadata":{"labels":{%q:%q}}}`, LabelInstallation, d.Installation)
	_, err = t.Client.CoreV1().Namespaces().Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{FieldManager: FieldManager})
	return classify("label namespace", err)
}
