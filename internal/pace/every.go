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
		}
	}
}
