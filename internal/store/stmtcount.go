package store

import (
	"context"
	"sync"
)

// StatementLog records the SQL statements run for one context: every
// statement sent to the database, and BEGIN and COMMIT of the transactions
// run for it (issue #19: tests pin how many round trips a create or a read
// costs, so that the count cannot grow unnoticed). On PostgreSQL each one
// is a round trip.
type StatementLog struct {
	mu    sync.Mutex
	stmts []string
}

type statementLogCtx struct{}

// LogStatements returns ctx recording into a new StatementLog the
// statements that the store runs for it.
func LogStatements(ctx context.Context) (context.Context, *StatementLog) {
	l := &StatementLog{}
	return context.WithValue(ctx, statementLogCtx{}, l), l
}

// Statements returns the statements recorded so far, in order.
func (l *StatementLog) Statements() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.stmts...)
}

// Len is how many statements were recorded.
func (l *StatementLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.stmts)
}

// logStatement records q in ctx's StatementLog, if any.
func logStatement(ctx context.Context, q string) {
	l, ok := ctx.Value(statementLogCtx{}).(*StatementLog)
	if !ok {
		return
	}
	l.mu.Lock()
	l.stmts = append(l.stmts, q)
	l.mu.Unlock()
}
