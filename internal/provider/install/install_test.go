package install_test

import (
	"slices"
	"testing"

	"github.com/soberana/soberana/internal/provider"
	_ "github.com/soberana/soberana/internal/provider/install"
)

func TestEveryDriverRegistered(t *testing.T) {
	t.Parallel()
	got := provider.Names()
	for _, want := range []string{"kubernetes", "openstack", "sim"} {
		if !slices.Contains(got, want) {
			t.Errorf("driver %q not registered (have %v)", want, got)
		}
	}
}
