package store

import (
	"context"
	"fmt"
	"testing"
)

// TestGroupCommitGivesUpOnARetriableFailure: a writer failing in the group
// with a failure InTx retries (here stale column types) is not rolled back
// to its savepoint like any other failure — the whole group gives up and
// every writer runs again alone, each exactly once, none with an error.
func TestGroupCommitGivesUpOnARetriableFailure(t *testing.T) {
	t.Parallel()
	s := openSQLite(t)
	ctx := context.Background()
	calls := make([]int, 3)
	batch := providerWriters(ctx, "r", 3, func(i int, tx *Tx) error {
		calls[i]++
		if i == 1 && calls[i] == 1 { // its first run, in the group
			return errStaleColumns
		}
		return nil
	})
	s.runGroup(batch)
	wantEveryWriterOK(t, batch, "run again alone")
	// The group stopped at writer 1; then each ran alone.
	if fmt.Sprint(calls) != "[2 2 1]" {
		t.Errorf("runs per writer %v, want [2 2 1]", calls)
	}
	wantProviders(t, s, 3, "3 (each writer exactly once)")
}
