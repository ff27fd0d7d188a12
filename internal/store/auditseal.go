package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// Sealing the audit chain on PostgreSQL (docs/architecture.md, "Sealing
// the audit chain on PostgreSQL").
//
// Appending to a hash chain needs the previous hash, so appenders that
// link inside their own transaction serialize on the head: every audited
// request used to hold the chain's lock from BEGIN to COMMIT, and
// provisioning ran one transaction at a time. Instead a request's event is
// inserted unsealed into audit_queue, in the request's transaction (it
// exists if and only if the change it records commits), keyed by the
// inserting transaction's id and the event's position in it. A sealer,
// after commit, moves queued events to audit_events in one short
// transaction of its own: it locks the head row, deletes a batch of queued
// events (the ones its snapshot sees, i.e. committed), numbers them on from
// the head in (xid, ord) order, hashes each onto the previous one, inserts
// them and moves the head. Only sealers write the head, and they serialize
// on its row lock (FOR UPDATE), so any number of replicas may run one.
//
// There is no cursor over the queue: a sealed event leaves it in the same
// transaction that puts it in the chain, so an event whose transaction
// commits after a later-numbered one simply waits in the queue for the
// next batch; nothing is skipped and nothing is sealed twice. If A commits
// before B begins, A's xid is lower and every snapshot that sees B sees A,
// so A is sealed before B: the chain respects the order in which changes
// were seen to happen. Concurrent transactions are ordered by xid.

// ErrNoAuditHead is a background seal finding no audit chain head row:
// it was deleted (tampering; soberana audit verify reports it), so queued
// events stay queued.
var ErrNoAuditHead = errors.New("the audit chain head row is missing: queued audit events cannot be sealed (run soberana audit verify)")

// sealBatch bounds the events one sealing transaction moves.
const sealBatch = 1000

// sealGap is the least time between two background seals: a burst of
// commits is sealed in one batch instead of one transaction each.
// Readers that need every event sealed do not wait for it (SealAudit).
const sealGap = 20 * time.Millisecond

// sealPoll is how often the background sealer looks for events that other
// processes queued and left (a one-shot command, a replica that stopped).
const sealPoll = time.Second

type auditSealer struct {
	kick     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
	// lastErr is the last background failure, for tests and logs.
	mu      sync.Mutex
	lastErr error
}

// startSealer runs the background sealer of a PostgreSQL store.
func (s *Store) startSealer() {
	s.sealer = &auditSealer{kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go s.sealLoop()
}

// kickSealer tells the background sealer that events were queued.
func (s *Store) kickSealer() {
	if s.sealer == nil {
		return
	}
	select {
	case s.sealer.kick <- struct{}{}:
	default:
	}
}

// stopSealer stops the background sealer and seals what this process
// queued, so that a short-lived command leaves nothing behind.
func (s *Store) stopSealer() {
	if s.sealer == nil {
		return
	}
	s.sealer.stopOnce.Do(func() { close(s.sealer.stop) })
	<-s.sealer.done
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = s.seal(ctx, false)
}

func (s *Store) sealLoop() {
	sl := s.sealer
	defer close(sl.done)
	tick := time.NewTicker(sealPoll)
	defer tick.Stop()
	var last time.Time
	for {
		select {
		case <-sl.stop:
			return
		case <-sl.kick:
		case <-tick.C:
		}
		if d := sealGap - time.Since(last); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-sl.stop:
				t.Stop()
				return
			case <-t.C:
			}
		}
		last = time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		busy, err := s.seal(ctx, false)
		cancel()
		sl.mu.Lock()
		sl.lastErr = err
		sl.mu.Unlock()
		if busy {
			// Another sealer held the head (it may have taken its snapshot
			// before our events committed): look again after the gap. A
			// failure (the database, the head row gone) waits for the next
			// poll or commit instead of retrying every gap.
			s.kickSealer()
		}
	}
}

// SealAudit seals every audit event committed before the call: after it
// returns nil, AuditEvents and AuditHead show them. It waits for a sealer
// running elsewhere. On SQLite events are sealed as they are appended and
// it does nothing. Readers of the log (AuditEvents and AuditHead outside a
// transaction, verify, export, checkpoints) call it.
func (s *Store) SealAudit(ctx context.Context) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := s.seal(ctx, true)
	return err
}

// sealBeforeRead seals the queue before a read of the log outside a
// transaction.
func (t *Tx) sealBeforeRead(ctx context.Context) error {
	if t.dialect != Postgres || t.sqlTx != nil || t.st == nil {
		return nil
	}
	if err := t.st.SealAudit(ctx); err != nil {
		return fmt.Errorf("sealing queued audit events: %w", err)
	}
	return nil
}

// seal seals queued events in batches until the queue is empty. Without
// wait it gives up (busy=true) when another sealer holds the head.
func (s *Store) seal(ctx context.Context, wait bool) (busy bool, err error) {
	for {
		n, busy, err := s.sealOnce(ctx, wait)
		if err != nil || busy || n < sealBatch {
			return busy, err
		}
	}
}

// queued is one row of audit_queue.
type queued struct {
	xid, ord int64
	e        model.AuditEvent
}

// sealOnce seals one batch in its own READ COMMITTED transaction (it takes
// no part in the requests' SERIALIZABLE conflict detection).
func (s *Store) sealOnce(ctx context.Context, wait bool) (n int, busy bool, err error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return 0, false, mapErr(err)
	}
	defer func() {
		if err != nil || n == 0 {
			_ = tx.Rollback()
		}
	}()
	q := `SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE`
	if !wait {
		q += ` SKIP LOCKED`
	}
	var (
		seq  int64
		head string
	)
	switch err := tx.QueryRowContext(ctx, q).Scan(&seq, &head); {
	case errors.Is(err, sql.ErrNoRows) && wait:
		// The head row is gone (tampering, which verify reports): nothing
		// to seal onto; the readers go on and verify says why.
		return 0, false, nil
	case errors.Is(err, sql.ErrNoRows):
		// Locked by another sealer (SKIP LOCKED), or gone.
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM audit_head WHERE id = 1)`).Scan(&exists); err != nil {
			return 0, false, fmt.Errorf("looking for the audit chain head: %w", mapErr(err))
		}
		if !exists {
			return 0, false, ErrNoAuditHead
		}
		return 0, true, nil
	case err != nil:
		return 0, false, fmt.Errorf("locking the audit chain head: %w", mapErr(err))
	}
	batch, err := takeQueued(ctx, tx)
	if err != nil {
		return 0, false, err
	}
	if len(batch) == 0 {
		return 0, false, nil
	}
	if seq, head, err = insertSealed(ctx, tx, batch, seq, head); err != nil {
		return 0, false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, seq, head); err != nil {
		return 0, false, fmt.Errorf("moving the audit chain head: %w", mapErr(err))
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("committing sealed audit events: %w", mapErr(err))
	}
	return len(batch), false, nil
}

// takeQueued deletes up to sealBatch events from audit_queue, oldest
// first, in tx and answers them in (xid, ord) order: the order they are
// sealed in. A READ COMMITTED statement sees what committed before it
// began, and after the wait for the head every earlier sealer's
// deletions.
func takeQueued(ctx context.Context, tx *sql.Tx) ([]queued, error) {
	rows, err := tx.QueryContext(ctx, `DELETE FROM audit_queue WHERE (xid, ord) IN
		(SELECT xid, ord FROM audit_queue ORDER BY xid, ord LIMIT $1)
		RETURNING xid, ord, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id,
		institution_id, project_id, request_id, source_ip, outcome, status`, sealBatch)
	if err != nil {
		return nil, fmt.Errorf("taking queued audit events: %w", mapErr(err))
	}
	var batch []queued
	for rows.Next() {
		var (
			r  queued
			at int64
		)
		if err := rows.Scan(&r.xid, &r.ord, &at, &r.e.ActorKind, &r.e.ActorID, &r.e.ActorName, &r.e.Via, &r.e.Action,
			&r.e.TargetKind, &r.e.TargetID, &r.e.InstitutionID, &r.e.ProjectID, &r.e.RequestID, &r.e.SourceIP,
			&r.e.Outcome, &r.e.Status); err != nil {
			_ = rows.Close()
			return nil, mapErr(err)
		}
		r.e.At = fromMicros(at)
		batch = append(batch, r)
	}
	if err := rows.Close(); err != nil {
		return nil, mapErr(err)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	slices.SortFunc(batch, func(a, b queued) int {
		if a.xid != b.xid {
			return cmpInt(a.xid, b.xid)
		}
		return cmpInt(a.ord, b.ord)
	})
	return batch, nil
}

// insertSealed chains batch onto the head (seq, head) — each event gets
// the next seq, the previous hash and its own — and inserts the events
// into audit_events in one statement. It answers the new head.
func insertSealed(ctx context.Context, tx *sql.Tx, batch []queued, seq int64, head string) (int64, string, error) {
	var (
		seqs, ats, statuses                                          = make([]int64, len(batch)), make([]int64, len(batch)), make([]int64, len(batch))
		kinds, ids, names, vias, actions, tkinds, tids, insts, projs = strs(len(batch)), strs(len(batch)), strs(len(batch)), strs(len(batch)), strs(len(batch)), strs(len(batch)), strs(len(batch)), strs(len(batch)), strs(len(batch))
		reqs, ips, outcomes, prevs, hashes                           = strs(len(batch)), strs(len(batch)), strs(len(batch)), strs(len(batch)), strs(len(batch))
	)
	for i := range batch {
		e := &batch[i].e
		seq++
		e.Seq, e.PrevHash = seq, head
		e.Hash = e.ComputeHash()
		head = e.Hash
		seqs[i], ats[i], statuses[i] = e.Seq, micros(e.At), e.Status
		kinds[i], ids[i], names[i], vias[i], actions[i] = e.ActorKind, e.ActorID, e.ActorName, e.Via, e.Action
		tkinds[i], tids[i], insts[i], projs[i] = e.TargetKind, e.TargetID, e.InstitutionID, e.ProjectID
		reqs[i], ips[i], outcomes[i], prevs[i], hashes[i] = e.RequestID, e.SourceIP, e.Outcome, e.PrevHash, e.Hash
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_events (seq, at, actor_kind, actor_id, actor_name, via, action,
		target_kind, target_id, institution_id, project_id, request_id, source_ip, outcome, status, prev_hash, hash)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
		$8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bigint[],
		$16::text[], $17::text[])`,
		seqs, ats, kinds, ids, names, vias, actions, tkinds, tids, insts, projs, reqs, ips, outcomes, statuses,
		prevs, hashes); err != nil {
		return 0, "", fmt.Errorf("sealing audit events: %w", mapErr(err))
	}
	return seq, head, nil
}

func strs(n int) []string { return make([]string, n) }

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// queueAudit inserts e unsealed into audit_queue (PostgreSQL); the sealer
// numbers and hashes it after t commits.
func (t *Tx) queueAudit(ctx context.Context, e *model.AuditEvent) error {
	if e.At.IsZero() {
		e.At = t.Now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Seq, e.PrevHash, e.Hash = 0, "", ""
	ord := t.auditOrd
	_, err := t.Exec(ctx, `INSERT INTO audit_queue (xid, ord, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id,
		institution_id, project_id, request_id, source_ip, outcome, status)
		VALUES (pg_current_xact_id()::text::bigint, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ord, micros(e.At), e.ActorKind, e.ActorID, e.ActorName, e.Via, e.Action, e.TargetKind, e.TargetID,
		e.InstitutionID, e.ProjectID, e.RequestID, e.SourceIP, e.Outcome, e.Status)
	if err != nil {
		return fmt.Errorf("appending audit event: %w", err)
	}
	t.auditOrd++
	return nil
}

type serialKeyCtx struct{}

// WithSerialKey returns ctx asking that, on PostgreSQL, the transactions
// InTx and Write run for it queue behind each other's with the same key: a
// session advisory lock on the key is taken before BEGIN, so the
// transaction's snapshot already sees the previous holder's commit.
// SERIALIZABLE would otherwise abort all but one of a crowd that reads and
// then writes the same rows (a budget line's balance and its ledger), and
// its retries would mostly fail again. Transactions with other keys, or
// none, run concurrently. On SQLite, which has one writer, it does nothing.
func WithSerialKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, serialKeyCtx{}, key)
}

// serialLockID maps a key to an advisory lock id (FNV-1a, 64 bits) in a
// space of soberana's own: the id's top byte is fixed.
func serialLockID(key string) int64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= 1099511628211
	}
	return int64((h & 0x00ffffffffffffff) | 0x5b00000000000000)
}

// beginTx starts a transaction, behind ctx's serial key when it has one
// (PostgreSQL); release ends the queueing after commit or rollback. On
// PostgreSQL the transaction runs on a connection of its own, returned as
// conn (Tx.Pipelined reaches the pgx connection through it); release
// hands it back to the pool.
func (s *Store) beginTx(ctx context.Context, opts *sql.TxOptions) (tx *sql.Tx, conn *sql.Conn, release func(), err error) {
	key, _ := ctx.Value(serialKeyCtx{}).(string)
	if s.dialect != Postgres {
		tx, err := s.db.BeginTx(ctx, opts)
		return tx, nil, func() {}, err
	}
	conn, err = s.db.Conn(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	release = func() { _ = conn.Close() }
	if key != "" {
		id := serialLockID(key)
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, id); err != nil {
			discard(conn)
			return nil, nil, nil, err
		}
		release = func() {
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if _, err := conn.ExecContext(uctx, `SELECT pg_advisory_unlock($1)`, id); err != nil {
				discard(conn) // closing the session releases the lock
				return
			}
			_ = conn.Close()
		}
	}
	tx, err = conn.BeginTx(ctx, opts)
	if err != nil {
		release()
		return nil, nil, nil, err
	}
	return tx, conn, release, nil
}

// discard closes a connection for good instead of returning it to the pool.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}
