package api_test

import (
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

// TestInstitutionDataPolicy: an institution created without a policy
// gets the sovereign default; an invalid policy is a 422 naming each
// field in the caller's language; a patch changes the policy.
func TestInstitutionDataPolicy(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	resp, ins := raw(t, h, "POST", "/v1/institutions", servertest.AdminToken, "en", `{"name":"Prefeitura de Manaus","country":"BR","currency":"BRL"}`)
	pol, _ := ins["data_policy"].(map[string]any)
	if resp.StatusCode != 201 || pol["sovereignty"] != "national" {
		t.Fatalf("default policy: %d %v", resp.StatusCode, ins)
	}
	id := ins["id"].(string)
	bad := `{"data_policy":{"sovereignty":"regional","countries":["Brasil"],"min_sovereignty":{"secret":"national","internal":"soberana"}}}`
	want := map[string]map[string]string{
		"es":    {"data_policy.jurisdictions": "necesita al menos una jurisdicción", "data_policy.countries[0]": "ISO 3166-1", "data_policy.min_sovereignty": "«secret»", "data_policy.min_sovereignty.internal": "«soberana»"},
		"pt-BR": {"data_policy.jurisdictions": "precisa de pelo menos uma jurisdição", "data_policy.countries[0]": "ISO 3166-1", "data_policy.min_sovereignty": "«secret»", "data_policy.min_sovereignty.internal": "«soberana»"},
		"en":    {"data_policy.jurisdictions": "needs at least one jurisdiction", "data_policy.countries[0]": "ISO 3166-1", "data_policy.min_sovereignty": `"secret"`, "data_policy.min_sovereignty.internal": `"soberana"`},
	}
	for lang, fields := range want {
		resp, p := raw(t, h, "PATCH", "/v1/institutions/"+id, servertest.AdminToken, lang, bad)
		if resp.StatusCode != 422 {
			t.Fatalf("%s: invalid policy: %d %v", lang, resp.StatusCode, p)
		}
		got := map[string]string{}
		ips, _ := p["invalid_params"].([]any)
		for _, x := range ips {
			m := x.(map[string]any)
			got[m["name"].(string)] = m["reason"].(string)
		}
		for f, s := range fields {
			if !strings.Contains(got[f], s) {
				t.Errorf("%s: %s: %q, want …%s…", lang, f, got[f], s)
			}
		}
	}
	resp, ins = raw(t, h, "PATCH", "/v1/institutions/"+id, servertest.AdminToken, "en",
		`{"data_policy":{"sovereignty":"regional","jurisdictions":["BR","AR"],"min_sovereignty":{"restricted":"national"}}}`)
	pol, _ = ins["data_policy"].(map[string]any)
	if resp.StatusCode != 200 || pol["sovereignty"] != "regional" || len(pol["jurisdictions"].([]any)) != 2 {
		t.Fatalf("patch: %d %v", resp.StatusCode, ins)
	}
}
