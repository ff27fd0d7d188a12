package bench

import (
	"context"
	"os"
	"strings"
	"testing"
)

// A bench fills its database with synthetic rows: a second run on the
// same (now migrated) database is refused, unless the scenario asks for
// no check.
func TestOpenMigratedRefusesAMigratedDatabase(t *testing.T) {
	ctx := context.Background()
	url, kind, cleanup, err := scratchDatabase("", "scratch-test")
	if err != nil {
		t.Fatal(err)
	}
	if kind != "sqlite" {
		t.Fatalf("kind = %q, want sqlite", kind)
	}
	st, err := openMigrated(ctx, url, "writes a test")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := openMigrated(ctx, url, "writes a test"); err == nil || !strings.Contains(err.Error(), "the bench writes a test: give it an empty database") {
		t.Fatalf("second open: err = %v, want the refusal", err)
	}
	st, err = openMigrated(ctx, url, "")
	if err != nil {
		t.Fatalf("open without the check: %v", err)
	}
	st.Close()
	cleanup()
	if _, err := os.Stat(url); !os.IsNotExist(err) {
		t.Fatalf("cleanup left %s: %v", url, err)
	}
}
