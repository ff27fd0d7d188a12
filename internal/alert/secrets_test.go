package alert_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestSealedWebhookSecret: a webhook whose secret is sealed is delivered
// signed with the opened secret; a clear one left by an earlier version
// is sealed by SealClearSecrets; without a key nothing is signed.
func TestSealedWebhookSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	box := storetest.Box(t, st, "k1")
	verified := make(chan error, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		verified <- alert.Verify("clear-then-sealed-secret", r.Header.Get(alert.SignatureHead), b, time.Now(), time.Minute)
	}))
	defer srv.Close()
	hook := model.AlertWebhook{Name: "siem", URL: srv.URL, Secret: "clear-then-sealed-secret"}
	now := time.Now().UTC()
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AlertWebhooks().Create(ctx, &hook, "whk"); err != nil {
			return err
		}
		return tx.AlertDeliveries().Create(ctx, &model.AlertDelivery{AlertID: "al_1", WebhookID: hook.ID, Event: "alert.firing",
			Payload: `{}`, State: model.DeliveryPending, NextAttemptAt: &now}, "dlv")
	}); err != nil {
		t.Fatal(err)
	}
	keyless := alert.New(alert.Options{}, st, nil, nil, nil)
	if n, err := keyless.SealClearSecrets(ctx); n != 0 || err != nil {
		t.Fatalf("sealed %d without a key (%v)", n, err)
	}
	eng := alert.New(alert.Options{Box: func() alert.Box { return box }}, st, nil, nil, nil)
	if n, err := eng.SealClearSecrets(ctx); n != 1 || err != nil {
		t.Fatalf("sealed %d, %v; want 1", n, err)
	}
	row, _ := st.Read().AlertWebhooks().Get(ctx, hook.ID)
	if row.Secret != secrets.SealedMarker {
		t.Fatalf("row holds %q", row.Secret)
	}
	// Without the key the delivery cannot be signed: nothing is sent.
	if err := keyless.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-verified:
		t.Fatalf("delivered without the key (%v)", err)
	default:
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		return tx.AlertDeliveries().Create(ctx, &model.AlertDelivery{AlertID: "al_2", WebhookID: hook.ID, Event: "alert.firing",
			Payload: `{}`, State: model.DeliveryPending, NextAttemptAt: &now}, "dlv")
	}); err != nil {
		t.Fatal(err)
	}
	if err := eng.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-verified:
		if err != nil {
			t.Fatalf("signature with the sealed secret: %v", err)
		}
	default:
		t.Fatal("nothing delivered with the key")
	}
}
