package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pipeline holds the statements Exec queued inside Pipelined.
type pipeline struct {
	qs   []string
	args [][]any
	// err is the first error of a flush forced by a read inside
	// Pipelined (the read needs the queued writes before it).
	err error
}

// Pipelined runs fn with the statements it runs through Exec queued
// instead of sent, then sends them as one pipelined batch: one round trip
// for writes that depend on nothing read (issue #19: a create's workload,
// placements and events). PostgreSQL inside a transaction only; elsewhere
// fn runs as usual. A queued Exec reports no rows affected, so fn must
// only insert (nothing that checks a count). Each statement's error maps as Exec's would (mapErr:
// ErrDuplicate, ErrReference), wrapped with its place in the batch; the
// first failing statement aborts the transaction (or the savepoint the
// group commit runs it in) and the ones after it are not run. A read
// inside fn (Query, QueryRow, a bulk insert) first sends what is queued,
// so statements run in fn's order; a failure there is what Pipelined
// returns. When fn fails nothing queued is sent (the caller's transaction
// or savepoint is rolled back anyway).
func (t *Tx) Pipelined(ctx context.Context, fn func() error) error {
	return t.pipelined(ctx, false, fn)
}

// PipelinedLast is Pipelined for the last writes of a Write or InTx fn:
// the request's pending audit event (store.WithAudit), which the
// transaction would append after fn in a round trip of its own, goes in
// the same batch (issue #19). It is written in the same transaction as
// before, only earlier, so a PendingAudit.Update after PipelinedLast
// would not reach it: nothing in fn may edit the event after it. Where
// Pipelined only runs fn, so does PipelinedLast (the event is appended
// after fn, as always).
func (t *Tx) PipelinedLast(ctx context.Context, fn func() error) error {
	return t.pipelined(ctx, true, fn)
}

func (t *Tx) pipelined(ctx context.Context, audit bool, fn func() error) error {
	if t.dialect != Postgres || t.conn == nil || t.pipe != nil {
		return fn()
	}
	p := &pipeline{}
	t.pipe = p
	err := fn()
	if err == nil && p.err == nil && audit && t.appended == nil {
		var pa *PendingAudit
		if pa, err = t.appendPending(ctx); err == nil && pa != nil {
			t.appended = pa
		}
	}
	t.pipe = nil
	switch {
	case p.err != nil:
		return p.err
	case err != nil:
		return err
	}
	return t.sendPipeline(ctx, p)
}

// queue adds a statement to the open pipeline, if any.
func (t *Tx) queue(ctx context.Context, q string, args []any) bool {
	if t.pipe == nil {
		return false
	}
	logPiped(ctx, t.pipe, q)
	t.pipe.qs = append(t.pipe.qs, t.rebind(q))
	t.pipe.args = append(t.pipe.args, args)
	return true
}

// PipelinedPrefix marks, in a StatementLog, a statement sent in a
// pipelined batch (Pipelined); PipelinedMorePrefix (which starts with
// it) one that joins the batch of the statement before it. A batch is
// one round trip.
const (
	PipelinedPrefix     = "pipelined: "
	PipelinedMorePrefix = PipelinedPrefix + "+ "
)

// logPiped records q as a statement of p's next batch.
func logPiped(ctx context.Context, p *pipeline, q string) {
	if len(p.qs) == 0 {
		logStatement(ctx, PipelinedPrefix+q)
	} else {
		logStatement(ctx, PipelinedMorePrefix+q)
	}
}

// flushPipe sends what the open pipeline holds before a statement that
// must follow it; a failure is kept for Pipelined to return.
func (t *Tx) flushPipe(ctx context.Context) {
	p := t.pipe
	if p == nil || len(p.qs) == 0 || p.err != nil {
		return
	}
	t.pipe = nil
	p.err = t.sendPipeline(ctx, p)
	p.qs, p.args = nil, nil
	t.pipe = p
}

// sendPipeline sends p's statements as one batch on the transaction's
// connection.
func (t *Tx) sendPipeline(ctx context.Context, p *pipeline) error {
	switch len(p.qs) {
	case 0:
		return nil
	case 1:
		_, err := t.q.ExecContext(ctx, p.qs[0], p.args[0]...)
		return pipelineErr(0, 1, err)
	}
	err, _ := t.sendBatch(ctx, p, "", nil, nil)
	return err
}

// sendBatch sends p's statements as one batch on the transaction's
// connection, followed, if q is not empty, by the query q whose rows'
// first column (text) go to onRow: a read that needs what is queued
// before it, in the same round trip. queued is the first failure of p's
// statements (mapped as pipelineErr), read that of q (mapped, not
// wrapped); q does not run when a queued statement failed.
func (t *Tx) sendBatch(ctx context.Context, p *pipeline, q string, args []any, onRow func(string)) (queued, read error) {
	err := onPgx(t.conn, "pipeline", func(pc *pgx.Conn) error {
		b := &pgx.Batch{}
		for i, q := range p.qs {
			b.Queue(q, p.args[i]...)
		}
		if q != "" {
			b.Queue(q, args...)
		}
		br := pc.SendBatch(ctx, b)
		for i := range p.qs {
			if _, err := br.Exec(); err != nil && queued == nil {
				queued = pipelineErr(i, len(p.qs), err)
			}
		}
		if q != "" && queued == nil {
			read = readBatchRows(br, onRow)
		}
		if err := br.Close(); err != nil && queued == nil && read == nil {
			if q != "" {
				read = mapErr(err)
			} else {
				queued = pipelineErr(len(p.qs)-1, len(p.qs), err)
			}
		}
		return nil
	})
	if err != nil {
		return err, nil
	}
	return queued, read
}

// onPgx runs fn on conn's pgx connection (PostgreSQL only): batches,
// pipelines and LISTEN need pgx's own API, which database/sql hides. what
// names the caller in the error of a connection of another driver.
func onPgx(conn *sql.Conn, what string, fn func(*pgx.Conn) error) error {
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("%s: unexpected driver connection %T", what, dc)
		}
		return fn(sc.Conn())
	})
}

// readBatchRows reads the next result of br, passing each row's first
// column to onRow.
func readBatchRows(br pgx.BatchResults, onRow func(string)) error {
	rows, err := br.Query()
	if err != nil {
		return mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return mapErr(err)
		}
		onRow(id)
	}
	return mapErr(rows.Err())
}

// bulkInPipe runs a bulk insert (one statement, q already rebound) inside
// the open pipeline: without RETURNING (onReturn nil) it is queued like an
// Exec; with it, it is sent with what is queued as one batch and its rows
// are read. ok is false when there is no open pipeline to use.
func (t *Tx) bulkInPipe(ctx context.Context, table, q string, args []any, onReturn func(string)) (ok bool, err error) {
	p := t.pipe
	if p == nil || p.err != nil {
		return false, nil
	}
	if onReturn == nil {
		logPiped(ctx, p, "INSERT INTO "+table)
		p.qs = append(p.qs, q)
		p.args = append(p.args, append([]any(nil), args...))
		return true, nil
	}
	if len(p.qs) == 0 {
		return false, nil // nothing to send with it: the plain path
	}
	logPiped(ctx, p, "INSERT INTO "+table)
	queued, read := t.sendBatch(ctx, p, q, args, onReturn)
	p.qs, p.args = nil, nil
	if queued != nil {
		p.err = queued
		return true, queued
	}
	if read != nil {
		return true, fmt.Errorf("inserting into %s: %w", table, read)
	}
	return true, nil
}

func pipelineErr(i, n int, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("pipelined statement %d of %d: %w", i+1, n, mapErr(err))
}

// pgConn opens a PostgreSQL connection of its own for a transaction, so
// that Pipelined can reach its pgx connection (sql.Tx has no Raw); nil on
// SQLite.
func (s *Store) pgConn(ctx context.Context) (*sql.Conn, error) {
	if s.dialect != Postgres {
		return nil, nil
	}
	return s.db.Conn(ctx)
}
