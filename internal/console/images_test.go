package console_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

// The request form offers the image families and the viewer's SSH keys,
// in every language, and a request with an image, a key and user-data
// becomes a workload with them; bad user-data is shown at its field.
func TestRequestFormImageAndKeys(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	prj := h.OnlyItem(t, "/v1/projects?name=prontuario-eletronico")
	project := prj["id"].(string)
	offering := h.OnlyItem(t, "/v1/offerings?name=SCS-1V-2-20s")["id"].(string)
	var key map[string]any
	if _, err := h.Admin.Do(ctx, "POST", "/v1/ssh-keys", map[string]any{"name": "ops-laptop",
		"public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example"}, &key); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, h)
	b.signIn(servertest.AdminToken)
	want := map[string]string{"es": "Imagen (sistema operativo)", "pt-BR": "Imagem (sistema operacional)", "en": "Image (operating system)"}
	for lang, label := range want {
		b.lang = lang
		if code, _ := b.post("/", "/lang", url.Values{"lang": {lang}, "next": {"/"}}); code != 200 {
			t.Fatalf("switching to %s: %d", lang, code)
		}
		code, body := b.get("/request")
		if code != 200 || !strings.Contains(body, label) || !strings.Contains(body, `<option value="debian-12">debian-12</option>`) ||
			!strings.Contains(body, `name="ssh_keys" value="`+key["id"].(string)+`"`) || !strings.Contains(body, `name="user_data"`) {
			t.Fatalf("%s: the form lacks the image, key or user-data fields: %d\n%s", lang, code, body)
		}
	}
	b.lang = "en"
	if code, _ := b.post("/", "/lang", url.Values{"lang": {"en"}, "next": {"/"}}); code != 200 {
		t.Fatal(code)
	}
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
