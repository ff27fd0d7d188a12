package console_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"
)

// The request form offers the image families and the viewer's SSH keys,
// in every language, and a request with an image, a key and user-data
// becomes a workload with them; bad user-data is shown at its field.
func TestRequestFormImageAndKeys(t *testing.T) {
	t.Parallel()
	h, b, prj, offering := requestFormSetup(t)
	ctx := context.Background()
	project := prj["id"].(string)
	var key map[string]any
	if _, err := h.Admin.Do(ctx, "POST", "/v1/ssh-keys", map[string]any{"name": "ops-laptop",
		"public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example"}, &key); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"es": "Imagen (sistema operativo)", "pt-BR": "Imagem (sistema operacional)", "en": "Image (operating system)"}
	for lang, label := range want {
		b.lang = lang
		b.switchLang(lang)
		code, body := b.get("/request")
		if code != 200 || !strings.Contains(body, label) || !strings.Contains(body, `<option value="debian-12">debian-12</option>`) ||
			!strings.Contains(body, `name="ssh_keys" value="`+key["id"].(string)+`"`) || !strings.Contains(body, `name="user_data"`) {
			t.Fatalf("%s: the form lacks the image, key or user-data fields: %d\n%s", lang, code, body)
		}
	}
	b.lang = "en"
	b.switchLang("en")
	form := url.Values{"project_id": {project}, "offering_id": {offering}, "replicas": {"1"}, "classification": {"internal"},
		"country": {"BR"}, "min_providers": {"1"}, "min_failure_domains": {"1"}, "image": {"debian-12"},
		"ssh_keys": {key["id"].(string)}, "user_data": {"hello"}, "action": {"submit"}}
	code, body := b.post("/request", "/request", form)
	if code != 422 || !strings.Contains(html.UnescapeString(body), `must start with "#cloud-config"`) {
		t.Fatalf("bad user-data: %d\n%s", code, body)
	}
	form.Set("user_data", "#cloud-config\npackages: [htop]\n")
	code, body = b.post("/request", "/request", form)
	if code != 200 || !strings.Contains(body, `id="workload-state"`) || !strings.Contains(body, `<dd id="workload-image">debian-12</dd>`) ||
		!strings.Contains(body, ">ops-laptop</span>") {
		t.Fatalf("request with an image: %d\n%s", code, body)
	}
	var wls struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads?project_id="+project, nil, &wls); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range wls.Items {
		found = found || w["image"] == "debian-12" && strings.Contains(w["user_data"].(string), "htop")
	}
	if !found {
		t.Errorf("no workload with the image and user-data: %v", wls.Items)
	}
}
