package terraform_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
	_ "github.com/soberana/soberana/internal/model" // registers the field.* reasons the API gives
	_ "github.com/soberana/soberana/terraform"      // registers the provider's terraform.* messages
)

// badConfig has values the API would refuse; plan must refuse them before
// any request, with the API's reasons. No server runs: the endpoint is
// never dialled.
const badConfig = `
terraform {
  required_providers {
    soberana = { source = "soberana/soberana" }
  }
}
provider "soberana" {
  endpoint = "http://127.0.0.1:9"
  %LANG%
}
resource "soberana_institution" "x" {
  name     = "Ministério"
  country  = "BR"
  currency = "XYZ"
}
resource "soberana_ssh_key" "k" {
  name       = "operadores"
  public_key = "-----BEGIN OPENSSH PRIVATE KEY-----"
}
`

// TestPlanSpeaksTheAPIsReasons runs the real `terraform plan` on a bad
// configuration and expects the API's reasons for the bad currency and the
// bad SSH key, in the language of the provider block or, without one, of
// the POSIX locale in LANG.
func TestPlanSpeaksTheAPIsReasons(t *testing.T) {
	t.Parallel()
	bin, cfg := terraformWithProvider(t)
	for _, tc := range []struct {
		name, block, locale string
		want                i18n.Lang
	}{
		{"LANG=pt_BR.UTF-8", "", "pt_BR.UTF-8", i18n.PTBR},
		{"provider lang es over LANG", `lang = "es"`, "pt_BR.UTF-8", i18n.ES},
		{"LANG=en_US.UTF-8", "", "en_US.UTF-8", i18n.EN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(strings.Replace(badConfig, "%LANG%", tc.block, 1)), 0o600); err != nil {
				t.Fatal(err)
			}
			var env []string
			for _, e := range os.Environ() {
				if !strings.HasPrefix(e, "SOBERANA_") && !strings.HasPrefix(e, "LC_") && !strings.HasPrefix(e, "LANG=") {
					env = append(env, e)
				}
			}
			env = append(env, "TF_CLI_CONFIG_FILE="+cfg, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "LANG="+tc.locale,
				"TF_DATA_DIR="+filepath.Join(dir, ".terraform"))
			x := &tf{t: t, bin: bin, dir: dir, env: env}
			out, code := x.run("plan", "-input=false", "-json")
			if code != 1 {
				t.Fatalf("plan of a bad config: exit %d\n%s", code, out)
			}
			got := diagnostics(t, out)
			for _, want := range []string{
				i18n.T(tc.want, "terraform.invalid") + " | " + i18n.T(tc.want, "field.currency", "XYZ"),
				i18n.T(tc.want, "terraform.invalid") + " | " + i18n.T(tc.want, "terraform.reason.sshkey_public"),
			} {
				if !got[want] {
					t.Errorf("plan lacks the diagnostic %q; it gave:\n%s", want, strings.Join(keys(got), "\n"))
				}
			}
		})
	}
}

// diagnostics reads `terraform plan -json` and returns the error
// diagnostics as "summary | detail".
func diagnostics(t *testing.T, out string) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity, Summary, Detail string
			} `json:"diagnostic"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Type == "diagnostic" && line.Diagnostic.Severity == "error" {
			got[line.Diagnostic.Summary+" | "+line.Diagnostic.Detail] = true
		}
	}
	return got
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
