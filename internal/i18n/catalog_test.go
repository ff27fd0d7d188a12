package i18n_test

// This file imports every package that registers messages so the catalog
// test sees them all. Packages add themselves here as they gain messages.

import (
	"testing"

	_ "github.com/soberana/soberana/internal/api"
	_ "github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/i18n"
	_ "github.com/soberana/soberana/internal/ledger"
	_ "github.com/soberana/soberana/internal/placement"
)

func TestCatalogComplete(t *testing.T) {
	t.Parallel()
	if m := i18n.Missing(); len(m) > 0 {
		t.Fatalf("messages lacking a translation: %v", m)
	}
}
