package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestProviderCredentialsSealed: credentials go in sealed, are never
// answered back, and open with the configured key.
func TestProviderCredentialsSealed(t *testing.T) {
	t.Setenv("SOBERANA_SECRETS_KEY", secrets.NewKeyLine("k1"))
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/providers", nil, &page); err != nil {
		t.Fatal(err)
	}
	prv := page.Items[0]["id"].(string)
	var out json.RawMessage
	if _, err := h.Admin.Do(ctx, "PUT", "/v1/providers/"+prv+"/credentials",
		map[string]any{"name": "keystone", "values": map[string]string{"username": "svc", "password": "S3cr3t-pw!"}}, &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "S3cr3t-pw!") || !strings.Contains(string(out), `"password"`) {
		t.Fatalf("answer: %s", out)
	}
	row, err := h.Server.Store.Read().GetSecret(ctx, "provider", prv, "keystone")
	if err != nil || strings.Contains(row.Ciphertext, "S3cr3t") {
		t.Fatalf("stored: %+v %v", row, err)
	}
	v, err := h.Server.Secrets().Get(ctx, "provider", prv, "keystone")
	if err != nil || !strings.Contains(string(v.Reveal()), "S3cr3t-pw!") {
		t.Fatalf("open: %v", err)
	}
}
