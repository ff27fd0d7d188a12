package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/soberana/soberana/internal/model"
)

func openSQLite(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// wantProviders fails the test unless s holds n providers; why says what
// the count proves.
func wantProviders(t *testing.T, s *Store, n int64, why string) {
	t.Helper()
	got, err := s.Read().Providers().Count(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Fatalf("%d providers, want %s", got, why)
	}
}

func testProvider(name string) model.Provider {
	p := model.Provider{Name: name, Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
	p.Defaults()
	return p
}

var errRefused = errors.New("refused by the test")

// TestGroupCommitIsolatesWriters runs one group by hand (deterministic: no
// reliance on goroutines happening to queue together): writers that fail or
// panic leave nothing and get their own outcome; the others commit, each
// with its audit event, in one chain that still links.
func TestGroupCommitIsolatesWriters(t *testing.T) {
	s := openSQLite(t)
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	var batch []*groupWriter
	for i := range 12 {
		p := testProvider(fmt.Sprintf("p%02d", i))
		wctx := WithAudit(ctx, &PendingAudit{Event: model.AuditEvent{ActorKind: "user", ActorID: "u", Action: "provider.create",
			TargetKind: "provider", TargetID: p.Name, Outcome: "success", Status: 201}})
		if i == 7 {
			wctx = cancelled
		}
		w := &groupWriter{ctx: wctx, done: make(chan struct{}), fn: func(tx *Tx) error {
			if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
				return err
			}
			switch i {
			case 3: // fails after writing: its row must go
				return errRefused
			case 5:
				panic("writer 5 panics")
			case 9: // a duplicate name: the constraint error must not poison the group
				dup := testProvider("p00")
				return tx.Providers().Create(ctx, &dup, "prv")
			}
			return nil
		}}
		batch = append(batch, w)
	}
	s.runGroup(batch)
	for i, w := range batch {
		wantWoken(t, i, w)
		switch i {
		case 3:
			if !errors.Is(w.err, errRefused) {
				t.Errorf("writer 3: %v", w.err)
			}
		case 5:
			if w.panicked != "writer 5 panics" {
				t.Errorf("writer 5: panicked %v, err %v", w.panicked, w.err)
			}
		case 7:
			if !errors.Is(w.err, context.Canceled) {
				t.Errorf("writer 7: %v", w.err)
			}
		case 9:
			if !errors.Is(w.err, ErrDuplicate) {
				t.Errorf("writer 9: %v", w.err)
			}
		default:
			if w.err != nil || w.panicked != nil {
				t.Errorf("writer %d: %v %v", i, w.err, w.panicked)
			}
			if p := PendingAuditOf(w.ctx); p == nil || !p.Written() {
				t.Errorf("writer %d: audit event not marked written", i)
			}
		}
	}
	page, err := s.Read().Providers().List(ctx, ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, p := range page.Items {
		got[p.Name] = true
	}
	for i := range 12 {
		want := i != 3 && i != 5 && i != 7 && i != 9
		if got[fmt.Sprintf("p%02d", i)] != want {
			t.Errorf("provider p%02d stored = %v, want %v", i, !want, want)
		}
	}
	evs, err := s.Read().AuditEvents(ctx, AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 8 {
		t.Fatalf("%d audit events, want 8 (one per committed writer)", len(evs))
	}
	prev := ""
	for i, e := range evs {
		if e.Seq != int64(i+1) || e.PrevHash != prev || e.Hash != e.ComputeHash() {
			t.Fatalf("audit chain broken at %d: %+v", i, e)
		}
		prev = e.Hash
	}
}

// TestGroupCommitFallsBackWhenTheGroupFails: a writer that breaks the
// group's transaction itself (here: it releases the group's savepoint)
// makes the group fail; every writer is then run again alone and gets the
// outcome of its own transaction — nothing lost, nothing doubled.
func TestGroupCommitFallsBackWhenTheGroupFails(t *testing.T) {
	t.Parallel()
	s := openSQLite(t)
	ctx := context.Background()
	batch := providerWriters(ctx, "q", 4, func(i int, tx *Tx) error {
		if i == 1 && tx.sqlTx != nil {
			// Sabotage: only possible inside a group.
			if _, err := tx.Exec(ctx, "RELEASE group_writer"); err == nil {
				return errRefused
			}
		}
		return nil
	})
	s.runGroup(batch)
	wantEveryWriterOK(t, batch, "after fallback")
	wantProviders(t, s, 4, "4 (each writer exactly once)")
}

// providerWriters is n group writers, each creating a provider named
// prefix and its index, then doing then(its index, tx).
func providerWriters(ctx context.Context, prefix string, n int, then func(i int, tx *Tx) error) []*groupWriter {
	var batch []*groupWriter
	for i := range n {
		p := testProvider(fmt.Sprintf("%s%d", prefix, i))
		batch = append(batch, &groupWriter{ctx: ctx, done: make(chan struct{}), fn: func(tx *Tx) error {
			if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
				return err
			}
			return then(i, tx)
		}})
	}
	return batch
}

// wantEveryWriterOK fails t, saying when, for each writer of batch that
// ended with an error or a panic.
func wantEveryWriterOK(t *testing.T, batch []*groupWriter, when string) {
	t.Helper()
	for i, w := range batch {
		if w.err != nil || w.panicked != nil {
			t.Errorf("writer %d %s: %v %v", i, when, w.err, w.panicked)
		}
	}
}

// TestGroupCommitConcurrent: many goroutines through Write, half failing.
func TestGroupCommitConcurrent(t *testing.T) {
	t.Parallel()
	s := openSQLite(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		wg.Go(func() {
			p := testProvider(fmt.Sprintf("c%03d", i))
			errs[i] = s.Write(ctx, func(tx *Tx) error {
				if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
					return err
				}
				if i%2 == 1 {
					return errRefused
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if (i%2 == 1) != errors.Is(err, errRefused) || (i%2 == 0 && err != nil) {
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	wantProviders(t, s, 100, "100")
}

// TestStatementCache: statements are prepared once and reused, multi-
// statement strings and failing statements take the unprepared path with
// the same result.
func TestStatementCache(t *testing.T) {
	t.Parallel()
	s := openSQLite(t)
	ctx := context.Background()
	q := `SELECT COUNT(*) FROM providers WHERE name = ?`
	for range 3 {
		var n int
		if err := s.Read().QueryRow(ctx, q, "x").Scan(&n); err != nil || n != 0 {
			t.Fatal(n, err)
		}
		if err := s.InTx(ctx, func(tx *Tx) error { return tx.QueryRow(ctx, q, "x").Scan(&n) }); err != nil {
			t.Fatal(err)
		}
	}
	s.stmts.mu.Lock()
	_, cached := s.stmts.byQ[q]
	s.stmts.mu.Unlock()
	if !cached {
		t.Fatal("query not cached")
	}
	if _, err := s.Read().Exec(ctx, `CREATE TEMP TABLE a(x); DROP TABLE a`); err != nil {
		t.Fatalf("multi-statement: %v", err)
	}
	s.stmts.mu.Lock()
	_, cached = s.stmts.byQ[`CREATE TEMP TABLE a(x); DROP TABLE a`]
	s.stmts.mu.Unlock()
	if cached {
		t.Fatal("a multi-statement string was prepared (it would run only its first statement)")
	}
	for range 2 {
		if _, err := s.Read().Exec(ctx, `SELECT nope FROM nowhere`); err == nil || !strings.Contains(err.Error(), "nowhere") {
			t.Fatalf("bad statement: %v", err)
		}
	}
}

// TestNewStatementInsideABusyTransaction: a transaction holding SQLite's
// write lock runs a statement the cache has never seen while every other
// pooled connection waits for that lock. Preparing it must not wait for
// a connection of its own (that deadlocked until the busy timeout).
func TestNewStatementInsideABusyTransaction(t *testing.T) {
	t.Parallel()
	s := openSQLite(t)
	ctx := context.Background()
	holding := make(chan struct{})
	proceed := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.InTx(ctx, func(tx *Tx) error {
			close(holding)
			<-proceed
			var n int
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM providers WHERE name <> 'never seen before'`).Scan(&n)
		})
	}()
	<-holding
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			p := testProvider(fmt.Sprint("w", i))
			errs <- s.InTx(ctx, func(tx *Tx) error { return tx.Providers().Create(ctx, &p, "prv") })
		})
	}
	// Wait until every pooled connection is taken (the others wait in BEGIN).
	for s.db.Stats().InUse < s.db.Stats().MaxOpenConnections {
		runtime.Gosched()
	}
	close(proceed)
	if err := <-done; err != nil {
		t.Fatalf("the lock holder: %v", err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a waiting writer: %v", err)
		}
	}
}
