package api

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/store/storetest"
)

// TestRateLimitsAcrossReplicas: what one replica lets through comes off
// the other's bucket after a sync, so a client spread over replicas gets
// the configured rate for the whole service. Fixed clock: no timing.
func TestRateLimitsAcrossReplicas(t *testing.T) {
	t.Parallel()
	st := storetest.Postgres(t)
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	mk := func() *limiter {
		lm := newLimiter(Limits{PerIP: 1, PerIPBurst: 10, PerCaller: -1}, clock)
		lm.shared = &rateShare{pending: map[string]int64{}, own: map[string]int64{}, remote: map[string]int64{}}
		return lm
	}
	a, b := mk(), mk()
	for i := range 10 {
		if err := a.allowIP("192.0.2.7"); err != nil {
			t.Fatalf("request %d on A: %v", i, err)
		}
	}
	if err := b.allowIP("192.0.2.7"); err != nil {
		t.Fatalf("first request on B: %v", err)
	}
	if err := a.syncShared(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := b.syncShared(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := b.allowIP("192.0.2.7"); err == nil {
		t.Fatal("B let the client through although A had used the whole burst")
	}
	if err := b.allowIP("198.51.100.1"); err != nil {
		t.Fatalf("another client on B: %v", err)
	}
}
