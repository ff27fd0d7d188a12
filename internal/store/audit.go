package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// PendingAudit is the audit event of a request in flight. The API puts one
// in the request context; InTx appends it to the chain in the same
// transaction as the change and marks it written when that commits.
type PendingAudit struct {
	mu      sync.Mutex
	Event   model.AuditEvent
	written bool
}

type auditCtxKey struct{}

// WithAudit returns ctx carrying p.
func WithAudit(ctx context.Context, p *PendingAudit) context.Context {
	return context.WithValue(ctx, auditCtxKey{}, p)
}

// PendingAuditOf returns the pending event of ctx, or nil.
func PendingAuditOf(ctx context.Context) *PendingAudit {
	p, _ := ctx.Value(auditCtxKey{}).(*PendingAudit)
	return p
}

// Written reports whether the event was committed.
func (p *PendingAudit) Written() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.written
}

// Update edits the event before it is written (a handler naming the id of
// the object it created, or the user who signed in).
func (p *PendingAudit) Update(f func(e *model.AuditEvent)) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.Event)
}

// AuditTarget names the target object of the request's pending event.
func AuditTarget(ctx context.Context, kind, id string) {
	PendingAuditOf(ctx).Update(func(e *model.AuditEvent) {
		if kind != "" {
			e.TargetKind = kind
		}
		e.TargetID = id
	})
}

// appendPending writes ctx's pending event in t if there is one not yet
// written; it returns the event to mark written after commit.
func (t *Tx) appendPending(ctx context.Context) (*PendingAudit, error) {
	p := PendingAuditOf(ctx)
	if p == nil {
		return nil, nil
	}
	p.mu.Lock()
	if p.written {
		p.mu.Unlock()
		return nil, nil
	}
	e := p.Event
	p.mu.Unlock()
	if err := t.AppendAudit(ctx, &e); err != nil {
		return nil, err
	}
	return p, nil
}

// takePending is appendPending after a fn that may have queued ctx's
// event already (PipelinedLast).
func (t *Tx) takePending(ctx context.Context) (*PendingAudit, error) {
	if p := t.appended; p != nil && p == PendingAuditOf(ctx) {
		t.appended = nil
		return p, nil
	}
	return t.appendPending(ctx)
}

func (p *PendingAudit) markWritten() {
	p.mu.Lock()
	p.written = true
	p.mu.Unlock()
}

// AppendAudit records e in t. On SQLite it links e to the chain head and
// inserts it; the head row is updated in the same transaction, which
// already holds SQLite's one write lock. On PostgreSQL it queues e
// (queueAudit): the sealer gives it its sequence number and hash after
// commit, so concurrent audited transactions do not serialize on the head.
// Either way e is in the log if and only if t commits.
func (t *Tx) AppendAudit(ctx context.Context, e *model.AuditEvent) error {
	if t.dialect == Postgres {
		return t.queueAudit(ctx, e)
	}
	var (
		seq  int64
		head string
	)
	if err := t.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &head); err != nil {
		return fmt.Errorf("reading the audit chain head: %w", mapErr(err))
	}
	e.Seq, e.PrevHash = seq+1, head
	if e.At.IsZero() {
		e.At = t.Now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Hash = e.ComputeHash()
	_, err := t.Exec(ctx, `INSERT INTO audit_events (seq, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id,
		institution_id, project_id, request_id, source_ip, outcome, status, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, micros(e.At), e.ActorKind, e.ActorID, e.ActorName, e.Via, e.Action, e.TargetKind, e.TargetID,
		e.InstitutionID, e.ProjectID, e.RequestID, e.SourceIP, e.Outcome, e.Status, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("appending audit event: %w", err)
	}
	if _, err := t.Exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, e.Seq, e.Hash); err != nil {
		return fmt.Errorf("moving the audit chain head: %w", err)
	}
	return nil
}

// AuditHead returns the chain head (seq 0 and "" when empty). Outside a
// transaction it seals the queued events first (SealAudit).
func (t *Tx) AuditHead(ctx context.Context) (int64, string, error) {
	if err := t.sealBeforeRead(ctx); err != nil {
		return 0, "", err
	}
	var (
		seq  int64
		hash string
	)
	err := t.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
	return seq, hash, mapErr(err)
}

// AuditFilter selects audit events.
type AuditFilter struct {
	After         int64 // seq
	Limit         int
	ActorID       string
	Action        string
	TargetID      string
	Outcome       string
	InstitutionID string
	Since, Until  *time.Time
	// Restrict limits the rows to the caller's scopes (nil: all).
	Restrict *Restriction
}

// AuditEvents lists events in chain order. Outside a transaction it seals
// the queued events first, so that a reader sees every event committed
// before the call.
func (t *Tx) AuditEvents(ctx context.Context, f AuditFilter) ([]model.AuditEvent, error) {
	if err := t.sealBeforeRead(ctx); err != nil {
		return nil, err
	}
	where := []string{"seq > ?"}
	args := []any{f.After}
	for col, v := range map[string]string{"actor_id": f.ActorID, "action": f.Action, "target_id": f.TargetID,
		"outcome": f.Outcome, "institution_id": f.InstitutionID} {
		if v != "" {
			where, args = append(where, col+" = ?"), append(args, v)
		}
	}
	if f.Since != nil {
		where, args = append(where, "at >= ?"), append(args, micros(*f.Since))
	}
	if f.Until != nil {
		where, args = append(where, "at < ?"), append(args, micros(*f.Until))
	}
	if w, a := f.Restrict.sql(); w != "" {
		where, args = append(where, w), append(args, a...)
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	return queryAll(ctx, t, "audit events", `SELECT seq, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id,
		institution_id, project_id, request_id, source_ip, outcome, status, prev_hash, hash FROM audit_events
		WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(" ORDER BY seq LIMIT %d", limit), args, func(rows *sql.Rows) (model.AuditEvent, error) {
		var (
			e  model.AuditEvent
			at int64
		)
		err := rows.Scan(&e.Seq, &at, &e.ActorKind, &e.ActorID, &e.ActorName, &e.Via, &e.Action, &e.TargetKind, &e.TargetID,
			&e.InstitutionID, &e.ProjectID, &e.RequestID, &e.SourceIP, &e.Outcome, &e.Status, &e.PrevHash, &e.Hash)
		e.At = fromMicros(at)
		return e, mapErr(err)
	})
}

// PutAuditCheckpoint stores a checkpoint.
func (t *Tx) PutAuditCheckpoint(ctx context.Context, c model.AuditCheckpoint) error {
	_, err := t.Exec(ctx, `INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (seq) DO NOTHING`, c.Seq, c.Hash, micros(c.At), c.KeyID, c.Signature)
	return err
}

// AuditCheckpoints lists checkpoints by seq.
func (t *Tx) AuditCheckpoints(ctx context.Context) ([]model.AuditCheckpoint, error) {
	return queryAll(ctx, t, "audit checkpoints", `SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY seq`, nil,
		func(rows *sql.Rows) (model.AuditCheckpoint, error) {
			var (
				c  model.AuditCheckpoint
				at int64
			)
			err := rows.Scan(&c.Seq, &c.Hash, &at, &c.KeyID, &c.Signature)
			c.At = fromMicros(at)
			return c, mapErr(err)
		})
}
