package api

import (
	"context"
	"time"

	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/tick"
)

// Rate limits across replicas. Each replica keeps its token buckets (no
// database round trip on the request path) and, every sync interval,
// adds what it let through to the current window's row of rate_counters
// and reads back every replica's total; what the others let through since
// the last sync is taken from this replica's buckets too. A client spread
// over N replicas by the load balancer thus gets the configured rate for
// the whole service, give or take one sync interval.

// rateWindow is the span of one rate_counters row.
const rateWindow = 10 * time.Second

type rateShare struct {
	win     int64
	pending map[string]int64 // let through here since the last sync
	own     map[string]int64 // let through here in this window, synced
	remote  map[string]int64 // the others' count in this window, as last seen
	swept   time.Time
}

// note counts one request let through; called with lm.mu held.
func (r *rateShare) note(key string) {
	if r != nil {
		r.pending[key]++
	}
}

// ShareRateLimits makes the abuse limits hold across every replica on
// st's database; it syncs every interval until ctx ends.
func (a *API) ShareRateLimits(ctx context.Context, st *store.Store, every time.Duration) error {
	lm := a.limiter
	lm.mu.Lock()
	lm.shared = &rateShare{pending: map[string]int64{}, own: map[string]int64{}, remote: map[string]int64{}}
	lm.mu.Unlock()
	return tick.After(ctx, every, func(ctx context.Context) {
		if err := lm.syncShared(ctx, st); err != nil && ctx.Err() == nil {
			a.log.Warn("sharing rate-limit counts", "err", err)
		}
	})
}

func (lm *limiter) syncShared(ctx context.Context, st *store.Store) error {
	now := lm.now()
	win := now.UnixNano() / int64(rateWindow)
	lm.mu.Lock()
	r := lm.shared
	if win != r.win {
		r.win, r.own, r.remote = win, map[string]int64{}, map[string]int64{}
	}
	counts := r.pending
	r.pending = map[string]int64{}
	for k := range r.own { // keys active here: learn the others' counts too
		if _, ok := counts[k]; !ok {
			counts[k] = 0
		}
	}
	sweep := now.Sub(r.swept) > time.Minute
	if sweep {
		r.swept = now
	}
	lm.mu.Unlock()
	if sweep {
		if err := st.SweepRateCounts(ctx, win-2); err != nil {
			return err
		}
	}
	if len(counts) == 0 {
		return nil
	}
	totals, err := st.AddRateCounts(ctx, win, counts)
	if err != nil {
		return err
	}
	lm.mu.Lock()
	defer lm.mu.Unlock()
	if win != r.win {
		return nil
	}
	for k, n := range counts {
		r.own[k] += n
	}
	for k, total := range totals {
		others := total - r.own[k]
		d := others - r.remote[k]
		if d <= 0 {
			continue
		}
		r.remote[k] = others
		m, key, rate, burst := lm.ips, k[len("ip:"):], lm.l.PerIP, lm.l.PerIPBurst
		if k[:3] != "ip:" {
			m, key, rate, burst = lm.who, k[len("who:"):], lm.l.PerCaller, lm.l.PerCallerBurst
		}
		if rate < 0 {
			continue
		}
		b, ok := m[key]
		if !ok {
			b = &bucket{tokens: float64(max(burst, 1)), last: now}
			m[key] = b
		}
		b.tokens -= float64(d)
		if floor := -float64(max(burst, 1)); b.tokens < floor {
			b.tokens = floor
		}
	}
	return nil
}
