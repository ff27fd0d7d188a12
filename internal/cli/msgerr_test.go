package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
)

// TestMsgErrorLocalized: a CLI error made with msgErr is printed in the
// reader's language, also when other errors wrap it, and keeps its exit
// code; its Error is English.
func TestMsgErrorLocalized(t *testing.T) {
	t.Parallel()
	err := usageErr(fmt.Errorf("reading the token: %w", msgErr("cli.login.no_password")))
	if got := err.Error(); got != "reading the token: no password on standard input" {
		t.Errorf("Error() = %q", got)
	}
	for l, want := range map[i18n.Lang]string{
		i18n.ES:   "reading the token: no hay contraseña en la entrada estándar",
		i18n.PTBR: "reading the token: não há senha na entrada padrão",
		i18n.EN:   "reading the token: no password on standard input",
	} {
		if got := localizeErr(l, err); got != want {
			t.Errorf("%s: %q, want %q", l, got, want)
		}
	}
	if ExitCode(err) != ExitUsage {
		t.Errorf("exit code %d, want %d (usage)", ExitCode(err), ExitUsage)
	}
}

// TestCLIUsageErrorsInTheReadersLanguage: mistakes on the command line
// that the CLI finds itself (no server asked) are said in the language of
// --lang or the environment, with their exit code.
func TestCLIUsageErrorsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	doc := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(doc, []byte("kind: Gizmo\nname: x\nspec: {a: 1}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SOBERANA_SERVER": "http://127.0.0.1:1", "SOBERANA_TOKEN": "sbr_x"}
	cases := []struct {
		args []string
		lang string
		code int
		want string
	}{
		{[]string{"get", "gizmos"}, "es", ExitUsage, `sustantivo desconocido "gizmos"; use uno de:`},
		{[]string{"get", "gizmos"}, "pt-BR", ExitUsage, `substantivo desconhecido "gizmos"; use um de:`},
		{[]string{"get", "gizmos"}, "en", ExitUsage, `unknown noun "gizmos"; use one of:`},
		{[]string{"create", "institution"}, "es", ExitError, "dé el objeto con -f ARCHIVO o --data JSON"},
		{[]string{"create", "institution", "-f", doc, "--data", "{}"}, "pt-BR", ExitError, "use -f ou --data, não ambos"},
		{[]string{"apply", "-f", doc}, "es", ExitError, `documento 1: tipo "gizmo" (se espera App, Workload o Grant)`},
		{[]string{"login"}, "pt-BR", ExitError, "falta --email"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		args := append([]string{"--lang", c.lang}, c.args...)
		code := RunEnv(context.Background(), args, &out, &errOut, func(k string) string { return env[k] })
		if code != c.code || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("%s (%s): exit %d, want %d; stderr %q, want it to contain %q", strings.Join(c.args, " "), c.lang, code, c.code, errOut.String(), c.want)
		}
	}
}
