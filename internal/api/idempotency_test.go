package api_test

import (
	"net/http"
	"testing"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestCreateIdempotencyKey: a create retried with the same Idempotency-Key
// and body answers the first object (no second one); the same key with
// another body is refused; keys are per collection.
func TestCreateIdempotencyKey(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	body := map[string]any{"name": "Ministerio (idem)", "country": "CL", "currency": "CLP"}
	var a, b struct {
		ID string `json:"id"`
	}
	if _, err := h.Admin.Do(ctx(), "POST", "/v1/institutions", body, &a, "Idempotency-Key", "k-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Admin.Do(ctx(), "POST", "/v1/institutions", body, &b, "Idempotency-Key", "k-1"); err != nil {
		t.Fatal(err)
	}
	if a.ID == "" || a.ID != b.ID {
		t.Fatalf("replay created another institution: %s, %s", a.ID, b.ID)
	}
	var page struct{ Items []map[string]any }
	if _, err := h.Admin.Do(ctx(), "GET", "/v1/institutions?name=Ministerio+%28idem%29", nil, &page); err != nil || len(page.Items) != 1 {
		t.Fatalf("institutions named so: %d %v", len(page.Items), err)
	}
	body["name"] = "Otro"
	_, err := h.Admin.Do(ctx(), "POST", "/v1/institutions", body, nil, "Idempotency-Key", "k-1")
	if p, ok := err.(*client.Problem); !ok || p.Status != http.StatusUnprocessableEntity || p.Type == "" {
		t.Fatalf("same key, other body: %v", err)
	}
	// The same key on another collection is another key.
	rate := map[string]any{"from": "CLP", "to": "USD", "rate": "0.0011", "valid_on": "2026-01-01", "source": "test"}
	if _, err := h.Admin.Do(ctx(), "POST", "/v1/fx-rates", rate, nil, "Idempotency-Key", "k-1"); err != nil {
		t.Fatal(err)
	}
}
