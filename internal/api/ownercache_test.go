package api

import (
	"testing"

	"github.com/soberana/soberana/internal/auth"
)

// TestOwnerCache: an owner once resolved is answered from memory, and a
// full cache starts over rather than growing without bound.
func TestOwnerCache(t *testing.T) {
	t.Parallel()
	var c ownerCache
	if _, ok := c.get("projects", "prj_1"); ok {
		t.Fatal("an empty cache answered")
	}
	want := auth.Target{Institution: "ins_1", Project: "prj_1"}
	c.put("projects", "prj_1", want)
	if got, ok := c.get("projects", "prj_1"); !ok || got != want {
		t.Fatalf("got %+v %v, want %+v", got, ok, want)
	}
	if _, ok := c.get("workloads", "prj_1"); ok {
		t.Fatal("an owner answered for another resource with the same id")
	}
	for i := range ownerCacheMax {
		c.put("sites", string(rune(i)), auth.Target{Provider: "prv"})
	}
	if n := len(c.m); n > ownerCacheMax {
		t.Fatalf("the cache holds %d owners, more than %d", n, ownerCacheMax)
	}
}
