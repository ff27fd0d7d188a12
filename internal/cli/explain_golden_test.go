package cli_test

import (
	"os"
	"path/filepath"
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
			golden := filepath.Join("testdata", "golden", name+"."+strings.SplitN(lang, ".", 2)[0]+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if string(want) != out {
				t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", golden, out, want)
			}
		}
	}
}
