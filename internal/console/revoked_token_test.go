package console_test

import (
	"context"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

// TestRevokedTokenSignsOut: a token revoked after it signed in to the
// console ends its console session on the next page — the identity API
// answers 401, the console does not read tokens from the store.
func TestRevokedTokenSignsOut(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	var tok map[string]any
	if _, err := h.Admin.Do(ctx, "POST", "/v1/tokens", map[string]any{"name": "console", "kind": "service",
		"role": "institution-admin", "scope_kind": "institution", "scope_id": h.FirstID(t, "/v1/institutions")}, &tok); err != nil {
		t.Fatal(err)
	}
	secret, _ := tok["token"].(string)
	id, _ := tok["id"].(string)
	if secret == "" || id == "" {
		t.Fatalf("token answer without token or id: %v", tok)
	}
	b := newBrowser(t, h)
	b.signIn(secret)
	if code, body := b.get("/workloads"); code != 200 || strings.Contains(body, `action="/sign-in"`) {
		t.Fatalf("signed in with the token, /workloads: %d", code)
	}
	if _, err := h.Admin.Do(ctx, "DELETE", "/v1/tokens/"+id, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, body := b.get("/workloads"); !strings.Contains(body, `action="/sign-in"`) {
		t.Fatal("after the token was revoked the console still shows /workloads instead of the sign-in form")
	}
}
