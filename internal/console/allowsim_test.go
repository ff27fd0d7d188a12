package console_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var workloadLinkRE = regexp.MustCompile(`href="/workloads/([^"/]+)/connect"`)

// TestRequestAllowSimulated: the request form offers the consent to
// simulated sites in every language and sends it as allow_simulated; left
// unticked, the workload does not carry it.
func TestRequestAllowSimulated(t *testing.T) {
	t.Parallel()
	h, b, prj, offering := requestFormSetup(t)
	ctx := context.Background()
	project := prj["id"].(string)
	for lang, label := range map[string]string{"es": "Admitir sitios simulados", "pt-BR": "Admitir sites simulados", "en": "Allow simulated sites"} {
		b.lang = lang
		b.switchLang(lang)
		if code, body := b.get("/request"); code != 200 || !strings.Contains(body, label) ||
			!strings.Contains(body, `name="allow_simulated" value="true"`) {
			t.Fatalf("%s: the form lacks the simulated-sites consent: %d", lang, code)
		}
	}
	for _, allow := range []bool{true, false} {
		form := url.Values{"project_id": {project}, "offering_id": {offering}, "replicas": {"1"}, "classification": {"internal"},
			"country": {"BR"}, "min_providers": {"1"}, "min_failure_domains": {"1"}, "action": {"submit"}}
		if allow {
			form.Set("allow_simulated", "true")
		}
		code, body := b.post("/request", "/request", form)
		if code != 200 || !strings.Contains(body, `id="workload-state"`) {
			t.Fatalf("request (allow_simulated=%v): %d\n%s", allow, code, body)
		}
		m := workloadLinkRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no workload id on the page")
		}
		var wl map[string]any
		if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+m[1], nil, &wl); err != nil {
			t.Fatal(err)
		}
		if got, _ := wl["allow_simulated"].(bool); got != allow {
			t.Errorf("workload allow_simulated = %v, want %v", wl["allow_simulated"], allow)
		}
	}
}
