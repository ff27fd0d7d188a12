package api

import (
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/auth"
)

// Limits are the abuse limits: a token bucket per source address and one
// per caller (token, or user for sessions). A rate below zero disables
// that limit.
//
// The buckets are this package's own rather than golang.org/x/time/rate
// (issue #20) because the limits are shared across replicas through the
// database (ratesync.go): every sync interval a bucket is debited by what
// the other replicas let through for the same key, and may go into debt
// down to minus its burst so that a client spread over N replicas gets the
// configured rate for the whole service. rate.Limiter has no way to debit
// tokens spent elsewhere without reserving (and waiting on) them here, nor
// to bound that debt; it also reads the clock per call, where these
// buckets take the API's clock, which the tests fake.
type Limits struct {
	PerIP           float64 // requests per second
	PerIPBurst      int
	PerCaller       float64
	PerCallerBurst  int
	MaxTrackedKeys  int
	IdleForgetAfter time.Duration
}

// DefaultLimits are generous enough for CI pipelines and the console.
var DefaultLimits = Limits{PerIP: 100, PerIPBurst: 400, PerCaller: 50, PerCallerBurst: 200, MaxTrackedKeys: 100_000, IdleForgetAfter: 10 * time.Minute}

type bucket struct {
	tokens float64
	last   time.Time
}

type limiter struct {
	mu    sync.Mutex
	l     Limits
	now   func() time.Time
	ips   map[string]*bucket
	who   map[string]*bucket
	swept time.Time
	// shared counts for replicas (ratesync.go); nil on one server.
	shared *rateShare
}

func newLimiter(l Limits, now func() time.Time) *limiter {
	d := DefaultLimits
	if l.PerIP != 0 {
		d.PerIP, d.PerIPBurst = l.PerIP, l.PerIPBurst
	}
	if l.PerCaller != 0 {
		d.PerCaller, d.PerCallerBurst = l.PerCaller, l.PerCallerBurst
	}
	if now == nil {
		now = time.Now
	}
	return &limiter{l: d, now: now, ips: map[string]*bucket{}, who: map[string]*bucket{}}
}

// take removes one token from key's bucket, or says how long to wait.
func (lm *limiter) take(m map[string]*bucket, kind, key string, rate float64, burst int) (time.Duration, bool) {
	if rate < 0 {
		return 0, true
	}
	if burst < 1 {
		burst = 1
	}
	now := lm.now()
	lm.mu.Lock()
	defer lm.mu.Unlock()
	if now.Sub(lm.swept) > lm.l.IdleForgetAfter || len(m) > lm.l.MaxTrackedKeys {
		for k, b := range m {
			if now.Sub(b.last) > lm.l.IdleForgetAfter || len(m) > lm.l.MaxTrackedKeys {
				delete(m, k)
			}
		}
		lm.swept = now
	}
	b, ok := m[key]
	if !ok {
		b = &bucket{tokens: float64(burst), last: now}
		m[key] = b
	}
	b.tokens = math.Min(float64(burst), b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		lm.shared.note(kind + ":" + key)
		return 0, true
	}
	return time.Duration((1 - b.tokens) / rate * float64(time.Second)), false
}

func tooMany(wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	e := Errorf(http.StatusTooManyRequests, "rate-limited", "problem.rate-limited.detail", secs)
	e.Ext = map[string]any{"retry_after_seconds": secs}
	return e
}

func (lm *limiter) allowIP(ip string) error {
	if wait, ok := lm.take(lm.ips, "ip", ip, lm.l.PerIP, lm.l.PerIPBurst); !ok {
		return tooMany(wait)
	}
	return nil
}

func (lm *limiter) allowPrincipal(p *auth.Principal) error {
	key := p.TokenID
	if key == "" {
		key = "user:" + p.UserID
	}
	if wait, ok := lm.take(lm.who, "who", key, lm.l.PerCaller, lm.l.PerCallerBurst); !ok {
		return tooMany(wait)
	}
	return nil
}
