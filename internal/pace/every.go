package pace

import (
	"context"
	"time"
)

// Every runs pass once an interval, the first time after one interval,
// until ctx ends; it then returns nil. It is the loop of the background
// passes that wait a period between runs (the rate-limit share, the fleet
// refresh, the utilization sampler, the alert engine, the usage rating):
// pass logs its own errors, so one failed run does not stop the next.
func Every(ctx context.Context, every time.Duration, pass func()) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		pass()
	}
}
