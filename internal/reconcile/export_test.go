package reconcile

import (
	"time"

	"context"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
)

// ResyncProviderPaced runs one resync as a pass of governor g alone, so
// that a test counts the rests of that pass and of no other (the
// reconciler's own bulk passes keep their governor).
func (r *Reconciler) ResyncProviderPaced(ctx context.Context, p model.Provider, g *pace.Governor) error {
	return r.resyncProvider(ctx, p, g)
}

// DiscoverNow runs the discovery pass now, however recent the last one.
func (r *Reconciler) DiscoverNow(ctx context.Context) {
	r.mu.Lock()
	r.lastDisc = time.Time{}
	r.mu.Unlock()
	r.discover(ctx)
}

// ErrLostLease is the error of a write fenced out by a lost lease.
var ErrLostLease = errLostLease
