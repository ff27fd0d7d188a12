package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestInTxBusyAfterEveryRetry: a transaction PostgreSQL refuses for
// concurrent changes is run again, a bounded number of times; when every
// run is refused, InTx says so with store.ErrBusy (the API's 503 with
// Retry-After) and keeps the database's error; a refusal that clears is
// not an error at all.
func TestInTxBusyAfterEveryRetry(t *testing.T) {
	s := storetest.Postgres(t)
	ctx := context.Background()
	refused := &pgconn.PgError{Code: "40001", Message: "could not serialize access due to read/write dependencies among transactions"}
	runs := 0
	err := s.InTx(ctx, func(tx *store.Tx) error { runs++; return refused })
	if !errors.Is(err, store.ErrBusy) {
		t.Fatalf("InTx = %v, want ErrBusy", err)
	}
	var pg *pgconn.PgError
	if !errors.As(err, &pg) || pg.Code != "40001" {
		t.Errorf("InTx = %v, want the database's 40001 kept", err)
	}
	if runs < 2 || runs > 50 {
		t.Errorf("fn ran %d times, want a bounded number of retries", runs)
	}
	runs = 0
	err = s.InTx(ctx, func(tx *store.Tx) error {
		runs++
		if runs < 3 {
			return &pgconn.PgError{Code: "40P01", Message: "deadlock detected"}
		}
		return nil
	})
	if err != nil || runs != 3 {
		t.Errorf("InTx = %v after %d runs, want nil after 3", err, runs)
	}
	// Any other error is the caller's, returned at once and not busy.
	runs = 0
	other := errors.New("refused by the caller")
	if err := s.InTx(ctx, func(tx *store.Tx) error { runs++; return other }); !errors.Is(err, other) || errors.Is(err, store.ErrBusy) || runs != 1 {
		t.Errorf("InTx = %v after %d runs, want the caller's error after 1", err, runs)
	}
}
