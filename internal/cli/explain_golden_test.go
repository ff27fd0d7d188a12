package cli_test

import (
	"strings"
	"testing"
)

// TestExplainGolden: explain and create NOUN --help in three languages,
// compared with testdata/golden (-update rewrites them). No server: the
// fields come from the OpenAPI document built in process.
func TestExplainGolden(t *testing.T) {
	t.Parallel()
	cases := [][]string{
		{"explain", "institutions"}, {"explain", "workloads"}, {"explain", "workloads.redundancy"},
		{"create", "budget-lines", "--help"},
	}
	for _, lang := range []string{"es_MX.UTF-8", "pt_BR.UTF-8", "en_US.UTF-8"} {
		for _, args := range cases {
			code, out, errOut := runCLI(map[string]string{"LANG": lang}, args...)
			if code != 0 {
				t.Fatalf("%s %v: %d %s", lang, args, code, errOut)
			}
			name := strings.NewReplacer("--", "").Replace(strings.Join(args, "_"))
			checkGolden(t, name, lang, out)
		}
	}
}
