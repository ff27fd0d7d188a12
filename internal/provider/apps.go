package provider

import (
	"context"
	"strings"
	"time"
)

// AppSpec is one release of an app as it is applied into one site's
// namespace (on Kubernetes: a Deployment, a Service and, where the
// provider names an ingress domain, an Ingress).
type AppSpec struct {
	Name      string // DNS label
	AppID     string
	ReleaseID string
	Image     string
	Port      int32
	Replicas  int32
	Env       map[string]string
	// HealthPath, when set, is the readiness probe (HTTP GET on Port):
	// on a real cluster a pod counts as available only once it answers.
	HealthPath string
	// ProgressDeadline is how long the site may take before it reports
	// the rollout failed (seconds; default 600).
	ProgressDeadline int32
}

// AppState is what a site says of an app's rollout.
type AppState struct {
	// Available: the site runs the spec's release with every replica
	// updated and available.
	Available bool
	// Failed: the site gave up (on Kubernetes, ProgressDeadlineExceeded).
	Failed bool
	Reason string
	// URL is where the site serves the app, when it is reachable by one
	// (an Ingress host, or the Service's in-cluster name); empty when the
	// site does not say.
	URL string
	// Simulated: the site is the sim provider's; nothing runs.
	Simulated bool
}

// AppDeployer is implemented by drivers that can run apps (containers)
// in the namespaces of their namespace workloads: the kubernetes driver,
// and the sim for the demo. The deploy service finds it by a type
// assertion on the provider's driver.
type AppDeployer interface {
	// ApplyApp applies the spec into the namespace; applying the same
	// spec again changes nothing.
	ApplyApp(ctx context.Context, providerID, siteID, namespace string, s AppSpec) error
	// AppStatus reports the rollout of releaseID of the app name.
	AppStatus(ctx context.Context, providerID, siteID, namespace, name, releaseID string) (AppState, error)
	// DeleteApp removes the app from the namespace; deleting nothing
	// succeeds.
	DeleteApp(ctx context.Context, providerID, siteID, namespace, name string) error
}

// NamespaceName is the namespace of a replica of a namespace workload:
// "sbr-" and the replica id in DNS-label form. It is a pure function of
// the replica id, which is what makes Create idempotent and a crashed
// Create adoptable.
func NamespaceName(replicaID string) string {
	s := strings.ToLower(strings.ReplaceAll(replicaID, "_", "-"))
	var b strings.Builder
	b.WriteString("sbr-")
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			b.WriteRune(r)
		}
	}
	n := strings.TrimRight(b.String(), "-")
	if len(n) > 63 {
		n = strings.TrimRight(n[:63], "-")
	}
	return n
}

// Usage is one sample of what a replica's resource uses, as its provider
// reports it.
type Usage struct {
	ReplicaID string
	At        time.Time
	// CPUPermille is the share of the replica's vCPUs in use over the
	// sampling window, in thousandths (1000 = every vCPU busy).
	CPUPermille int64
	// MemoryUsedMiB and MemoryMiB are the memory in use and the memory
	// the replica has.
	MemoryUsedMiB int64
	MemoryMiB     int64
	// Simulated: made up by the sim provider.
	Simulated bool
}

// UsageReporter is implemented by drivers that can report what their
// replicas use (OpenStack: Nova's server diagnostics; the sim: a made-up,
// deterministic series). Replicas the provider says nothing about are
// left out of the answer.
type UsageReporter interface {
	Usage(ctx context.Context, providerID string, refs []ResourceRef) ([]Usage, error)
}
