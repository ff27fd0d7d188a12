package api

import (
	"sync"

	"github.com/soberana/soberana/internal/auth"
)

// ownerCache remembers where objects sit in the scope tree, so that
// authorizing a request on an object (or a create naming its project)
// does not cost a round trip to the database each time (issue #19).
//
// It needs no invalidation, on one replica or many: the columns that
// place an object (a site's provider, a budget line's or a project's
// institution, a workload's project) are immutable (routes.go rejects
// changes to them) and ids are never reused. A deleted object may still
// resolve from the cache; the operation that follows then finds it gone
// and answers 404, as it would have.
type ownerCache struct {
	mu sync.Mutex
	m  map[string]auth.Target
}

// ownerCacheMax bounds the cache; when full it starts over.
const ownerCacheMax = 100_000

func (c *ownerCache) get(resource, id string) (auth.Target, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[resource+"\x00"+id]
	return t, ok
}

func (c *ownerCache) put(resource, id string, t auth.Target) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= ownerCacheMax {
		c.m = make(map[string]auth.Target)
	}
	c.m[resource+"\x00"+id] = t
}
