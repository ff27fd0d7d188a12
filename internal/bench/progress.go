package bench

import (
	"context"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Progress reads how far a provisioning benchmark has come from its
// database: the CLI's bench commands go through it rather than importing
// the store themselves (the layering rule of docs/architecture.md).
type Progress struct {
	st    *store.Store
	owned bool
}

// ProgressOf reads the database of an in-process server.
func ProgressOf(st *store.Store) *Progress { return &Progress{st: st} }

// OpenProgress opens the database at url (the serve processes' own).
func OpenProgress(ctx context.Context, url string) (*Progress, error) {
	st, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	return &Progress{st: st, owned: true}, nil
}

// IsPostgresURL reports whether url names a PostgreSQL database.
func IsPostgresURL(url string) bool { return store.IsPostgresURL(url) }

// Running counts the workloads that are running.
func (p *Progress) Running(ctx context.Context) (int64, error) {
	return p.st.Read().Workloads().Count(ctx, map[string]string{"state": string(model.StateRunning)})
}

// Latencies are the times from request to running of every workload that
// got there.
func (p *Progress) Latencies(ctx context.Context) ([]time.Duration, error) {
	return p.st.Read().RunningLatencies(ctx)
}

// Close closes a database OpenProgress opened.
func (p *Progress) Close() error {
	if p.owned {
		return p.st.Close()
	}
	return nil
}
