package pace

import (
	"context"
	"testing"
	"time"
)

func TestEveryWaitsOneIntervalAndStopsWithCtx(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	start := time.Now()
	err := Every(ctx, 5*time.Millisecond, func() {
		if calls == 0 && time.Since(start) < 5*time.Millisecond {
			t.Error("first call came before one interval")
		}
		calls++
		if calls == 3 {
			cancel()
		}
	})
	if err != nil || calls != 3 {
		t.Fatalf("Every = %v after %d calls; want nil after 3", err, calls)
	}
}

func TestRepeatCallsAtOnce(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	// An hour's interval: only the first call, at once, can come.
	err := Repeat(ctx, time.Hour, func() {
		calls++
		cancel()
	})
	if err != nil || calls != 1 {
		t.Fatalf("Repeat = %v after %d calls; want nil after 1", err, calls)
	}
}
