package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Write is InTx for the hot write paths (workloads, reconciler, sim).
//
// On SQLite, which has one writer, concurrent writers of this process are
// group-committed: whoever finds no batch running becomes its leader,
// takes every writer queued meanwhile (up to maxGroup), runs each one's fn
// inside the same transaction under its own SAVEPOINT, and commits once.
// A fn that fails is rolled back to its savepoint alone and gets its
// error; the others commit. Each caller returns only after the COMMIT
// that holds its change, so the result is exactly that of its own
// transaction: durable when Write returns nil, absent otherwise.
//
// Why: a commit costs the WAL writes of every page the transaction
// touched, and with one transaction per request those were ~30% of the
// single writer's time in `soberana bench provision`; one commit for a
// group writes the shared B-tree pages once. Writers also stop waiting on
// each other in SQLite's busy handler.
//
// If the group cannot finish (a savepoint cannot be rolled back, or the
// COMMIT fails), every fn is run again in its own transaction, which is safe because fns are written to be re-run (on
// PostgreSQL InTx already retries them on serialization failures).
//
// On PostgreSQL, writes at READ COMMITTED (ReadCommitted: the creates,
// which reserve budget) are group-committed the same way, one group at a
// time per process, reserving in place (no ReserveBudgetAtCommit: a
// refusal is decided inside the writer's savepoint). Why (issue #19,
// docs/operations.md "PostgreSQL speed"): every create on a budget line
// writes that line's one balance row, so concurrent creates queued on its
// row lock and each paid its own COMMIT (a WAL flush) while holding it;
// a group takes the row once, flushes once for up to maxGroup creates,
// and leaves the rest of the connection pool to the reconcilers instead
// of 32 creates waiting on one row. Other writes on PostgreSQL (the
// reconcilers', SERIALIZABLE) are InTx.
func (s *Store) Write(ctx context.Context, fn func(tx *Tx) error) error {
	if s.dialect != SQLite && !isReadCommitted(ctx) {
		return s.InTx(ctx, fn)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	w := &groupWriter{ctx: ctx, fn: fn, done: make(chan struct{})}
	g := &s.group
	g.mu.Lock()
	g.queue = append(g.queue, w)
	lead := !g.running
	if lead {
		g.running = true
	}
	g.mu.Unlock()
	if lead {
		s.leadGroups()
	}
	<-w.done
	if w.panicked != nil {
		panic(w.panicked)
	}
	return w.err
}

// maxGroup bounds one group so that no caller waits behind an unbounded
// transaction.
const maxGroup = 64

type groupCommit struct {
	mu      sync.Mutex
	queue   []*groupWriter
	running bool
}

type groupWriter struct {
	ctx      context.Context
	fn       func(tx *Tx) error
	done     chan struct{}
	err      error
	panicked any
	pending  *PendingAudit
}

// leadGroups runs groups until the queue is empty.
func (s *Store) leadGroups() {
	g := &s.group
	for {
		g.mu.Lock()
		n := min(len(g.queue), maxGroup)
		if n == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		batch := append([]*groupWriter(nil), g.queue[:n]...)
		g.queue = append(g.queue[:0], g.queue[n:]...)
		g.mu.Unlock()
		s.runGroup(batch)
	}
}

// runGroup commits batch as one transaction and wakes every writer in it.
func (s *Store) runGroup(batch []*groupWriter) {
	defer func() {
		for _, w := range batch {
			close(w.done)
		}
	}()
	if len(batch) == 1 {
		// Nothing to share: the plain path, without savepoints.
		w := batch[0]
		w.panicked, w.err = s.writeAlone(w)
		return
	}
	if err := s.tryGroup(batch); err != nil {
		// The group as a whole failed: nothing of it was committed, and
		// a fn that failed inside it may have seen the others' rolled-back
		// writes. Run every one again, alone.
		for _, w := range batch {
			w.panicked, w.err = s.writeAlone(w)
		}
	}
}

// writeAlone runs one writer's fn in its own transaction.
func (s *Store) writeAlone(w *groupWriter) (panicked any, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	return nil, s.InTx(w.ctx, w.fn)
}

// tryGroup runs the batch in one transaction. It sets w.err (or
// w.panicked) for the writers whose fn failed, rolled back to their
// savepoint; a non-nil return means the group was not committed.
func (s *Store) tryGroup(batch []*groupWriter) (err error) {
	logStatement(batch[0].ctx, "BEGIN")
	// The group outlives any one caller's context: a caller that goes away
	// fails its own fn, not the others'.
	tx, sqlTx, conn, err := s.beginGroup(context.WithoutCancel(batch[0].ctx))
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			_ = sqlTx.Rollback()
		}
		if conn != nil {
			_ = conn.Close() // after the rollback
		}
	}()
	bg := context.WithoutCancel(batch[0].ctx)
	if err := runSavepoints(bg, tx, batch, s.dialect == Postgres); err != nil {
		return err
	}
	logStatement(bg, "COMMIT")
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", mapErr(err))
	}
	committed = true
	s.commits.Add(1)
	tx.committed()
	for _, w := range batch {
		if w.pending != nil { // set only when the writer's fn succeeded
			w.pending.markWritten()
		}
	}
	if tx.auditOrd > 0 {
		s.kickSealer()
	}
	return nil
}

// beginGroup begins the group's transaction on bctx — on PostgreSQL on a
// connection of its own (conn, to close after the transaction ends) at
// READ COMMITTED — and answers the Tx the writers share. On PostgreSQL the
// group reserves budget in place (reserveInline), so that a reservation
// that does not fit is decided by its own writer, inside its savepoint.
func (s *Store) beginGroup(bctx context.Context) (tx *Tx, sqlTx *sql.Tx, conn *sql.Conn, err error) {
	var opts *sql.TxOptions
	if s.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	conn, err = s.pgConn(bctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("beginning transaction: %w", mapErr(err))
	}
	if conn != nil {
		sqlTx, err = conn.BeginTx(bctx, opts)
	} else {
		sqlTx, err = s.db.BeginTx(bctx, opts)
	}
	if err != nil {
		if conn != nil {
			_ = conn.Close()
		}
		return nil, nil, nil, fmt.Errorf("beginning transaction: %w", mapErr(err))
	}
	tx = &Tx{q: sqlTx, dialect: s.dialect, now: s.now, st: s, sqlTx: sqlTx, conn: conn,
		readCommitted: s.dialect == Postgres, reserveInline: true}
	return tx, sqlTx, conn, nil
}

// runSavepoints runs each writer of batch in tx inside its own savepoint, in
// order. A writer whose context has ended, or whose fn fails or panics,
// gets its error (or panic) and is rolled back to its savepoint; the
// others go on. A non-nil return — a savepoint statement failing, or a
// failure that InTx retries (deadlock, serialization failure, stale
// column types) — means the group cannot commit.
//
// With deferRelease (PostgreSQL) a writer's RELEASE travels with the next
// writer's SAVEPOINT as one simple query, and the last one's is left to
// COMMIT (which releases every savepoint): one round trip per writer
// instead of two (issue #19). SQLite prepares one statement per string, so
// it keeps them apart (and has no round trips to save).
func runSavepoints(bg context.Context, tx *Tx, batch []*groupWriter, deferRelease bool) error {
	released := true
	for _, w := range batch {
		if err := w.ctx.Err(); err != nil {
			w.err = err
			continue
		}
		q := "SAVEPOINT group_writer"
		if !released {
			q = "RELEASE group_writer; SAVEPOINT group_writer"
		}
		if _, err := tx.Exec(bg, q); err != nil {
			return err
		}
		released = true
		saved := tx.savepoint()
		panicked, ferr := runInSavepoint(w, tx)
		if ferr == nil && panicked == nil {
			if deferRelease {
				released = false
				continue
			}
			if _, err := tx.Exec(bg, "RELEASE group_writer"); err != nil {
				return err
			}
			continue
		}
		if isSerializationFailure(ferr) || errors.Is(ferr, errStaleColumns) {
			// InTx retries these: the group gives up and every writer
			// runs again alone.
			return ferr
		}
		w.err, w.panicked = ferr, panicked
		if _, err := tx.Exec(bg, "ROLLBACK TO group_writer"); err != nil {
			return err
		}
		tx.rollbackTo(saved)
		if _, err := tx.Exec(bg, "RELEASE group_writer"); err != nil {
			return err
		}
	}
	return nil
}

// runInSavepoint runs w.fn and its pending audit event inside the group.
func runInSavepoint(w *groupWriter, tx *Tx) (panicked any, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked, err = p, errGroupPanic
		}
	}()
	tx.appended = nil // the previous writer's
	if err := w.fn(tx); err != nil {
		return nil, err
	}
	// The request's audit event joins the change it records.
	p, err := tx.takePending(w.ctx)
	if err != nil {
		return nil, err
	}
	w.pending = p
	return nil, nil
}

var errGroupPanic = errors.New("store: writer panicked")
