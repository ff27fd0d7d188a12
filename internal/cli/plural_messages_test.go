package cli

import (
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
)

// TestPluralMessagesTranslated: the CLI's plural lines have every form in the
// three languages with the same arguments, and pick the CLDR form.
func TestPluralMessagesTranslated(t *testing.T) {
	t.Parallel()
	for _, m := range i18n.Missing() {
		if strings.HasPrefix(m, "cli.wait.") || strings.HasPrefix(m, "cli.evacuate.partial") {
			t.Error("untranslated:", m)
		}
	}
	if got := i18n.T(i18n.PTBR, "cli.evacuate.partial", 0); got != "0 carga não saiu do provedor" {
		t.Errorf("pt-BR 0: %q", got)
	}
	if got := i18n.T(i18n.ES, "cli.evacuate.partial", 0); got != "0 cargas no salieron del proveedor" {
		t.Errorf("es 0: %q", got)
	}
	if got := i18n.T(i18n.EN, "cli.evacuate.partial", 1); got != "1 workload did not leave the provider" {
		t.Errorf("en 1: %q", got)
	}
}
