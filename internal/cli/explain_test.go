package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
)

// TestExplainEveryCreatableNoun: every noun create -f and apply -f
// accept is explainable, with at least one field, and each nested object
// field can be explained in turn.
func TestExplainEveryCreatableNoun(t *testing.T) {
	t.Parallel()
	if len(creatable()) < len(resources)+2 {
		t.Fatalf("creatable nouns %v", creatable())
	}
	for _, name := range creatable() {
		n, _, s, err := explainTarget(i18n.EN, name)
		if err != nil {
			t.Errorf("explain %s: %v", name, err)
			continue
		}
		fields, _ := writableFields(s)
		if len(fields) == 0 {
			t.Errorf("explain %s names no field", name)
		}
		var b strings.Builder
		writeExplain(&b, i18n.EN, n, nil, s)
		for _, f := range fields {
			if !strings.Contains(b.String(), "\n  "+f+"  <") {
				t.Errorf("explain %s does not print field %s:\n%s", name, f, b.String())
			}
			if strings.HasPrefix(schemaType(s["properties"].(map[string]any)[f].(map[string]any)), "object (") {
				if _, _, _, err := explainTarget(i18n.EN, name+"."+f); err != nil {
					t.Errorf("explain %s.%s: %v", name, f, err)
				}
			}
		}
	}
	if _, _, _, err := explainTarget(i18n.EN, "workloads.nosuchfield"); err == nil || !strings.Contains(err.Error(), "redundancy") {
		t.Errorf("unknown field: %v", err)
	}
	if _, _, _, err := explainTarget(i18n.EN, "statements"); err == nil || ExitCode(err) != ExitUsage {
		t.Errorf("statements are not created: %v", err)
	}
}

// TestExplainMatchesServedDocument: the document explain builds in
// process has the same create bodies as the one the server serves
// (internal/server/testdata/openapi.golden.json, kept equal to
// /openapi.json by TestOpenAPIGolden).
func TestExplainMatchesServedDocument(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "server", "testdata", "openapi.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var served map[string]any
	if err := json.Unmarshal(b, &served); err != nil {
		t.Fatal(err)
	}
	for _, name := range creatable() {
		n, _ := findNoun(i18n.EN, name)
		item, _ := served["paths"].(map[string]any)[n.path].(map[string]any)
		post, _ := item["post"].(map[string]any)
		want, _ := post["requestBody"].(map[string]any)
		mine, _ := openAPI()["paths"].(map[string]any)[n.path].(map[string]any)["post"].(map[string]any)
		if want == nil || !reflect.DeepEqual(want, mine["requestBody"]) {
			t.Errorf("POST %s: body %v here, %v served", n.path, mine["requestBody"], want)
		}
		ref, _ := want["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["$ref"].(string)
		nm := strings.TrimPrefix(ref, "#/components/schemas/")
		if !reflect.DeepEqual(served["components"].(map[string]any)["schemas"].(map[string]any)[nm], openAPI()["components"].(map[string]any)["schemas"].(map[string]any)[nm]) {
			t.Errorf("schema %s differs from the served document", nm)
		}
	}
}
