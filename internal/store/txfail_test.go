package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// writePath is one way into the store's write transactions: InTx, Write
// (SQLite's group commit, PostgreSQL's InTx) and Write at READ COMMITTED
// (the creates: group-committed on PostgreSQL too).
type writePath struct {
	name string
	run  func(s *store.Store, ctx context.Context, fn func(tx *store.Tx) error) error
}

var writePaths = []writePath{
	{"InTx", func(s *store.Store, ctx context.Context, fn func(tx *store.Tx) error) error { return s.InTx(ctx, fn) }},
	{"Write", func(s *store.Store, ctx context.Context, fn func(tx *store.Tx) error) error { return s.Write(ctx, fn) }},
	{"WriteReadCommitted", func(s *store.Store, ctx context.Context, fn func(tx *store.Tx) error) error {
		return s.Write(store.ReadCommitted(ctx), fn)
	}},
}

// auditedCtx carries a request's pending audit event naming target.
func auditedCtx(ctx context.Context, target string) (context.Context, *store.PendingAudit) {
	p := &store.PendingAudit{Event: model.AuditEvent{ActorKind: "user", ActorID: "u", Action: "provider.create",
		TargetKind: "provider", TargetID: target, Outcome: "success", Status: 201}}
	return store.WithAudit(ctx, p), p
}

// wantNothingOf fails the test if provider name or an audit event naming
// it was stored, or the pending event p is marked written.
func wantNothingOf(t *testing.T, s *store.Store, name string, p *store.PendingAudit) {
	t.Helper()
	ctx := context.Background()
	n, err := s.Read().Providers().Count(ctx, map[string]string{"name": name})
	if err != nil || n != 0 {
		t.Errorf("provider %s stored %d times (%v), want none", name, n, err)
	}
	evs, err := s.Read().AuditEvents(ctx, store.AuditFilter{TargetID: name})
	if err != nil || len(evs) != 0 {
		t.Errorf("audit events of %s: %+v %v, want none", name, evs, err)
	}
	if p != nil && p.Written() {
		t.Errorf("the pending audit event of %s is marked written", name)
	}
}

// wantStoreClean fails the test unless a write goes through afterwards
// (no transaction left open holding SQLite's write lock, or a connection
// inside one) and, soon, no connection of the pool is in use.
func wantStoreClean(t *testing.T, s *store.Store, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p := provider(name)
	if err := s.Write(ctx, func(tx *store.Tx) error { return tx.Providers().Create(ctx, &p, "prv") }); err != nil {
		t.Fatalf("a write after the failure: %v", err)
	}
	opstest.Eventually(t, 10*time.Second, "every connection back in the pool", func() (bool, string) {
		st := s.DB().Stats()
		return st.InUse == 0, fmt.Sprintf("%+v", st)
	})
}

// TestWriteFailsAtBegin: a transaction that cannot begin — the caller's
// context already ended, or the database is closed — runs nothing and
// answers the failure, on every write path; the pending audit event stays
// unwritten and nothing is left in use.
func TestWriteFailsAtBegin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		gone, cancel := context.WithCancel(context.Background())
		cancel()
		for _, wp := range writePaths {
			ctx, p := auditedCtx(gone, "begin-"+wp.name)
			ran := false
			err := wp.run(s, ctx, func(tx *store.Tx) error { ran = true; return nil })
			if !errors.Is(err, context.Canceled) || ran {
				t.Errorf("%s with an ended context: %v (fn ran: %v), want context.Canceled and fn not run", wp.name, err, ran)
			}
			wantNothingOf(t, s, "begin-"+wp.name, p)
		}
		wantStoreClean(t, s, "after-cancel")

		if err := s.DB().Close(); err != nil {
			t.Fatal(err)
		}
		for _, wp := range writePaths {
			ctx, p := auditedCtx(context.Background(), "closed-"+wp.name)
			ran := false
			err := wp.run(s, ctx, func(tx *store.Tx) error { ran = true; return nil })
			if err == nil || !strings.Contains(err.Error(), "database is closed") || ran {
				t.Errorf("%s on a closed database: %v (fn ran: %v), want it refused and fn not run", wp.name, err, ran)
			}
			if p.Written() {
				t.Errorf("%s on a closed database: the pending audit event is marked written", wp.name)
			}
		}
	})
}

// TestWriteFailsAfterWriting: a transaction that wrote a row and then
// fails — at a statement (a unique name taken, in the same transaction)
// or at its COMMIT (a deferred constraint) — fails whole on every write
// path: the caller gets the store's error, the row and the request's
// audit event are gone, and the same write goes through afterwards.
func TestWriteFailsAfterWriting(t *testing.T) {
	t.Parallel()
	fails := map[string]func(ctx context.Context, tx *store.Tx, name string) (want, err error){
		"stmt": func(ctx context.Context, tx *store.Tx, name string) (want, err error) {
			dup := provider(name)
			return store.ErrDuplicate, tx.Providers().Create(ctx, &dup, "prv")
		},
		"commit": func(ctx context.Context, tx *store.Tx, _ string) (want, err error) {
			return storetest.FailAtCommit(ctx, tx)
		},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for at, fail := range fails {
			for _, wp := range writePaths {
				name := at + "-" + wp.name
				ctx, pa := auditedCtx(context.Background(), name)
				var want error
				err := wp.run(s, ctx, func(tx *store.Tx) error {
					p := provider(name)
					if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
						return err
					}
					var err error
					want, err = fail(ctx, tx, name)
					return err
				})
				if want == nil || !errors.Is(err, want) || strings.Contains(err.Error(), "committing") != (at == "commit") {
					t.Errorf("%s: %v, want %v (at %s)", name, err, want, at)
				}
				wantNothingOf(t, s, name, pa)
				wantStoreClean(t, s, name)
			}
		}
	})
}

// TestGroupCommitFailsAtCommit: a group whose COMMIT fails because of one
// writer (its deferred constraint) commits nothing; every writer is run
// again alone, so the others are committed exactly once, each with its
// audit event, and only the culprit gets the failure, with nothing of it
// stored. The chain still links.
func TestGroupCommitFailsAtCommit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 4
		ctxs := make([]context.Context, n)
		pas := make([]*store.PendingAudit, n)
		fns := make([]func(tx *store.Tx) error, n)
		runs := make([]int, n)
		var want error
		for i := range n {
			name := fmt.Sprint("group-", i)
			ctxs[i], pas[i] = auditedCtx(store.ReadCommitted(ctx), name)
			fns[i] = func(tx *store.Tx) error {
				runs[i]++
				p := provider(name)
				if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
					return err
				}
				if i != 1 {
					return nil
				}
				var err error
				want, err = storetest.FailAtCommit(ctx, tx)
				return err
			}
		}
		errs := s.RunGroupForTest(ctxs, fns)
		for i, err := range errs {
			if i == 1 {
				if want == nil || !errors.Is(err, want) {
					t.Errorf("writer 1: %v, want the COMMIT's %v", err, want)
				}
				wantNothingOf(t, s, "group-1", pas[1])
				continue
			}
			if err != nil || !pas[i].Written() {
				t.Errorf("writer %d: %v (audit written: %v), want it committed", i, err, pas[i].Written())
			}
		}
		if fmt.Sprint(runs) != "[2 2 2 2]" {
			t.Errorf("runs per writer %v, want each twice: in the group, then alone", runs)
		}
		all, err := s.Read().AuditEvents(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var targets []string
		prev := ""
		for _, e := range all {
			if e.PrevHash != prev || e.ComputeHash() != e.Hash {
				t.Fatalf("audit chain broken at seq %d", e.Seq)
			}
			prev = e.Hash
			targets = append(targets, e.TargetID)
		}
		if fmt.Sprint(targets) != "[group-0 group-2 group-3]" {
			t.Errorf("audit targets %v, want each committed writer once, in order", targets)
		}
		got, err := s.Read().Providers().Count(ctx, nil)
		if err != nil || got != n-1 {
			t.Errorf("%d providers (%v), want %d: each committed writer once", got, err, n-1)
		}
		wantStoreClean(t, s, "after-group")
	})
}
