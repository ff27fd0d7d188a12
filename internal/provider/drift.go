package provider

import "context"

// Starter is implemented by drivers that can power a stopped resource on
// again (restoring a replica stopped outside soberana). Drivers without it
// only report such drift.
type Starter interface {
	Start(ctx context.Context, ref ResourceRef) error
}
