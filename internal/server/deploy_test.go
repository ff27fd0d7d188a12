package server_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/deploy"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestAppsThroughTheAPI: a deploy token of one project creates an app and
// releases it there and nowhere else; webhooks answer 201, 409 on replay
// and 401 (localized problem+json) on a bad signature.
func TestAppsThroughTheAPI(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/projects", nil, &page); err != nil || len(page.Items) < 2 {
		t.Fatalf("projects: %v", err)
	}
	var mine, other map[string]any
	for _, p := range page.Items {
		if mine == nil {
			mine = p
		} else if p["institution_id"] != mine["institution_id"] {
			other = p
			break
		}
	}
	off := h.FirstID(t, "/v1/offerings?name=ns-small")
	nsWorkload := func(prj map[string]any) {
		var ins map[string]any
		if _, err := h.Admin.Do(ctx, "GET", "/v1/institutions/"+prj["institution_id"].(string), nil, &ins); err != nil {
			t.Fatal(err)
		}
		h.CreateRunning(t, map[string]any{"project_id": prj["id"], "offering_id": off, "replicas": 2,
			"classification": "internal", "residency": map[string]any{"countries": []string{ins["country"].(string)}}})
	}
	nsWorkload(mine)
	nsWorkload(other)

	var tok string
	var tokOut map[string]any
	if _, err := h.Admin.Do(ctx, "POST", "/v1/tokens", map[string]any{"name": "ci", "kind": "deploy", "scope_kind": "project", "scope_id": mine["id"]}, &tokOut); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"secret", "token"} {
		if s, ok := tokOut[k].(string); ok {
			tok = s
		}
	}
	if tok == "" {
		t.Fatalf("no secret in %v", tokOut)
	}
	ci := client.New(h.URL, tok)

	var app map[string]any
	body := map[string]any{"project_id": mine["id"], "name": "citas", "image": "registry.example.mx/salud/citas:v1", "port": 8080, "replicas": 2}
	if _, err := ci.Do(ctx, "POST", "/v1/apps", body, &app); err != nil {
		t.Fatalf("deploy token creating an app in its project: %v", err)
	}
	secret, _ := app["webhook_secret"].(string)
	if secret == "" {
		t.Fatalf("no webhook secret in %v", app)
	}
	var again map[string]any
	if _, err := ci.Do(ctx, "GET", "/v1/apps/"+app["id"].(string), nil, &again); err != nil || again["webhook_secret"] != nil {
		t.Fatalf("the secret is shown again: %v %v", err, again)
	}
	var rel map[string]any
	if _, err := ci.Do(ctx, "POST", "/v1/apps/"+app["id"].(string)+"/releases", map[string]any{"image": "v2", "commit": "abcdef12"}, &rel); err != nil ||
		rel["image"] != "registry.example.mx/salud/citas:v2" {
		t.Fatalf("release: %v %v", err, rel)
	}

	// Another project: the deploy token can neither create there nor see its apps.
	body["project_id"] = other["id"]
	var p *client.Problem
	if _, err := ci.Do(ctx, "POST", "/v1/apps", body, nil); !errors.As(err, &p) || p.Status != http.StatusForbidden {
		t.Fatalf("deploy token creating in another project: %v", err)
	}
	var otherApp map[string]any
	if _, err := h.Admin.Do(ctx, "POST", "/v1/apps", body, &otherApp); err != nil {
		t.Fatal(err)
	}
	if _, err := ci.Do(ctx, "POST", "/v1/apps/"+otherApp["id"].(string)+"/releases", map[string]any{"image": "v9"}, nil); !errors.As(err, &p) || p.Status != http.StatusNotFound {
		t.Fatalf("deploy token releasing another project's app: %v", err)
	}
	var apps struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := ci.Do(ctx, "GET", "/v1/apps", nil, &apps); err != nil || len(apps.Items) != 1 {
		t.Fatalf("deploy token sees %d apps, want 1: %v", len(apps.Items), err)
	}

	// Webhooks.
	hook := func(sig, delivery string, payload []byte, lang string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", h.URL+"/v1/webhooks/github/"+app["id"].(string), bytes.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "push")
		req.Header.Set("X-GitHub-Delivery", delivery)
		req.Header.Set("X-Hub-Signature-256", sig)
		req.Header.Set("Accept-Language", lang)
		resp, out := servertest.Send(t, req)
		return resp.StatusCode, out
	}
	push := []byte(`{"ref":"refs/tags/v3.0.0","after":"9fceb02d0ae598e95dc970b74767f19372d61af8"}`)
	good := "sha256=" + deploy.Sign(secret, push)
	if code, out := hook(good, "d-1", push, "en"); code != http.StatusCreated || out["release"] == nil {
		t.Fatalf("signed delivery: %d %v", code, out)
	}
	if code, out := hook(good, "d-1", push, "en"); code != http.StatusConflict {
		t.Fatalf("replayed delivery: %d %v", code, out)
	}
	if code, out := hook(good, "d-2", push, "en"); code != http.StatusConflict {
		t.Fatalf("replayed body under a new id: %d %v", code, out)
	}
	if code, out := hook("sha256="+deploy.Sign("wrong", push), "d-3", push, "pt-BR"); code != http.StatusUnauthorized || out["title"] != "Assinatura inválida" {
		t.Fatalf("forged delivery: %d %v", code, out)
	}
	var hist struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := ci.Do(ctx, "GET", "/v1/apps/"+app["id"].(string)+"/releases", nil, &hist); err != nil || len(hist.Items) != 2 {
		t.Fatalf("history: %d %v", len(hist.Items), err)
	}
}
