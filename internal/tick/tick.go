// Package tick runs the server's periodic passes.
package tick

import (
	"context"
	"time"
)

// Every calls pass now and then every d until ctx ends; it returns nil
// then (a pass reports its own errors).
func Every(ctx context.Context, d time.Duration, pass func(context.Context)) error {
	pass(ctx)
	return After(ctx, d, pass)
}

// After is Every without the first call: pass runs at each tick, the
// first d from now.
func After(ctx context.Context, d time.Duration, pass func(context.Context)) error {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			pass(ctx)
		}
	}
}
