package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/server/servertest"
)

const testPubKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@example"

// call sends a JSON request and returns the status and body.
func call(t *testing.T, h *servertest.Harness, token, lang, method, path string, body any) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Language", lang)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("%s %s: %d without problem+json: %s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode, string(b)
}

func count(t *testing.T, h *servertest.Harness, token, path string) int {
	t.Helper()
	code, body := call(t, h, token, "en", "GET", path, nil)
	var p struct {
		Items []json.RawMessage `json:"items"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &p) != nil {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	return len(p.Items)
}

// TestImagesKeysFirstBoot: the simulated catalogue is listed; keys are
// validated, localized and isolated between tenants; a workload with an
// image, a key and user-data boots with one rendered cloud-init document
// per replica, which the sim received and the API shows; bad input is a
// localized 422 that changes nothing.
func TestImagesKeysFirstBoot(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	project := firstID(t, h.Admin, "/v1/projects?name=prontuario-eletronico")[0]
	offering := firstID(t, h.Admin, "/v1/offerings?name=SCS-1V-2-20s")[0]
	openPolicy(t, h, project)
	var prj map[string]any
	if _, err := h.Admin.Do(ctx, "GET", "/v1/projects/"+project, nil, &prj); err != nil {
		t.Fatal(err)
	}
	own := prj["institution_id"].(string)
	other := ""
	for _, id := range firstID(t, h.Admin, "/v1/institutions") {
		if id != own {
			other = id
		}
	}

	// The catalogue.
	code, body := call(t, h, servertest.AdminToken, "en", "GET", "/v1/images", nil)
	if code != 200 || !strings.Contains(body, `"family":"ubuntu-24.04"`) || !strings.Contains(body, `"simulated":true`) {
		t.Fatalf("images: %d %.400s", code, body)
	}

	dev := scopedToken(t, h, auth.RoleDeveloper, auth.Institution, own)
	stranger := scopedToken(t, h, auth.RoleDeveloper, auth.Institution, other)

	// A key that is not a public key: 422 in the caller's language, nothing stored.
	want := map[string]string{"es": "no es una clave pública SSH", "pt-BR": "não é uma chave pública SSH", "en": "not an SSH public key"}
	for lang, w := range want {
		code, body := call(t, h, dev, lang, "POST", "/v1/ssh-keys", map[string]any{"name": "bad", "public_key": "-----BEGIN OPENSSH PRIVATE KEY-----"})
		if code != 422 || !strings.Contains(body, w) {
			t.Fatalf("bad key %s: %d %s", lang, code, body)
		}
	}
	if n := count(t, h, dev, "/v1/ssh-keys"); n != 0 {
		t.Fatalf("a refused key was stored: %d", n)
	}

	// A project key of the developer; the stranger neither sees nor uses it.
	code, body = call(t, h, dev, "en", "POST", "/v1/ssh-keys", map[string]any{"name": "alice", "public_key": testPubKey, "project_id": project})
	var key map[string]any
	if code != 201 || json.Unmarshal([]byte(body), &key) != nil || !strings.HasPrefix(fmt.Sprint(key["fingerprint"]), "SHA256:") {
		t.Fatalf("add key: %d %s", code, body)
	}
	keyID := key["id"].(string)
	if code, body := call(t, h, dev, "en", "POST", "/v1/ssh-keys", map[string]any{"name": "alice", "public_key": testPubKey, "project_id": project}); code != 422 {
		t.Fatalf("duplicate name: %d %s", code, body)
	}
	if code, _ := call(t, h, stranger, "en", "GET", "/v1/ssh-keys/"+keyID, nil); code != 404 {
		t.Fatalf("another institution's key: %d", code)
	}
	if n := count(t, h, stranger, "/v1/ssh-keys"); n != 0 {
		t.Fatalf("the stranger lists %d keys", n)
	}
	if code, _ := call(t, h, stranger, "en", "DELETE", "/v1/ssh-keys/"+keyID, nil); code != 404 {
		t.Fatalf("the stranger deleted: %d", code)
	}
	if code, body := call(t, h, stranger, "en", "POST", "/v1/ssh-keys", map[string]any{"name": "x", "public_key": testPubKey, "project_id": project}); code != 403 && code != 404 {
		t.Fatalf("the stranger added a key to another institution's project: %d %s", code, body)
	}
	if n := count(t, h, dev, "/v1/ssh-keys"); n != 1 {
		t.Fatalf("the developer lists %d keys", n)
	}
	var audit struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/audit?target_id="+keyID, nil, &audit); err != nil || len(audit.Items) == 0 {
		t.Errorf("the key's creation is not audited: %v %d", err, len(audit.Items))
	}

	base := func() map[string]any {
		return map[string]any{"project_id": project, "offering_id": offering, "replicas": 2, "classification": "internal",
			"residency": map[string]any{"countries": []string{"BR"}}, "sovereignty": map[string]any{"mode": "any"}}
	}
	before := count(t, h, servertest.AdminToken, "/v1/workloads")
	bad := []struct {
		field string
		value any
		want  map[string]string
	}{
		{"user_data", "hello", map[string]string{"es": "debe empezar por", "pt-BR": "deve começar com", "en": "must start with"}},
		{"user_data", "#cloud-config\n- a\n", map[string]string{"es": "mapa YAML", "pt-BR": "mapa YAML", "en": "YAML mapping"}},
		{"user_data", "#!/bin/sh\n" + strings.Repeat("x", 17<<10), map[string]string{"es": "el máximo es", "pt-BR": "o máximo é", "en": "at most"}},
		{"image", "plan9-4", map[string]string{"es": "ningún proveedor ofrece la imagen plan9-4", "pt-BR": "nenhum provedor oferece a imagem plan9-4", "en": "no provider offers image plan9-4"}},
		{"ssh_keys", []string{"nobody"}, map[string]string{"es": "no hay una clave SSH", "pt-BR": "não há uma chave SSH", "en": "no SSH key"}},
	}
	for _, b := range bad {
		for lang, w := range b.want {
			req := base()
			req[b.field] = b.value
			code, body := call(t, h, dev, lang, "POST", "/v1/workloads", req)
			if code != 422 || !strings.Contains(body, w) {
				t.Fatalf("%s %s: %d %.500s", b.field, lang, code, body)
			}
		}
	}
	// The stranger cannot name the developer's project key by id either.
	if n := count(t, h, servertest.AdminToken, "/v1/workloads"); n != before {
		t.Fatalf("refused requests created workloads: %d → %d", before, n)
	}

	req := base()
	req["image"] = "debian-12"
	req["ssh_keys"] = []string{"alice"}
	req["user_data"] = "#cloud-config\nruncmd:\n  - echo hello from the user\n"
	code, body = call(t, h, dev, "en", "POST", "/v1/workloads", req)
	var wl map[string]any
	if code != 201 || json.Unmarshal([]byte(body), &wl) != nil || wl["image"] != "debian-12" {
		t.Fatalf("create: %d %.600s", code, body)
	}
	id := wl["id"].(string)
	if strings.Contains(fmt.Sprint(wl["ssh_keys"]), "alice@example") == false {
		t.Errorf("the workload does not show its keys: %v", wl["ssh_keys"])
	}
	h.WaitRunning(t, id, time.Minute)
	var boots struct {
		Items []struct {
			PlacementID string `json:"placement_id"`
			ImageRef    string `json:"image_ref"`
			CloudInit   string `json:"cloud_init"`
			SiteID      string `json:"site_id"`
		} `json:"items"`
	}
	code, body = call(t, h, dev, "en", "GET", "/v1/workloads/"+id+"/cloud-init", nil)
	if code != 200 || json.Unmarshal([]byte(body), &boots) != nil || len(boots.Items) != 2 {
		t.Fatalf("cloud-init: %d %.500s", code, body)
	}
	var ps struct {
		Items []map[string]any `json:"items"`
	}
	_ = ps
	for _, b := range boots.Items {
		if b.ImageRef != "sim-image-debian-12" || !strings.HasPrefix(b.CloudInit, "#cloud-config\n") ||
			!strings.Contains(b.CloudInit, testPubKey) || !strings.Contains(b.CloudInit, "echo hello from the user") {
			t.Errorf("replica %s: %+v", b.PlacementID, b)
		}
		var provider string
		for _, p := range wl["placements"].([]any) {
			pm := p.(map[string]any)
			if pm["id"] == b.PlacementID {
				provider = pm["provider_id"].(string)
			}
		}
		img, ud, err := h.Server.Sim.Boot(ctx, provider, b.PlacementID)
		if err != nil || img != b.ImageRef || ud != b.CloudInit {
			t.Errorf("the sim got %q %q %v, want the rendered document", img, ud, err)
		}
	}
	if code, _ := call(t, h, stranger, "en", "GET", "/v1/workloads/"+id+"/cloud-init", nil); code != 404 {
		t.Errorf("the stranger reads the cloud-init: %d", code)
	}
	// Deleting the key leaves the workload's copy.
	if code, body := call(t, h, dev, "en", "DELETE", "/v1/ssh-keys/"+keyID, nil); code != 204 {
		t.Fatalf("delete: %d %s", code, body)
	}
	if n := count(t, h, dev, "/v1/ssh-keys"); n != 0 {
		t.Fatalf("deleted key still listed")
	}
}
