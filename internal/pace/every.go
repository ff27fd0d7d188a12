package pace

import (
	"context"
	"time"
)

// Every runs fn once an interval, the first time after one interval,
// until ctx ends; it then returns nil. It is the loop of the background
// passes that wait a period between runs (the rate-limit share, the fleet
// refresh, the utilization sampler, the alert engine, the usage rating):
// a process that just started has nothing to do yet, and fn logs its own
// errors, so one failed run does not stop the next.
func Every(ctx context.Context, interval time.Duration, fn func()) error {
	return loop(ctx, interval, false, fn)
}

// Repeat is Every with a first call at once: for loops whose first pass
// brings state up to date at start-up (a tracker's check, a catalogue
// read, a feed read from its beginning).
func Repeat(ctx context.Context, interval time.Duration, fn func()) error {
	return loop(ctx, interval, true, fn)
}

func loop(ctx context.Context, interval time.Duration, now bool, fn func()) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for ; ; now = true {
		if now {
			fn()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			// A tick that came while fn ran and the end of ctx are both
			// ready: select picks either, so look again — fn never runs
			// after ctx ended (a loop that cancels its own ctx from fn
			// has its last word).
			if ctx.Err() != nil {
				return nil
			}
		}
	}
}
