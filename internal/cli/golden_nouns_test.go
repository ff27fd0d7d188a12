package cli_test

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestGetGoldenMoreNouns: a table per noun that the demo has no objects
// of (tokens, grants, alerts, releases, role bindings…), in three
// languages, against a fake API answering fixed objects: names instead
// of ids, money in the institution's currency and the reader's locale,
// times in TZ (America/Sao_Paulo: 13:05 UTC prints 10:05 -03).
// go test -run TestGetGoldenMoreNouns -update rewrites the files.
func TestGetGoldenMoreNouns(t *testing.T) {
	t.Parallel()
	f := &fakeAPI{}
	f.on("GET /v1/institutions", 200, `{"items":[{"id":"`+insA+`","name":"Ministério da Saúde","currency":"BRL"}]}`)
	f.on("GET /v1/institutions/"+insA, 200, `{"id":"`+insA+`","name":"Ministério da Saúde","currency":"BRL"}`)
	f.on("GET /v1/projects", 200, `{"items":[{"id":"`+prjA+`","name":"prontuario-eletronico","institution_id":"`+insA+`"}]}`)
	f.on("GET /v1/users", 200, `{"items":[{"id":"`+usrA+`","name":"Ana Souza","email":"ana@saude.gov.br","disabled":false,"last_login_at":"2026-05-04T13:05:00Z"},`+
		`{"id":"`+usrV+`","name":"Suporte ACME","email":"suporte@acme.example","disabled":true}]}`)
	f.on("GET /v1/offerings", 200, `{"items":[{"id":"`+offA+`","name":"m1.medium"}]}`)
	f.on("GET /v1/providers", 200, `{"items":[{"id":"`+prvA+`","name":"Nuvem Nacional"}]}`)
	f.on("GET /v1/apps", 200, `{"items":[{"id":"`+appA+`","name":"citas","project_id":"`+prjA+`","image":"registry.gov.br/saude/citas:v2","replicas":2,"port":8080,"workload_id":"`+wlA+`"}]}`)
	f.on("GET /v1/apps/"+appA, 200, `{"id":"`+appA+`","name":"citas","project_id":"`+prjA+`","image":"registry.gov.br/saude/citas:v2","replicas":2,"port":8080,"workload_id":"`+wlA+`"}`)
	f.on("GET /v1/apps/"+appA+"/releases", 200, `{"items":[{"id":"rel_01jd8x5v2k3m4n5p6q7r8s9t0a","seq":2,"image":"registry.gov.br/saude/citas:v2","state":"succeeded","reason":"","created_at":"2026-05-04T13:05:00Z"},`+
		`{"id":"rel_01jd8x5v2k3m4n5p6q7r8s9t0b","seq":1,"image":"registry.gov.br/saude/citas:v1","state":"failed","reason":"health check failed on São Paulo 1","created_at":"2026-05-03T23:30:00Z"}]}`)
	f.on("GET /v1/workloads", 200, `{"items":[{"id":"`+wlA+`","project_id":"`+prjA+`","offering_id":"`+offA+`","replicas":2,"state":"running","currency":"BRL","forecast_monthly_minor":1234567}]}`)
	f.on("GET /v1/grants", 200, `{"items":[{"id":"grt_01jd8x5v2k3m4n5p6q7r8s9t0a","user_id":"`+usrV+`","role":"developer","project_id":"`+prjA+`","reason":"suporte ao prontuário","expires_at":"2026-06-03T13:05:00Z"}]}`)
	f.on("GET /v1/tokens", 200, `{"items":[{"id":"tok_01jd8x5v2k3m4n5p6q7r8s9t0a","name":"ci-citas","kind":"deploy","role":"deployer","scope_kind":"project","expires_at":"2026-08-01T03:00:00Z","revoked":false},`+
		`{"id":"tok_01jd8x5v2k3m4n5p6q7r8s9t0b","name":"laptop","kind":"personal","role":"institution-admin","scope_kind":"institution","expires_at":"2026-05-01T03:00:00Z","revoked":true}]}`)
	f.on("GET /v1/role-bindings", 200, `{"items":[{"id":"rb_01jd8x5v2k3m4n5p6q7r8s9t0aa","user_id":"`+usrA+`","role":"institution-admin","scope_kind":"institution","scope_id":"`+insA+`","source":"oidc"}]}`)
	f.on("GET /v1/alerts", 200, `{"items":[{"id":"alr_01jd8x5v2k3m4n5p6q7r8s9t0a","rule":"budget","severity":"warning","state":"firing","summary":"budget line 2026-SUS-01 is 85% committed","fired_at":"2026-05-04T13:05:00Z"}]}`)
	f.on("GET /v1/alert-webhooks", 200, `{"items":[{"id":"awh_01jd8x5v2k3m4n5p6q7r8s9t0a","name":"plantão","url":"https://hooks.saude.gov.br/soberana"}]}`)
	f.on("GET /v1/ssh-keys", 200, `{"items":[{"id":"key_01jd8x5v2k3m4n5p6q7r8s9t0a","name":"ana-laptop","key_type":"ssh-ed25519","fingerprint":"SHA256:3b4f0c8e","project_id":"`+prjA+`"}]}`)
	f.on("GET /v1/prices", 200, `{"items":[{"id":"pri_01jd8x5v2k3m4n5p6q7r8s9t0a","provider_id":"`+prvA+`","offering_id":"`+offA+`","currency":"BRL","per_hour":"0.4125","valid_from":"2026-01-01"}]}`)
	f.on("GET /v1/fx-rates", 200, `{"items":[{"id":"fx_01jd8x5v2k3m4n5p6q7r8s9t0aa","from":"USD","to":"BRL","rate":"5.4321","valid_on":"2026-05-04","source":"BCB PTAX"}]}`)
	f.on("GET /v1/statements", 200, `{"by_budget_line":[{"id":"`+blA+`","name":"2026-SUS-01","amount":{"minor":123456789,"currency":"BRL","value":"1234567.89"}}],`+
		`"by_project":[{"id":"`+prjA+`","name":"prontuario-eletronico","amount":{"minor":123456789,"currency":"BRL","value":"1234567.89"}}],`+
		`"by_provider":[{"id":"`+prvA+`","name":"Nuvem Nacional","amount":{"minor":123456789,"currency":"BRL","value":"1234567.89"}}],`+
		`"total":{"minor":123456789,"currency":"BRL","value":"1234567.89"}}`)
	srv := httptest.NewServer(f)
	defer srv.Close()
	cases := [][]string{
		{"workloads"}, {"apps"}, {"releases", "--app", "citas"}, {"grants"}, {"tokens"}, {"users"}, {"role-bindings"},
		{"alerts"}, {"alert-webhooks"}, {"ssh-keys"}, {"prices"}, {"fx-rates"},
		{"statements", "--institution", "Ministério da Saúde", "--month", "2026-05"},
	}
	for _, lang := range []string{"es_MX.UTF-8", "pt_BR.UTF-8", "en_US.UTF-8"} {
		env := map[string]string{"SOBERANA_SERVER": srv.URL, "SOBERANA_TOKEN": "sbr_x", "TZ": "America/Sao_Paulo", "LANG": lang}
		for _, n := range cases {
			args := append([]string{"get"}, n...)
			code, out, errOut := runCLI(env, args...)
			if code != 0 {
				t.Fatalf("%s %v: %d %s", lang, args, code, errOut)
			}
			if strings.Contains(out, "_01jd8x5v2k3m4n5p6q7r8s9t0") && n[0] != "workloads" { // workloads have no name
				t.Errorf("%s %v: a table shows an id where a name is known:\n%s", lang, args, out)
			}
			name := strings.NewReplacer("=", "-", "--", "", " ", "-").Replace(strings.Join(args[:2], "_"))
			checkGolden(t, name, lang, out)
		}
	}
}
