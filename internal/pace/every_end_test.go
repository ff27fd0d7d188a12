package pace

import (
	"context"
	"testing"
	"time"
)

// TestRepeatNotAfterEnd: fn is never called again once ctx has ended,
// even when a tick came while fn ran (select would otherwise pick the
// tick half the time). fn here outlasts the interval, then ends ctx.
func TestRepeatNotAfterEnd(t *testing.T) {
	t.Parallel()
	for i := range 20 {
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		_ = Repeat(ctx, time.Millisecond, func() {
			calls++
			time.Sleep(3 * time.Millisecond) // a tick is waiting when fn returns
			cancel()
		})
		if calls != 1 {
			t.Fatalf("run %d: fn called %d times, want 1 (not after ctx ended)", i, calls)
		}
	}
}
