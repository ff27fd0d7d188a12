package pace

import (
	"context"
	"time"
)

// Every calls fn once per interval until ctx ends, then returns nil (the
// contract of the server's background loops). The first call comes one
// interval after the start, not at once: a process that just started has
// nothing to do yet. Each loop's fn logs its own errors.
func Every(ctx context.Context, interval time.Duration, fn func()) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		fn()
	}
}
