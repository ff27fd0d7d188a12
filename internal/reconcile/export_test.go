package reconcile

import "github.com/soberana/soberana/internal/pace"

// SetPace swaps the reconciler's governor of bulk passes (tests give one
// with a manual clock).
func (r *Reconciler) SetPace(g *pace.Governor) { r.o.Pace = g }
