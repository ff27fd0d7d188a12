package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/server/servertest"
)

// examplesDir holds one YAML file per noun `soberana create` accepts
// (NOUN.yaml, the noun as `get` spells it, singular) and per kind
// `soberana apply` accepts (apply-KIND.yaml). ${VAR} placeholders stand
// for ids of objects made earlier (envsubst fills them for a person).
const examplesDir = "../../examples/cli"

func exampleFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples in %s: %v", examplesDir, err)
	}
	sort.Strings(files)
	return files
}

// applyKinds reads the kinds apply accepts from its own refusal of an
// unknown kind ("want App, Workload or Grant"), so that a kind added to
// apply needs an example here.
func applyKinds(t *testing.T) []string {
	t.Helper()
	_, err := ParseDocs(strings.NewReader("kind: NoSuchKind\nspec: {a: 1}\n"))
	m := regexp.MustCompile(`\(want ([^)]*)\)`).FindStringSubmatch(errString(err))
	if m == nil {
		t.Fatalf("apply's refusal of an unknown kind names no kinds: %v", err)
	}
	var kinds []string
	for _, k := range regexp.MustCompile(`, | or `).Split(m[1], -1) {
		kinds = append(kinds, strings.ToLower(strings.TrimSpace(k)))
	}
	return kinds
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestExamplesCoverEveryNounAndKind: every noun of `create` and every kind
// of `apply` has an example, and every example is one of them.
func TestExamplesCoverEveryNounAndKind(t *testing.T) {
	t.Parallel()
	have := map[string]bool{}
	for _, f := range exampleFiles(t) {
		have[strings.TrimSuffix(filepath.Base(f), ".yaml")] = true
	}
	want := map[string]bool{}
	for _, r := range resources {
		want[strings.TrimSuffix(r.path, "s")] = true
	}
	for _, k := range applyKinds(t) {
		want["apply-"+k] = true
	}
	for w := range want {
		if !have[w] {
			t.Errorf("no example %s/%s.yaml", examplesDir, w)
		}
	}
	for h := range have {
		if !want[h] {
			t.Errorf("example %s.yaml is neither a noun of create nor apply-KIND", h)
		}
	}
	// Every apply example parses, and together they show every kind.
	shown := map[string]bool{}
	for _, f := range exampleFiles(t) {
		if !strings.HasPrefix(filepath.Base(f), "apply-") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := ParseDocs(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", f, err)
		}
		for _, d := range docs {
			shown[d.Kind] = true
		}
	}
	for _, k := range applyKinds(t) {
		if !shown[k] {
			t.Errorf("no apply example shows kind %s", k)
		}
	}
}

var placeholder = regexp.MustCompile(`\$\{([A-Z_]+)\}`)

// TestExamplesApply creates every example against a server with the demo
// fleet, the CLI reading the file: nouns with `create NOUN -f`, kinds with
// `apply -f` (twice: the second apply changes nothing). An example runs as
// soon as the ids it names exist; NOUN.yaml defines ${NOUN_ID}.
func TestExamplesApply(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a server")
	}
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	vars := map[string]string{
		"FISCAL_YEAR": time.Now().UTC().Format("2006"),
		"EXPIRES_AT":  time.Now().UTC().AddDate(0, 3, 0).Truncate(time.Second).Format(time.RFC3339),
	}
	for v, name := range map[string]string{"VM_OFFERING_ID": "SCS-2V-4-20s", "NS_OFFERING_ID": "ns-small"} {
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if _, err := h.Admin.Do(ctx, "GET", "/v1/offerings?name="+name, nil, &page); err != nil || len(page.Items) == 0 {
			t.Fatalf("offering %s: %v", name, err)
		}
		vars[v] = page.Items[0].ID
	}
	cli := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		env := map[string]string{"SOBERANA_SERVER": h.URL, "SOBERANA_TOKEN": servertest.AdminToken, "LANG": "en"}
		code := RunEnv(ctx, args, &out, &errb, func(k string) string { return env[k] })
		return out.String(), errb.String(), code
	}
	pending := exampleFiles(t)
	for len(pending) > 0 {
		var next []string
		for _, f := range pending {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ready := true
			text := placeholder.ReplaceAllStringFunc(string(b), func(s string) string {
				v, ok := vars[placeholder.FindStringSubmatch(s)[1]]
				ready = ready && ok
				return v
			})
			if !ready {
				next = append(next, f)
				continue
			}
			path := filepath.Join(t.TempDir(), filepath.Base(f))
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(filepath.Base(f), ".yaml")
			if kind, ok := strings.CutPrefix(base, "apply-"); ok {
				applyExample(t, cli, kind, path)
				continue
			}
			out, errs, code := cli("create", base, "-f", path, "-o", "json")
			var obj struct {
				ID string `json:"id"`
			}
			if code != 0 || json.Unmarshal([]byte(out), &obj) != nil || obj.ID == "" {
				t.Fatalf("soberana create %s -f %s: exit %d\n%s%s", base, f, code, out, errs)
			}
			vars[strings.ToUpper(strings.ReplaceAll(base, "-", "_"))+"_ID"] = obj.ID
		}
		if len(next) == len(pending) {
			t.Fatalf("these examples name ids no example defines: %v (defined: %v)", next, vars)
		}
		pending = next
	}
}

// applyExample applies a file until it converges, then once more: the
// second apply must change nothing. An app needs its namespace workload
// running, which the demo fleet reaches in the background: a refusal
// while it is not running is applied again (bounded), anything else fails.
func applyExample(t *testing.T, cli func(...string) (string, string, int), kind, path string) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		out, errs, code := cli("apply", "-f", path)
		if code == 0 && strings.Contains(out, "objects changed") {
			break
		}
		if kind != "app" || attempt >= 600 {
			t.Fatalf("soberana apply -f %s (%s): exit %d\n%s%s", path, kind, code, out, errs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	out, errs, code := cli("apply", "-f", path)
	if code != 0 || !regexp.MustCompile(`\b0 of \d+ objects changed`).MatchString(out) {
		t.Fatalf("applying %s again changed something: exit %d\n%s%s", path, code, out, errs)
	}
}
