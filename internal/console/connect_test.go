package console_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// TestConnectPanel: the workload page links to the "connect" panel, which
// explains `soberana ssh` and issues a certificate for a pasted public key
// in every language; a pasted private key or other text is refused with
// the API's reason in the page's language.
func TestConnectPanel(t *testing.T) {
	t.Parallel()
	h, b, prj, offering := requestFormSetup(t)
	ctx := context.Background()
	var ins map[string]any
	if _, err := h.Admin.Do(ctx, "GET", "/v1/institutions/"+prj["institution_id"].(string), nil, &ins); err != nil {
		t.Fatal(err)
	}
	var wl map[string]any
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", map[string]any{"project_id": prj["id"], "offering_id": offering,
		"replicas": 1, "classification": "internal", "residency": map[string]any{"countries": []string{ins["country"].(string)}},
		"sovereignty": map[string]any{"mode": "national"}}, &wl); err != nil {
		t.Fatal(err)
	}
	id := wl["id"].(string)
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	sp, _ := ssh.NewPublicKey(pub)
	key := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp)))
	if _, body := b.get("/workloads/" + id); !strings.Contains(body, `href="/workloads/`+id+`/connect"`) {
		t.Fatal("the workload page does not link to the connect panel")
	}
	for lang, want := range map[string][2]string{"es": {"Desde su terminal", "clave pública SSH"}, "pt-BR": {"Do seu terminal", "chave pública SSH"},
		"en": {"From your terminal", "SSH public key"}} {
		b.lang = lang
		b.switchLang(lang)
		code, body := b.get("/workloads/" + id + "/connect")
		if code != 200 || !strings.Contains(body, want[0]) || !strings.Contains(body, "soberana ssh "+id) {
			t.Fatalf("%s connect panel: %d\n%s", lang, code, body)
		}
		if k := rawKey.FindString(body); k != "" {
			t.Errorf("%s: message key shown untranslated: %s", lang, k)
		}
		w := "/workloads/" + id + "/connect"
		code, body = b.post(w, w, url.Values{"public_key": {key}})
		if code != 200 || !strings.Contains(body, "ssh-ed25519-cert-v01@openssh.com ") || !strings.Contains(body, `id="connect-serial"`) {
			t.Fatalf("%s issue: %d\n%s", lang, code, body)
		}
		code, body = b.post(w, w, url.Values{"public_key": {"-----BEGIN OPENSSH PRIVATE KEY-----"}})
		if code != 422 || !strings.Contains(body, want[1]) {
			t.Errorf("%s bad key: %d (want 422 naming the %q)", lang, code, want[1])
		}
	}
}
