package kubernetes

import (
	"context"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/soberana/soberana/internal/provider"
)

var _ provider.Watcher = (*Driver)(nil)

// watches are the namespace watches of the clusters being watched, by
// provider/cluster.
type watches struct {
	mu sync.Mutex
	by map[string]cache.SharedIndexInformer
}

func (w *watches) get(key string) cache.SharedIndexInformer {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.by[key]
}

// Watch watches the namespaces soberana made on every cluster of the
// provider until ctx ends (one list, then a watch stream per cluster).
// Meanwhile ListResources answers from the watch's cache, costing the
// cluster no call, and changed is called whenever such a namespace is
// deleted, starts terminating or loses its labels, so that the resync looks
// at once instead of at its next interval.
func (d *Driver) Watch(ctx context.Context, providerID string, changed func()) error {
	cfg, err := d.config(ctx, providerID)
	if err != nil {
		return err
	}
	for _, cl := range cfg.Clusters {
		c, err := d.client(providerID, cl)
		if err != nil {
			return err
		}
		f := informers.NewSharedInformerFactoryWithOptions(c, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
			o.LabelSelector = LabelReplica
		}))
		inf := f.Core().V1().Namespaces().Informer()
		if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			UpdateFunc: func(oldObj, newObj any) {
				o, ok1 := oldObj.(*corev1.Namespace)
				n, ok2 := newObj.(*corev1.Namespace)
				if !ok1 || !ok2 || (o.DeletionTimestamp == nil) != (n.DeletionTimestamp == nil) ||
					o.Labels[LabelReplica] != n.Labels[LabelReplica] || o.Labels[LabelSite] != n.Labels[LabelSite] {
					changed()
				}
			},
			DeleteFunc: func(any) { changed() },
		}); err != nil {
			return err
		}
		key := providerID + "/" + cl.Name
		d.watch.mu.Lock()
		if d.watch.by == nil {
			d.watch.by = map[string]cache.SharedIndexInformer{}
		}
		d.watch.by[key] = inf
		d.watch.mu.Unlock()
		f.Start(ctx.Done())
		go func() {
			<-ctx.Done()
			d.watch.mu.Lock()
			if d.watch.by[key] == inf {
				delete(d.watch.by, key)
			}
			d.watch.mu.Unlock()
			f.Shutdown()
		}()
	}
	return nil
}

// namespaces lists the cluster's namespaces that carry a replica id: from
// the watch's cache when the cluster is watched and the cache synced,
// else with one list call.
func (d *Driver) namespaces(ctx context.Context, providerID string, cl Cluster, c *kubernetes.Clientset) ([]corev1.Namespace, error) {
	if inf := d.watch.get(providerID + "/" + cl.Name); inf != nil && inf.HasSynced() {
		objs := inf.GetStore().List()
		out := make([]corev1.Namespace, 0, len(objs))
		for _, o := range objs {
			if ns, ok := o.(*corev1.Namespace); ok {
				out = append(out, *ns)
			}
		}
		return out, nil
	}
	list, err := c.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: LabelReplica})
	if err != nil {
		return nil, classify("list namespaces", err)
	}
	return list.Items, nil
}
