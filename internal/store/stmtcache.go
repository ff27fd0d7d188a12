package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"
)

// stmtCacheMax bounds the distinct statements kept prepared. The store's
// queries are a fixed set of constants plus a few shapes built from filter
// combinations and IN-list lengths; past the bound, statements are simply
// parsed each time as before.
const stmtCacheMax = 2048

// stmtCache keeps SQLite statements prepared. The pure-Go SQLite parses
// every statement it is given, and parsing took about a quarter of the CPU
// of the provisioning path (`soberana bench provision`, pprof); a prepared
// *sql.Stmt is prepared once per pooled connection by database/sql and,
// through Tx.StmtContext, reused inside transactions on that connection.
// PostgreSQL needs none of this: pgx caches prepared statements per
// connection itself.
type stmtCache struct {
	mu    sync.Mutex
	byQ   map[string]*sql.Stmt
	full  bool
	fails map[string]bool // statements SQLite cannot prepare alone
	// preparing: statements being prepared in the background for a
	// transaction that missed the cache.
	preparing map[string]bool
	closed    bool
}

// stmt returns the cached prepared statement for q, bound to t's
// transaction when there is one, or nil to run q unprepared.
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.dialect != SQLite || t.st == nil {
		return nil
	}
	ps := t.st.stmts.get(ctx, t.st.db, q, t.sqlTx != nil)
	if ps == nil {
		return nil
	}
	if t.sqlTx != nil {
		return t.sqlTx.StmtContext(ctx, ps)
	}
	return ps
}

func (c *stmtCache) get(ctx context.Context, db *sql.DB, q string, inTx bool) *sql.Stmt {
	c.mu.Lock()
	if st, ok := c.byQ[q]; ok {
		c.mu.Unlock()
		return st
	}
	if c.closed || c.full || c.fails[q] || multiStatement(q) {
		c.mu.Unlock()
		return nil
	}
	if inTx {
		// DB.PrepareContext needs a pooled connection of its own, and a
		// transaction holding SQLite's write lock must never wait for one:
		// the other connections may all be waiting for that lock. Run
		// unprepared this once; prepare in the background for next time.
		if !c.preparing[q] {
			if c.preparing == nil {
				c.preparing = map[string]bool{}
			}
			c.preparing[q] = true
			go func() {
				pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
				defer cancel()
				c.get(pctx, db, q, false)
				c.mu.Lock()
				delete(c.preparing, q)
				c.mu.Unlock()
			}()
		}
		c.mu.Unlock()
		return nil
	}
	c.mu.Unlock()
	// Prepare outside the lock: it takes a pooled connection, which may be
	// busy. A statement prepared twice by a race is closed again below.
	st, err := db.PrepareContext(ctx, q)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		// Let the unprepared path report the error (it is the same one).
		if ctx.Err() == nil {
			if c.fails == nil {
				c.fails = map[string]bool{}
			}
			if len(c.fails) < stmtCacheMax {
				c.fails[q] = true
			}
		}
		return nil
	}
	if prev, ok := c.byQ[q]; ok || c.closed {
		_ = st.Close()
		return prev
	}
	if c.byQ == nil {
		c.byQ = map[string]*sql.Stmt{}
	}
	if len(c.byQ) >= stmtCacheMax {
		c.full = true
		_ = st.Close()
		return nil
	}
	c.byQ[q] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.byQ {
		_ = st.Close()
	}
	c.byQ, c.closed = nil, true
}

// multiStatement reports a string holding more than one statement, which a
// prepared statement would silently cut to its first.
func multiStatement(q string) bool {
	q = strings.TrimRight(strings.TrimSpace(q), ";")
	return strings.Contains(q, ";")
}
