package api

import (
	"testing"
	"time"

	"github.com/soberana/soberana/internal/auth"
)

func TestPrincipalCacheGenerationAndExpiry(t *testing.T) {
	var c principalCache
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &auth.Principal{Kind: auth.KindToken, TokenID: "tok_1", Bindings: []auth.Binding{{Role: "viewer"}}}
	c.put("k", p, "tok_1", 7, now.Add(principalTTL))
	got, id, ok := c.get("k", 7, now)
	if !ok || id != "tok_1" || got.TokenID != "tok_1" || len(got.Bindings) != 1 {
		t.Fatalf("hit: got %v %q %v", got, id, ok)
	}
	// The caller's copy is its own.
	got.Bindings[0].Role = "platform-admin"
	if again, _, _ := c.get("k", 7, now); again.Bindings[0].Role != "viewer" {
		t.Fatal("a caller's change reached the cached principal")
	}
	if _, _, ok := c.get("k", 8, now); ok {
		t.Fatal("served after the authentication data changed (generation 7 -> 8)")
	}
	if _, _, ok := c.get("k", 7, now.Add(principalTTL)); ok {
		t.Fatal("served at its expiry")
	}
	if _, _, ok := c.get("other", 7, now); ok {
		t.Fatal("served for another key")
	}
}
