package alert

import (
	"context"
	"encoding/json"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// EventAuditCheckpoint is the webhook event that carries a new signed
// checkpoint of the audit chain head. Receivers keep the bodies: one per
// line, they are a checkpoint copy that `soberana audit verify
// --checkpoints FILE` reads, outside the platform's database.
const EventAuditCheckpoint = "audit.checkpoint"

// CheckpointPayload is the body of an audit.checkpoint delivery.
type CheckpointPayload struct {
	Event      string                `json:"event"`
	Checkpoint model.AuditCheckpoint `json:"checkpoint"`
}

// PublishCheckpoint queues c for every webhook in tx; the engine delivers
// it like an alert (signed, retried, a dead letter when every attempt
// failed). The delivery names no alert.
func PublishCheckpoint(ctx context.Context, tx *store.Tx, c model.AuditCheckpoint, now time.Time) error {
	hooks, err := tx.AlertWebhooks().All(ctx)
	if err != nil {
		return err
	}
	body, err := json.Marshal(CheckpointPayload{Event: EventAuditCheckpoint, Checkpoint: c})
	if err != nil {
		return err
	}
	now = now.UTC()
	for _, h := range hooks {
		d := model.AlertDelivery{WebhookID: h.ID, Event: EventAuditCheckpoint, Payload: string(body), State: model.DeliveryPending, NextAttemptAt: &now}
		if err := tx.AlertDeliveries().Create(ctx, &d, "dlv"); err != nil {
			return err
		}
	}
	return nil
}
