package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestEvacuatePlanReasonInLanguage: `provider evacuate P --plan` shows why
// a workload has nowhere to go in the language asked for (LANG or --lang).
func TestEvacuatePlanReasonInLanguage(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	// Only Nuvem Verde may hold it: restricted, national, São Paulo/Rio/Brasília.
	id, prov := h.OnlyOnNuvemVerde(t)
	for _, c := range []struct{ lang, flag, want string }{
		{"es", "", "sitios cumplen"},
		{"en", "pt-BR", "sites atendem"},
		{"es", "en", "sites fit"},
	} {
		env := map[string]string{"SOBERANA_SERVER": h.URL, "SOBERANA_TOKEN": servertest.AdminToken, "LANG": c.lang}
		args := []string{"provider", "evacuate", prov, "--plan"}
		if c.flag != "" {
			args = append(args, "--lang", c.flag)
		}
		var out, errOut bytes.Buffer
		code := cli.RunEnv(ctx, args, &out, &errOut, func(k string) string { return env[k] })
		if code != 0 || !strings.Contains(out.String(), id) || !strings.Contains(out.String(), c.want) {
			t.Fatalf("LANG=%s --lang %s: %d %s %s; want a reason with %q", c.lang, c.flag, code, out.String(), errOut.String(), c.want)
		}
	}
}
