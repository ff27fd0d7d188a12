package store

import "context"

// RunGroupForTest commits fns as one group, by hand (deterministic: no
// reliance on goroutines happening to queue together), and returns each
// one's outcome.
func (s *Store) RunGroupForTest(ctxs []context.Context, fns []func(tx *Tx) error) []error {
	batch := make([]*groupWriter, len(fns))
	for i, fn := range fns {
		batch[i] = &groupWriter{ctx: ctxs[i], fn: fn, done: make(chan struct{})}
	}
	s.runGroup(batch)
	errs := make([]error, len(batch))
	for i, w := range batch {
		errs[i] = w.err
	}
	return errs
}
