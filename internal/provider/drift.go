package provider

import "context"

// Starter is implemented by drivers that can power a stopped resource on
// again (restoring a replica stopped outside soberana). Drivers without it
// only report such drift.
type Starter interface {
	Start(ctx context.Context, ref ResourceRef) error
}

// Watcher is implemented by drivers that can watch their resources
// (Kubernetes: a watch stream per cluster). While Watch runs (until ctx
// ends) ListResources answers from the watch instead of listing, and
// changed is called when a resource carrying a replica id is deleted or
// changed, so that the resync looks at once.
type Watcher interface {
	Watch(ctx context.Context, providerID string, changed func()) error
}
