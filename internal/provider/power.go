package provider

import "context"

// PowerController is implemented by drivers that can power a replica's
// resource off and on and reboot it (Nova server actions, the sim). The
// workload service discovers it by type assertion; drivers without it
// (Kubernetes namespaces) refuse power actions with a localized reason.
// Each call is idempotent: stopping a stopped resource succeeds.
type PowerController interface {
	Stop(ctx context.Context, ref ResourceRef) error
	Start(ctx context.Context, ref ResourceRef) error
	Reboot(ctx context.Context, ref ResourceRef) error
}

// Resizer is implemented by drivers that can bring an existing resource to
// another size (spec's VCPUs, MemoryMiB, DiskGiB and OfferingID) in place:
// a resize a person asked for (POST /v1/workloads/{id}:resize) and a size
// changed outside soberana that the resync restores. It returns once the
// provider holds the new size (Nova: resize, wait for VERIFY_RESIZE,
// confirm). Resizing to the size it has succeeds.
type Resizer interface {
	Resize(ctx context.Context, spec Spec) error
}
