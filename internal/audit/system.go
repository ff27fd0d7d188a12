package audit

import (
	"context"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// What soberana does on its own — a site's failover, a migration's switch
// or rollback, an evacuation's progress — is audited under the system
// actor: actor kind and id "system", the actor name naming the part of
// soberana that acted ("system:failover", "system:migrate").
const ActorSystem = model.ActorSystem

// OutcomeSuccess is the outcome of an event that records a fact.
const OutcomeSuccess = model.OutcomeSuccess

// System returns an event of the system actor: component acted (action)
// on the target.
func System(component, action, targetKind, targetID string) model.AuditEvent {
	return model.AuditEvent{ActorKind: ActorSystem, ActorID: ActorSystem, ActorName: ActorSystem + ":" + component,
		Action: action, TargetKind: targetKind, TargetID: targetID, Outcome: OutcomeSuccess}
}

// ActingAs copies the actor of the request ctx carries (its pending audit
// event: actor, the grant or token it acted through, request id, source
// address) onto e. It reports false, leaving e as it is, outside a request.
func ActingAs(ctx context.Context, e *model.AuditEvent) bool {
	p := store.PendingAuditOf(ctx)
	if p == nil {
		return false
	}
	p.Update(func(r *model.AuditEvent) {
		e.ActorKind, e.ActorID, e.ActorName, e.Via = r.ActorKind, r.ActorID, r.ActorName, r.Via
		e.RequestID, e.SourceIP = r.RequestID, r.SourceIP
	})
	return true
}

// Record appends e to the chain in a small transaction of its own, for a
// fact that changes nothing else in the database (a failover the tracker
// observed).
func Record(ctx context.Context, st *store.Store, e model.AuditEvent) error {
	return st.InTx(store.WithAudit(ctx, &store.PendingAudit{Event: e}), func(*store.Tx) error { return nil })
}

// Write runs fn in a write transaction (store.Write) and appends e to the
// chain in the same transaction, so the change and its record commit or
// fail together. fn may edit the event, e.g. to name the object it
// created. When ctx carries a request whose own event is not yet written,
// that event is appended too, after e; otherwise e rides as the pending
// event.
func Write(ctx context.Context, st *store.Store, e model.AuditEvent, fn func(tx *store.Tx, e *model.AuditEvent) error) error {
	if req := store.PendingAuditOf(ctx); req != nil && !req.Written() {
		return st.Write(ctx, func(tx *store.Tx) error {
			ev := e
			if err := fn(tx, &ev); err != nil {
				return err
			}
			return tx.AppendAudit(ctx, &ev)
		})
	}
	p := &store.PendingAudit{}
	return st.Write(store.WithAudit(ctx, p), func(tx *store.Tx) error {
		ev := e
		if err := fn(tx, &ev); err != nil {
			return err
		}
		p.Update(func(pe *model.AuditEvent) { *pe = ev })
		return nil
	})
}

// ActorOperator is the actor kind of a person running an operator command
// where the database is (provider add, keys rotate): the command writes
// without going through the API, and audits itself under this kind.
const ActorOperator = model.ActorOperator

// Operator returns an event of the operator named user (their login on the
// machine that ran the command) acting through the CLI.
func Operator(user, action, targetKind, targetID string) model.AuditEvent {
	if user == "" {
		user = "unknown"
	}
	return model.AuditEvent{ActorKind: ActorOperator, ActorID: user, ActorName: ActorOperator + ":" + user, Via: "cli",
		Action: action, TargetKind: targetKind, TargetID: targetID, Outcome: OutcomeSuccess}
}
