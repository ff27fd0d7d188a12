package api

import (
	"slices"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/auth"
)

// principalTTL is the longest a resolved token is reused. Revocations and
// changes to users, role bindings and grants end an entry at once (the
// store's authentication generation: committed here, or NOTIFYd by another
// replica); the TTL bounds only what no write announces — a grant that
// reaches its end time — to a second.
const principalTTL = time.Second

// principalCacheMax bounds the entries; when full the cache starts again.
const principalCacheMax = 10000

// principalCache keeps the principal of recently seen bearer tokens, by
// the token's hash and the caller's address (a grant may be limited to
// source addresses). Without it every request made three to five database
// round trips before its handler ran: the token, its creator's token and
// user, role bindings and grants (pprof of `soberana bench ha`).
type principalCache struct {
	mu sync.Mutex
	m  map[string]cachedPrincipal
}

type cachedPrincipal struct {
	p     *auth.Principal
	tokID string
	gen   uint64
	until time.Time
}

// get returns a copy of the cached principal for key if it was resolved at
// generation gen and has not expired.
func (c *principalCache) get(key string, gen uint64, now time.Time) (*auth.Principal, string, bool) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if !ok || e.gen != gen || !now.Before(e.until) {
		return nil, "", false
	}
	cp := *e.p
	cp.Bindings = slices.Clone(e.p.Bindings)
	return &cp, e.tokID, true
}

// put remembers p, resolved at generation gen, until until.
func (c *principalCache) put(key string, p *auth.Principal, tokID string, gen uint64, until time.Time) {
	cp := *p
	cp.Bindings = slices.Clone(p.Bindings)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= principalCacheMax {
		c.m = map[string]cachedPrincipal{}
	}
	c.m[key] = cachedPrincipal{p: &cp, tokID: tokID, gen: gen, until: until}
}
