package console_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"
)

// TestRequestFormShowsSovereigntyAndPolicy: the request form offers the
// sovereignty mode (the policy's by default) and shows the data policy of
// each institution it may ask for, per classification, in every
// language; a request wider than the policy comes back with the policy
// named and the reason beside the sovereignty field, and the preview
// says so too.
func TestRequestFormShowsSovereigntyAndPolicy(t *testing.T) {
	t.Parallel()
	h, b, prj, offering := requestFormSetup(t)
	ctx := context.Background()
	project, institution := prj["id"].(string), prj["institution_id"].(string)
	// The ministry keeps confidential data and above national, the rest regional.
	if _, err := h.Admin.Do(ctx, "PATCH", "/v1/institutions/"+institution, map[string]any{"data_policy": map[string]any{
		"sovereignty": "regional", "jurisdictions": []string{"BR", "AR"},
		"min_sovereignty": map[string]string{"confidential": "national"}}}, nil); err != nil {
		t.Fatal(err)
	}

	want := map[string][]string{
		"es":    {"Política de datos de Ministério da Saúde (demo):", "por defecto, soberanía regional", "países: BR", "confidencial: nacional", "La de la política de datos", "cualquiera (incluso extranjera)"},
		"pt-BR": {"Política de dados de Ministério da Saúde (demo):", "por padrão, soberania regional", "países: BR", "confidencial: nacional", "A da política de dados", "qualquer (inclusive estrangeira)"},
		"en":    {"Data policy of Ministério da Saúde (demo):", "by default, regional sovereignty", "countries: BR", "confidential: national", "The data policy&#39;s", "any (foreign too)"},
	}
	for lang, texts := range want {
		b.lang = lang
		b.switchLang(lang)
		code, body := b.get("/request")
		if code != 200 || !strings.Contains(body, `<select id="sovereignty" name="sovereignty"`) ||
			!strings.Contains(body, `<option value="any">`) || !strings.Contains(body, `<option value="" selected>`) ||
			!strings.Contains(body, `id="policy-`+institution+`"`) || !strings.Contains(body, `name="jurisdictions"`) {
			t.Fatalf("%s: the form lacks the sovereignty field or the policy: %d\n%s", lang, code, body)
		}
		for _, s := range texts {
			if !strings.Contains(body, s) {
				t.Errorf("%s: the form does not say %q", lang, s)
			}
		}
	}

	b.lang = "pt-BR"
	b.switchLang("pt-BR")
	form := url.Values{"project_id": {project}, "offering_id": {offering}, "replicas": {"1"}, "classification": {"confidential"},
		"country": {"BR"}, "sovereignty": {"regional"}, "jurisdictions": {"BR, AR"}, "min_providers": {"1"}, "min_failure_domains": {"1"},
		"action": {"submit"}}
	code, body := b.post("/request", "/request", form)
	body = html.UnescapeString(body)
	if code != 422 || !strings.Contains(body, "Mais ampla que a política de dados") ||
		!strings.Contains(body, "política de dados de Ministério da Saúde (demo)") ||
		!strings.Contains(body, `id="err-sovereignty"`) || !strings.Contains(body, "exige para dados confidential") {
		t.Fatalf("a request wider than the policy: %d\n%s", code, body)
	}
	code, body = b.post("/request", "/request/preview", form)
	if code != 200 || !strings.Contains(body, `data-fits="invalid"`) || !strings.Contains(html.UnescapeString(body), "sovereignty.mode: a soberania «regional»") {
		t.Fatalf("preview of a request wider than the policy: %d\n%s", code, body)
	}
	// Left to the policy, the same request is accepted (national).
	form.Del("sovereignty")
	form.Del("jurisdictions")
	code, body = b.post("/request", "/request", form)
	if code != 200 || !strings.Contains(body, `id="workload-state"`) || !strings.Contains(body, `<dd id="workload-sovereignty">nacional</dd>`) {
		t.Fatalf("a request within the policy: %d\n%s", code, body)
	}
	// The institutions page shows each policy.
	if code, body = b.get("/institutions"); code != 200 || !strings.Contains(body, "regional (BR, AR) · BR · confidencial: nacional") {
		t.Fatalf("institutions page: %d\n%s", code, body)
	}
}
