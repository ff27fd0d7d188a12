package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// sealStore opens a PostgreSQL store whose background sealer is stopped
// — the test seals by hand (SealOnceForTest) — and queues n events in it
// (queueEvents). The test reads the queue and the chain through raw SQL
// while events are queued, since the store's own log readers seal first.
func sealStore(t *testing.T, prefix string, n int) *store.Store {
	t.Helper()
	s := storetest.Postgres(t)
	s.StopSealerForTest()
	queueEvents(t, s, prefix, n)
	return s
}

// queueEvents commits n audited transactions; their events wait in the
// queue, named prefix-0…prefix-(n-1).
func queueEvents(t *testing.T, s *store.Store, prefix string, n int) {
	t.Helper()
	for i := range n {
		ctx, p := auditedCtx(context.Background(), fmt.Sprint(prefix, "-", i))
		if err := s.InTx(ctx, func(*store.Tx) error { return nil }); err != nil || !p.Written() {
			t.Fatalf("queueing %s-%d: %v", prefix, i, err)
		}
	}
}

// count answers a COUNT(*) query.
func count(t *testing.T, s *store.Store, q string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// wantSealed fails the test unless the queue holds queued events and the
// chain exactly sealed ones, numbered 1…sealed without a gap, each
// linked to the one before, and the head names the last; and no
// connection is kept from the pool.
func wantSealed(t *testing.T, s *store.Store, queued, sealed int) {
	t.Helper()
	wantIdle(t, s)
	wantQueued(t, s, queued)
	if got := count(t, s, `SELECT COUNT(*) FROM audit_events`); got != sealed {
		t.Fatalf("%d events sealed, want %d", got, sealed)
	}
	if queued > 0 {
		return // the readers below would seal the queue first
	}
	evs, err := s.Read().AuditEvents(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i, e := range evs {
		if e.Seq != int64(i+1) || e.PrevHash != prev || e.Hash != e.ComputeHash() {
			t.Fatalf("audit chain broken at %d: %+v", i, e)
		}
		prev = e.Hash
	}
	seq, hash, err := s.Read().AuditHead(context.Background())
	if err != nil || seq != int64(sealed) || hash != prev {
		t.Fatalf("chain head %d %q %v, want %d %q", seq, hash, err, sealed, prev)
	}
}

// wantQueued fails the test unless the queue holds n events.
func wantQueued(t *testing.T, s *store.Store, n int) {
	t.Helper()
	if got := count(t, s, `SELECT COUNT(*) FROM audit_queue`); got != n {
		t.Fatalf("%d events queued, want %d", got, n)
	}
}

// wantSealOnce seals one batch (waiting for the head when wait) and fails
// the test, saying what the call was, unless it answers n events sealed
// and busy without an error.
func wantSealOnce(t *testing.T, s *store.Store, wait bool, n int, busy bool, what string) {
	t.Helper()
	if gotN, gotBusy, err := s.SealOnceForTest(context.Background(), wait); gotN != n || gotBusy != busy || err != nil {
		t.Fatalf("%s = %d %v %v, want %d %v", what, gotN, gotBusy, err, n, busy)
	}
}

// wantIdle fails the test unless every connection of s's pool goes back.
func wantIdle(t *testing.T, s *store.Store) {
	t.Helper()
	opstest.Eventually(t, 10*time.Second, "every connection back in the pool", func() (bool, string) {
		st := s.DB().Stats()
		return st.InUse == 0, fmt.Sprintf("%+v", st)
	})
}

// TestSealOnceSealsEachEventOnce: a batch moves every queued event into
// the chain once; sealing again finds nothing and changes nothing.
func TestSealOnceSealsEachEventOnce(t *testing.T) {
	t.Parallel()
	s := sealStore(t, "once", 3)
	wantSealed(t, s, 3, 0)
	wantSealOnce(t, s, false, 3, false, "sealOnce")
	for range 2 {
		wantSealOnce(t, s, true, 0, false, "sealOnce again")
	}
	wantSealed(t, s, 0, 3)
}

// TestSealOnceBusy: while another sealer holds the chain head, a sealer
// that may not wait gives up (busy) and leaves the queue as it is; one
// that waits seals once the head is free.
func TestSealOnceBusy(t *testing.T) {
	t.Parallel()
	s := sealStore(t, "busy", 2)
	ctx := context.Background()
	holder, err := s.DB().BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = holder.Rollback() }()
	var seq int64
	if err := holder.QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	wantSealOnce(t, s, false, 0, true, "sealOnce while the head is held")
	wantQueued(t, s, 2)

	type result struct {
		n    int
		busy bool
		err  error
	}
	done := make(chan result, 1)
	go func() {
		n, busy, err := s.SealOnceForTest(ctx, true)
		done <- result{n, busy, err}
	}()
	opstest.Eventually(t, 10*time.Second, "the waiting sealer blocked on the head", func() (bool, string) {
		n := count(t, s, `SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
		return n == 1, fmt.Sprint(n, " waiting")
	})
	select {
	case r := <-done:
		t.Fatalf("the waiting sealer returned %+v while the head was held", r)
	default:
	}
	if err := holder.Rollback(); err != nil {
		t.Fatal(err)
	}
	if r := <-done; r.n != 2 || r.busy || r.err != nil {
		t.Fatalf("the waiting sealer = %+v, want the 2 queued", r)
	}
	wantSealed(t, s, 0, 2)
}

// TestSealOnceFails: a batch that cannot be sealed — the context ended
// before it began, or the insert into the chain fails (here a row already
// holds the next sequence number) — answers the error and changes
// nothing: the events stay queued, the head stays, no connection is kept.
// Once the cause is gone they are sealed, once.
func TestSealOnceFails(t *testing.T) {
	t.Parallel()
	s := sealStore(t, "first", 1)
	ctx := context.Background()
	wantSealOnce(t, s, true, 1, false, "sealOnce")
	queueEvents(t, s, "fails", 2)

	gone, cancel := context.WithCancel(ctx)
	cancel()
	if n, busy, err := s.SealOnceForTest(gone, true); n != 0 || busy || !errors.Is(err, context.Canceled) {
		t.Fatalf("sealOnce with an ended context = %d %v %v, want context.Canceled", n, busy, err)
	}
	wantSealed(t, s, 2, 1)

	// A row in the way of seq 2 (as a sealer that lost its head update
	// would leave).
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO audit_events (seq, at, actor_kind, actor_id, actor_name, via, action,
		target_kind, target_id, institution_id, project_id, request_id, source_ip, outcome, status, prev_hash, hash)
		SELECT 2, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id, institution_id, project_id,
		request_id, source_ip, outcome, status, hash, 'in-the-way' FROM audit_events WHERE seq = 1`); err != nil {
		t.Fatal(err)
	}
	if n, busy, err := s.SealOnceForTest(ctx, true); n != 0 || busy || !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("sealOnce onto a taken seq = %d %v %v, want ErrDuplicate", n, busy, err)
	}
	wantSealed(t, s, 2, 2)
	if got := count(t, s, `SELECT seq FROM audit_head WHERE id = 1`); got != 1 {
		t.Fatalf("head moved to %d by a failed seal", got)
	}

	if _, err := s.DB().ExecContext(ctx, `DELETE FROM audit_events WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	wantSealOnce(t, s, true, 2, false, "sealOnce after the row is gone")
	wantSealed(t, s, 0, 3)
}

// TestSealOnceWithoutAHead: with the head row gone (tampering, which
// verify reports) there is nothing to seal onto: a waiting sealer seals
// nothing and says so without an error (the readers go on, verify says
// why), one that may not wait (the background sealer) fails with
// ErrNoAuditHead rather than reporting busy, which would have it retry
// every gap; the events stay queued.
func TestSealOnceWithoutAHead(t *testing.T) {
	t.Parallel()
	s := sealStore(t, "headless", 2)
	ctx := context.Background()
	if _, err := s.DB().ExecContext(ctx, `DELETE FROM audit_head`); err != nil {
		t.Fatal(err)
	}
	wantSealOnce(t, s, true, 0, false, "sealOnce (wait) without a head")
	if n, busy, err := s.SealOnceForTest(ctx, false); n != 0 || busy || !errors.Is(err, store.ErrNoAuditHead) {
		t.Fatalf("sealOnce (no wait) without a head = %d %v %v, want 0 false ErrNoAuditHead", n, busy, err)
	}
	wantQueued(t, s, 2)
	wantIdle(t, s)
}

// TestSealOnceConcurrent: sealers racing each other (waiting and not)
// while requests keep queueing events seal every event exactly once, in
// one chain without gaps.
func TestSealOnceConcurrent(t *testing.T) {
	t.Parallel()
	s := sealStore(t, "", 0)
	ctx := context.Background()
	const writers, each, sealers = 4, 10, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers*each+sealers*100)
	stop := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				ctx, _ := auditedCtx(ctx, fmt.Sprint("race-", w, "-", i))
				errs <- s.InTx(ctx, func(*store.Tx) error { return nil })
			}
		})
	}
	var sg sync.WaitGroup
	for i := range sealers {
		sg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, _, err := s.SealOnceForTest(ctx, i%2 == 0); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	sg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for {
		n, _, err := s.SealOnceForTest(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	wantSealed(t, s, 0, writers*each)
	evs, err := s.Read().AuditEvents(ctx, store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range evs {
		if seen[e.TargetID] {
			t.Fatalf("event %s sealed twice", e.TargetID)
		}
		seen[e.TargetID] = true
	}
	if len(seen) != writers*each {
		t.Fatalf("%d distinct events sealed, want %d", len(seen), writers*each)
	}
}
