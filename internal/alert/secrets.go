package alert

import (
	"context"
	"errors"
	"fmt"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
)

// Where a webhook's HMAC secret is sealed in the secrets table; its row
// holds secrets.SealedMarker.
const (
	SecretOwner = "alert-webhook"
	SecretName  = "hmac"
)

// Box keeps secrets encrypted at rest (internal/secrets.Box).
type Box interface {
	Put(ctx context.Context, tx *store.Tx, ownerKind, ownerID, name string, v []byte) error
	Get(ctx context.Context, ownerKind, ownerID, name string) (secrets.Value, error)
}

// ErrNoSecretsKey: a webhook's secret is sealed and no key is configured.
var ErrNoSecretsKey = errors.New("alert: the webhook's secret is sealed and no secrets key is configured")

func (e *Engine) box() Box {
	if e.o.Box == nil {
		return nil
	}
	return e.o.Box()
}

// secret returns a webhook's HMAC secret, opening it when sealed.
func (e *Engine) secret(ctx context.Context, h model.AlertWebhook) (string, error) {
	if h.Secret != secrets.SealedMarker {
		return h.Secret, nil
	}
	box := e.box()
	if box == nil {
		return "", ErrNoSecretsKey
	}
	v, err := box.Get(ctx, SecretOwner, h.ID, SecretName)
	if err != nil {
		return "", fmt.Errorf("opening the secret of webhook %s: %w", h.ID, err)
	}
	return string(v.Reveal()), nil
}

// SealClearSecrets seals every webhook secret an earlier version kept in
// clear text in its row; it returns how many (none without a key).
func (e *Engine) SealClearSecrets(ctx context.Context) (int, error) {
	return secrets.SealClear(ctx, e.st, e.box(), SecretOwner, SecretName, "webhook",
		(*store.Tx).AlertWebhooksWithClearSecret, (*store.Tx).MarkAlertWebhookSealed)
}
