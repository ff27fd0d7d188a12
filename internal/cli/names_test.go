package cli_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/cli"
)

// TestNamesWhereIDsAre: commands that take an object take its name as
// well as its id; the fake API answers only the id's route, so exit 0
// proves the name became the id. Ambiguous names exit 5 listing the
// candidates, unknown names 4.
func TestNamesWhereIDsAre(t *testing.T) {
	t.Parallel()
	f := &fakeAPI{}
	f.on("GET /v1/institutions", 200, `{"items":[{"id":"`+insA+`","name":"Ministério da Saúde"},{"id":"`+insB+`","name":"Ministerio de Salud"}]}`)
	f.on("GET /v1/projects", 200, `{"items":[{"id":"`+prjA+`","name":"app","institution_id":"`+insA+`"},{"id":"`+prjB+`","name":"app","institution_id":"`+insB+`"}]}`)
	f.on("DELETE /v1/institutions/"+insA, 204, ``)
	f.on("GET /v1/apps", 200, `{"items":[{"id":"app_01jd8x5v2k3m4n5p6q7r8s9t0a","name":"citas","workload_id":"`+wlA+`"},{"id":"app_01jd8x5v2k3m4n5p6q7r8s9t0b","name":"nuevo"}]}`)
	f.on("GET /v1/apps/"+appA, 200, `{"id":"app_01jd8x5v2k3m4n5p6q7r8s9t0a","name":"citas","workload_id":"`+wlA+`"}`)
	f.on("GET /v1/apps/"+appB, 200, `{"id":"app_01jd8x5v2k3m4n5p6q7r8s9t0b","name":"nuevo"}`)
	f.on("POST /v1/workloads/"+wlA+":approve", 200, `{"id":"`+wlA+`","state":"approved"}`)
	f.on("POST /v1/workloads/"+wlA+":stop", 200, `{"id":"`+wlA+`","state":"running"}`)
	f.on("GET /v1/workloads/"+wlA, 200, `{"id":"`+wlA+`","state":"running","placements":[],"events":[]}`)
	f.on("GET /v1/tokens", 200, `{"items":[{"id":"`+tokA+`","name":"ci"}]}`)
	f.on("DELETE /v1/tokens/"+tokA, 204, ``)
	f.on("POST /v1/tokens", 201, `{"id":"tok_01jd8x5v2k3m4n5p6q7r8s9t0c","kind":"service","token":"sbr_secret"}`)
	f.on("GET /v1/sites", 200, `{"items":[{"id":"`+sitA+`","name":"sp-1"}]}`)
	f.on("PUT /v1/sim/sites/"+sitA+"/outage", 200, `{}`)
	f.on("GET /v1/ssh-keys", 200, `{"items":[{"id":"`+keyA+`","name":"laptop"}]}`)
	f.on("DELETE /v1/ssh-keys/"+keyA, 204, ``)
	// resolve re-reads what it found in a list.
	f.on("GET /v1/institutions/"+insA, 200, `{"id":"`+insA+`","name":"Ministério da Saúde"}`)
	f.on("GET /v1/institutions/"+insB, 200, `{"id":"`+insB+`","name":"Ministerio de Salud"}`)
	f.on("GET /v1/sites/"+sitA, 200, `{"id":"`+sitA+`","name":"sp-1"}`)
	f.on("GET /v1/ssh-keys/"+keyA, 200, `{"id":"`+keyA+`","name":"laptop"}`)
	srv := httptest.NewServer(f)
	defer srv.Close()
	env := map[string]string{"SOBERANA_SERVER": srv.URL, "SOBERANA_TOKEN": "sbr_x", "LANG": "en_US.UTF-8"}
	cases := []struct {
		args []string
		code int
		msg  string // in stdout+stderr
	}{
		{[]string{"delete", "institution", "Ministério da Saúde"}, 0, insA},
		{[]string{"delete", "project", "app"}, cli.ExitConflict, prjA},
		{[]string{"delete", "project", "nada"}, cli.ExitNotFound, `no project is named "nada"`},
		{[]string{"delete", "sites", "sp-1"}, cli.ExitUsage, "delete knows"},
		{[]string{"workload", "approve", "citas"}, 0, "approved"},
		{[]string{"workload", "stop", "citas"}, 0, ""},
		{[]string{"workload", "get", "citas"}, 0, wlA},
		{[]string{"workload", "get", "nuevo"}, cli.ExitNotFound, `app "nuevo" has no workload`},
		{[]string{"token", "revoke", "ci"}, 0, ""},
		{[]string{"sim", "outage", "--site", "sp-1"}, 0, ""},
		{[]string{"token", "create", "ops", "--kind", "service", "--scope-kind", "institution", "--scope-id", "Nowhere"}, cli.ExitNotFound, "Nowhere"},
		{[]string{"token", "create", "ops", "--kind", "service", "--scope-kind", "institution", "--scope-id", "Ministério da Saúde"}, 0, "sbr_secret"},
		{[]string{"ssh-key", "delete", "laptop"}, 0, ""},
		{[]string{"ssh-key", "delete", "desktop"}, cli.ExitNotFound, "desktop"},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(env, c.args...)
		if code != c.code || !strings.Contains(out+errOut, c.msg) {
			t.Errorf("%v: exit %d (want %d), output %q (want %q)", c.args, code, c.code, out+errOut, c.msg)
		}
	}
}

// TestDeployPrintsSiteNames: deploy --wait names each step's site (in
// the reader's language), not its id.
func TestDeployPrintsSiteNames(t *testing.T) {
	t.Parallel()
	f := &fakeAPI{}
	f.on("POST /v1/apps/"+appA+"/releases", 201, `{"id":"`+relA+`","seq":2,"image":"citas:v2","state":"queued"}`)
	f.on("GET /v1/apps/"+appA+"/releases/"+relA, 200, `{"id":"`+relA+`","seq":2,"image":"citas:v2","state":"succeeded",
		"steps":[{"site_id":"`+sitA+`","state":"succeeded","url":"https://citas.example"}]}`)
	f.on("GET /v1/sites/"+sitA, 200, `{"id":"`+sitA+`","name":"São Paulo 1"}`)
	srv := httptest.NewServer(f)
	defer srv.Close()
	env := map[string]string{"SOBERANA_SERVER": srv.URL, "SOBERANA_TOKEN": "sbr_x", "LANG": "pt_BR.UTF-8"}
	code, out, errOut := runCLI(env, "deploy", "--app", appA, "--image", "v2", "--wait")
	if code != 0 || !strings.Contains(out, "site São Paulo 1: succeeded") || strings.Contains(out, sitA) {
		t.Fatalf("deploy --wait: %d\n%s%s", code, out, errOut)
	}
}
