package store

import (
	"context"
	"database/sql"
	"fmt"
)

// AppsWithClearSecret returns the apps whose webhook_secret column holds
// something other than marker (a secret in clear text), by id.
func (t *Tx) AppsWithClearSecret(ctx context.Context, marker string) (map[string]string, error) {
	return t.clearSecrets(ctx, `SELECT id, webhook_secret FROM apps WHERE webhook_secret <> ? AND webhook_secret <> ''`, marker)
}

// AlertWebhooksWithClearSecret is AppsWithClearSecret for alert webhooks.
func (t *Tx) AlertWebhooksWithClearSecret(ctx context.Context, marker string) (map[string]string, error) {
	return t.clearSecrets(ctx, `SELECT id, secret FROM alert_webhooks WHERE secret <> ? AND secret <> ''`, marker)
}

// MarkAlertWebhookSealed is MarkAppSecretSealed for alert webhooks.
func (t *Tx) MarkAlertWebhookSealed(ctx context.Context, id, clear, marker string) error {
	return t.seal(ctx, `UPDATE alert_webhooks SET secret = ? WHERE id = ? AND secret = ?`, "the secret of webhook "+id, id, clear, marker)
}

// seal runs q, an UPDATE that sets a secret column to marker where the row
// id still holds clear; another value there is ErrConflict.
func (t *Tx) seal(ctx context.Context, q, what, id, clear, marker string) error {
	res, err := t.Exec(ctx, q, marker, id, clear)
	if err != nil {
		return fmt.Errorf("sealing %s: %w", what, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrConflict
	}
	return nil
}

func (t *Tx) clearSecrets(ctx context.Context, q, marker string) (map[string]string, error) {
	out := map[string]string{}
	err := queryEach(ctx, t, "listing secrets kept in clear text", q, []any{marker}, func(rows *sql.Rows) error {
		var id, secret string
		if err := rows.Scan(&id, &secret); err != nil {
			return mapErr(err)
		}
		out[id] = secret
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MarkAppSecretSealed replaces an app's clear webhook secret by marker,
// only if the row still holds that secret (ErrConflict otherwise).
func (t *Tx) MarkAppSecretSealed(ctx context.Context, id, clear, marker string) error {
	return t.seal(ctx, `UPDATE apps SET webhook_secret = ? WHERE id = ? AND webhook_secret = ?`, "the webhook secret of "+id, id, clear, marker)
}
