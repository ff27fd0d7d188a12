package store

import "context"

// SealOnceForTest seals one batch of queued audit events (PostgreSQL), as
// the sealers do.
func (s *Store) SealOnceForTest(ctx context.Context, wait bool) (n int, busy bool, err error) {
	return s.sealOnce(ctx, wait)
}

// StopSealerForTest stops the background sealer, so that a test decides
// when events are sealed.
func (s *Store) StopSealerForTest() { s.stopSealer() }
