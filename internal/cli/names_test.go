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
	const (
		ins1 = "ins_01jd8x5v2k3m4n5p6q7r8s9t0a"
		ins2 = "ins_01jd8x5v2k3m4n5p6q7r8s9t0b"
		prj1 = "prj_01jd8x5v2k3m4n5p6q7r8s9t0a"
		prj2 = "prj_01jd8x5v2k3m4n5p6q7r8s9t0b"
		wl   = "wl_01jd8x5v2k3m4n5p6q7r8s9t0a"
		tok  = "tok_01jd8x5v2k3m4n5p6q7r8s9t0a"
		site = "sit_01jd8x5v2k3m4n5p6q7r8s9t0a"
		key  = "key_01jd8x5v2k3m4n5p6q7r8s9t0a"
	)
	f := &fakeAPI{}
	f.on("GET /v1/institutions", 200, `{"items":[{"id":"`+ins1+`","name":"Ministério da Saúde"},{"id":"`+ins2+`","name":"Ministerio de Salud"}]}`)
	f.on("GET /v1/projects", 200, `{"items":[{"id":"`+prj1+`","name":"app","institution_id":"`+ins1+`"},{"id":"`+prj2+`","name":"app","institution_id":"`+ins2+`"}]}`)
	f.on("DELETE /v1/institutions/"+ins1, 204, ``)
	f.on("GET /v1/apps", 200, `{"items":[{"id":"app_01jd8x5v2k3m4n5p6q7r8s9t0a","name":"citas","workload_id":"`+wl+`"},{"id":"app_01jd8x5v2k3m4n5p6q7r8s9t0b","name":"nuevo"}]}`)
	f.on("GET /v1/apps/app_01jd8x5v2k3m4n5p6q7r8s9t0a", 200, `{"id":"app_01jd8x5v2k3m4n5p6q7r8s9t0a","name":"citas","workload_id":"`+wl+`"}`)
	f.on("GET /v1/apps/app_01jd8x5v2k3m4n5p6q7r8s9t0b", 200, `{"id":"app_01jd8x5v2k3m4n5p6q7r8s9t0b","name":"nuevo"}`)
	f.on("POST /v1/workloads/"+wl+":approve", 200, `{"id":"`+wl+`","state":"approved"}`)
	f.on("POST /v1/workloads/"+wl+":stop", 200, `{"id":"`+wl+`","state":"running"}`)
	f.on("GET /v1/workloads/"+wl, 200, `{"id":"`+wl+`","state":"running","placements":[],"events":[]}`)
	f.on("GET /v1/tokens", 200, `{"items":[{"id":"`+tok+`","name":"ci"}]}`)
	f.on("DELETE /v1/tokens/"+tok, 204, ``)
	f.on("POST /v1/tokens", 201, `{"id":"tok_01jd8x5v2k3m4n5p6q7r8s9t0c","kind":"service","token":"sbr_secret"}`)
	f.on("GET /v1/sites", 200, `{"items":[{"id":"`+site+`","name":"sp-1"}]}`)
	f.on("PUT /v1/sim/sites/"+site+"/outage", 200, `{}`)
	f.on("GET /v1/ssh-keys", 200, `{"items":[{"id":"`+key+`","name":"laptop"}]}`)
	f.on("DELETE /v1/ssh-keys/"+key, 204, ``)
	// resolve re-reads what it found in a list.
	f.on("GET /v1/institutions/"+ins1, 200, `{"id":"`+ins1+`","name":"Ministério da Saúde"}`)
	f.on("GET /v1/institutions/"+ins2, 200, `{"id":"`+ins2+`","name":"Ministerio de Salud"}`)
	f.on("GET /v1/sites/"+site, 200, `{"id":"`+site+`","name":"sp-1"}`)
	f.on("GET /v1/ssh-keys/"+key, 200, `{"id":"`+key+`","name":"laptop"}`)
	srv := httptest.NewServer(f)
	defer srv.Close()
	env := map[string]string{"SOBERANA_SERVER": srv.URL, "SOBERANA_TOKEN": "sbr_x", "LANG": "en_US.UTF-8"}
	cases := []struct {
		args []string
		code int
		msg  string // in stdout+stderr
	}{
		{[]string{"delete", "institution", "Ministério da Saúde"}, 0, ins1},
		{[]string{"delete", "project", "app"}, cli.ExitConflict, prj1},
		{[]string{"delete", "project", "nada"}, cli.ExitNotFound, `no project is named "nada"`},
		{[]string{"delete", "sites", "sp-1"}, cli.ExitUsage, "delete knows"},
		{[]string{"workload", "approve", "citas"}, 0, "approved"},
		{[]string{"workload", "stop", "citas"}, 0, ""},
		{[]string{"workload", "get", "citas"}, 0, wl},
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
	const (
		app  = "app_01jd8x5v2k3m4n5p6q7r8s9t0a"
		rel  = "rel_01jd8x5v2k3m4n5p6q7r8s9t0a"
		site = "sit_01jd8x5v2k3m4n5p6q7r8s9t0a"
	)
	f := &fakeAPI{}
	f.on("POST /v1/apps/"+app+"/releases", 201, `{"id":"`+rel+`","seq":2,"image":"citas:v2","state":"queued"}`)
	f.on("GET /v1/apps/"+app+"/releases/"+rel, 200, `{"id":"`+rel+`","seq":2,"image":"citas:v2","state":"succeeded",
		"steps":[{"site_id":"`+site+`","state":"succeeded","url":"https://citas.example"}]}`)
	f.on("GET /v1/sites/"+site, 200, `{"id":"`+site+`","name":"São Paulo 1"}`)
	srv := httptest.NewServer(f)
	defer srv.Close()
	env := map[string]string{"SOBERANA_SERVER": srv.URL, "SOBERANA_TOKEN": "sbr_x", "LANG": "pt_BR.UTF-8"}
	code, out, errOut := runCLI(env, "deploy", "--app", app, "--image", "v2", "--wait")
	if code != 0 || !strings.Contains(out, "site São Paulo 1: succeeded") || strings.Contains(out, site) {
		t.Fatalf("deploy --wait: %d\n%s%s", code, out, errOut)
	}
}
