package deploy

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

const sha1 = "9fceb02d0ae598e95dc970b74767f19372d61af8"

func pushBody(ref string) []byte {
	return []byte(`{"ref":"` + ref + `","after":"` + sha1 + `","checkout_sha":"` + sha1 + `"}`)
}

// signed returns the headers a forge sends with body under secret.
func signed(forge, secret, delivery, event string, body []byte) http.Header {
	h := http.Header{}
	switch forge {
	case ForgeGitHub:
		h.Set("X-Hub-Signature-256", "sha256="+Sign(secret, body))
		h.Set("X-GitHub-Delivery", delivery)
		h.Set("X-GitHub-Event", event)
	case ForgeGitea:
		h.Set("X-Gitea-Signature", Sign(secret, body))
		h.Set("X-Gitea-Delivery", delivery)
		h.Set("X-Gitea-Event", event)
	case ForgeForgejo:
		h.Set("X-Forgejo-Signature", Sign(secret, body))
		h.Set("X-Forgejo-Delivery", delivery)
		h.Set("X-Forgejo-Event", event)
	case ForgeGitLab:
		h.Set("X-Gitlab-Token", secret)
		h.Set("X-Gitlab-Event-UUID", delivery)
		if event == "push" {
			event = "Push Hook"
		}
		h.Set("X-Gitlab-Event", event)
	}
	return h
}

func TestWebhookEachForge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFix(t, "prv_k8s", []string{"site_a", "site_b"})
	svc := NewService(f.st, testBox(t, f.st))
	app, secret, err := svc.CreateApp(ctx, "usr_test", AppRequest{ProjectID: f.project.ID, Name: "citas", Image: "registry.example.mx/salud/citas:v1", Port: 8080})
	if err != nil {
		t.Fatal(err)
	}
	for _, forge := range []string{ForgeGitHub, ForgeGitLab, ForgeGitea, ForgeForgejo} {
		t.Run(forge, func(t *testing.T) {
			body := pushBody("refs/heads/main")
			body = append(body[:len(body)-1], []byte(`,"forge":"`+forge+`"}`)...) // a distinct body per forge
			h := signed(forge, secret, forge+"-d1", "push", body)
			res, err := svc.Webhook(ctx, forge, app.ID, h, body, "main")
			if err != nil {
				t.Fatal(err)
			}
			if res.Release == nil || res.Release.Image != "registry.example.mx/salud/citas:"+sha1 || res.Release.Commit != sha1 || res.Release.Source != SourceWebhook {
				t.Fatalf("release %+v", res.Release)
			}
			// Replayed: the same delivery again.
			if _, err := svc.Webhook(ctx, forge, app.ID, h, body, "main"); !errors.Is(err, store.ErrReplayed) {
				t.Fatalf("replay: %v, want ErrReplayed", err)
			}
			// Replayed under a fresh delivery id (the id is not signed).
			if _, err := svc.Webhook(ctx, forge, app.ID, signed(forge, secret, forge+"-d2", "push", body), body, "main"); !errors.Is(err, store.ErrReplayed) {
				t.Fatalf("replay under a new id: %v, want ErrReplayed", err)
			}
			// Forged: wrong secret, tampered body, missing signature, missing id.
			other := pushBody("refs/tags/v9")
			for name, h := range map[string]http.Header{
				"wrong secret":   signed(forge, secret+"x", forge+"-f1", "push", other),
				"tampered body":  signed(forge, secret, forge+"-f2", "push", body),
				"no signature":   {"X-Github-Delivery": {"f3"}, "X-Gitea-Delivery": {"f3"}, "X-Gitlab-Event-Uuid": {"f3"}},
				"no delivery id": func() http.Header { h := signed(forge, secret, "", "push", other); return h }(),
			} {
				if forge == ForgeGitLab && name == "tampered body" {
					continue // GitLab sends a secret token, not a signature of the body (docs/cicd.md)
				}
				if _, err := svc.Webhook(ctx, forge, app.ID, h, other, "main"); !errors.Is(err, ErrSignature) {
					t.Errorf("%s: %v, want ErrSignature", name, err)
				}
			}
			// Another forge's headers do not pass.
			if _, err := svc.Webhook(ctx, "bitbucket", app.ID, h, body, "main"); !errors.Is(err, ErrUnknownForge) {
				t.Errorf("unknown forge: %v", err)
			}
		})
	}
	// An unknown app answers like a bad signature.
	body := pushBody("refs/heads/main")
	if _, err := svc.Webhook(ctx, ForgeGitHub, "app_nope", signed(ForgeGitHub, secret, "x", "push", body), body, ""); !errors.Is(err, ErrSignature) {
		t.Fatalf("unknown app: %v", err)
	}
	rels, _ := svc.Releases(ctx, app.ID)
	if len(rels) != 4 {
		t.Fatalf("%d releases, want one per forge", len(rels))
	}
}

func TestParseEvents(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		event, body, branch string
		want                Trigger
	}{
		"github push main":       {"push", string(pushBody("refs/heads/main")), "main", Trigger{Image: sha1, Commit: sha1}},
		"push other branch":      {"push", string(pushBody("refs/heads/dev")), "main", Trigger{Skip: "branch dev"}},
		"tag push":               {"push", string(pushBody("refs/tags/v1.4.2")), "main", Trigger{Image: "v1.4.2", Commit: sha1}},
		"gitlab tag push":        {"Tag Push Hook", string(pushBody("refs/tags/v2")), "", Trigger{Image: "v2", Commit: sha1}},
		"branch deleted":         {"push", `{"ref":"refs/heads/x","after":"0000000000000000000000000000000000000000","deleted":true}`, "", Trigger{Skip: "ref deleted"}},
		"ping":                   {"ping", `{}`, "", Trigger{Skip: "ping"}},
		"github package":         {"package", `{"action":"published","package":{"package_type":"CONTAINER","package_version":{"container_metadata":{"tag":{"name":"v3","digest":""}}}}}`, "", Trigger{Image: "v3"}},
		"github registry digest": {"registry_package", `{"action":"published","registry_package":{"package_version":{"container_metadata":{"tag":{"name":"","digest":"sha256:` + strings.Repeat("a", 64) + `"}}}}}`, "", Trigger{Image: "sha256:" + strings.Repeat("a", 64)}},
		"gitea package":          {"package", `{"action":"created","package":{"type":"container","version":"v5"}}`, "", Trigger{Image: "v5"}},
		"issue event":            {"issues", `{}`, "", Trigger{Skip: "event issues"}},
	} {
		got, err := Parse(Delivery{Event: c.event}, []byte(c.body), c.branch)
		if err != nil || got != c.want {
			t.Errorf("%s: %+v %v, want %+v", name, got, err, c.want)
		}
	}
	if _, err := Parse(Delivery{Event: "push"}, []byte(`{"ref":"refs/tags/../../x","after":"`+sha1+`"}`), ""); !errors.Is(err, ErrPayload) {
		t.Errorf("bad tag: %v", err)
	}
}

func TestImageRef(t *testing.T) {
	t.Parallel()
	d := "sha256:" + strings.Repeat("b", 64)
	for _, c := range [][3]string{
		{"reg.mx/a/b:v1", "v2", "reg.mx/a/b:v2"},
		{"reg.mx:5000/a/b", "v2", "reg.mx:5000/a/b:v2"},
		{"reg.mx/a/b@" + d, "v3", "reg.mx/a/b:v3"},
		{"reg.mx/a/b:v1", d, "reg.mx/a/b@" + d},
		{"reg.mx/a/b:v1", "other.mx/c/d:v9", "other.mx/c/d:v9"},
		{"reg.mx/a/b:v1", "", "reg.mx/a/b:v1"},
	} {
		got, err := ImageRef(c[0], c[1])
		if err != nil || got != c[2] {
			t.Errorf("ImageRef(%q, %q) = %q %v, want %q", c[0], c[1], got, err, c[2])
		}
	}
	for _, bad := range []string{"UPPER/case:x", "a b", "x:y:z/../"} {
		if _, err := ImageRef("reg.mx/a/b:v1", bad); err == nil {
			t.Errorf("ImageRef accepted %q", bad)
		}
	}
}

// FuzzWebhook: no input panics, a delivery not signed with the secret never
// verifies, and Parse of any verified body either fails cleanly or yields
// a valid image reference.
func FuzzWebhook(f *testing.F) {
	f.Add("github", "sig", "push", []byte(pushBody("refs/heads/main")))
	f.Add("gitlab", "tok", "Tag Push Hook", []byte(pushBody("refs/tags/v1")))
	f.Add("gitea", "", "package", []byte(`{"package":{"type":"container","version":"v1"}}`))
	f.Add("forgejo", "x", "registry_package", []byte(`{"registry_package":{"package_version":null}}`))
	f.Fuzz(func(t *testing.T, forge, sig, event string, body []byte) {
		const secret = "whsec_fuzz_secret"
		h := http.Header{}
		for _, k := range []string{"X-Hub-Signature-256", "X-Gitea-Signature", "X-Forgejo-Signature", "X-Gitlab-Token"} {
			h.Set(k, sig)
		}
		for _, k := range []string{"X-GitHub-Delivery", "X-Gitea-Delivery", "X-Gitlab-Event-UUID", "X-GitHub-Event", "X-Gitea-Event", "X-Gitlab-Event"} {
			h.Set(k, event)
		}
		if _, err := Verify(forge, secret, h, body); err == nil {
			if sig != secret && sig != "sha256="+Sign(secret, body) && sig != Sign(secret, body) {
				t.Fatalf("forged delivery verified: forge %q sig %q", forge, sig)
			}
		}
		tr, err := Parse(Delivery{Forge: forge, Event: event}, body, "main")
		if err == nil && tr.Skip == "" {
			if _, err := ImageRef("reg.mx/a/b:v1", tr.Image); err != nil {
				t.Fatalf("Parse gave an unusable image %q: %v", tr.Image, err)
			}
		}
	})
}

// With a secrets key the webhook secret is sealed in the secrets table and
// the app's row only says so; deliveries still verify.
func TestWebhookSecretSealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFix(t, "prv_k8s", []string{"site_a"})
	svc := NewService(f.st, testBox(t, f.st))
	app, secret, err := svc.CreateApp(ctx, "usr_test", AppRequest{ProjectID: f.project.ID, Name: "citas", Image: "reg.mx/a/b:v1"})
	if err != nil {
		t.Fatal(err)
	}
	row, _ := f.st.Read().Apps().Get(ctx, app.ID)
	if row.WebhookSecret == secret || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("the secret is stored in clear text in the app's row")
	}
	body := pushBody("refs/tags/v2")
	if res, err := svc.Webhook(ctx, ForgeGitHub, app.ID, signed(ForgeGitHub, secret, "s-1", "push", body), body, ""); err != nil || res.Release == nil {
		t.Fatalf("sealed secret: %+v %v", res, err)
	}
	if _, err := NewService(f.st, nil).Webhook(ctx, ForgeGitHub, app.ID, signed(ForgeGitHub, secret, "s-2", "push", body), body, ""); err == nil {
		t.Fatal("verified without the secrets key")
	}
}

// Without a secrets key no app is created: its webhook secret would be
// stored in clear text.
func TestCreateAppNeedsSecretsKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFix(t, "prv_k8s", []string{"site_a"})
	_, _, err := NewService(f.st, nil).CreateApp(ctx, "usr_test", AppRequest{ProjectID: f.project.ID, Name: "citas", Image: "reg.mx/a/b:v1"})
	if !errors.Is(err, ErrNoSecretsKey) {
		t.Fatalf("CreateApp without a key: %v", err)
	}
	if n, _ := f.st.Read().Apps().All(ctx); len(n) != 0 {
		t.Fatalf("an app was stored: %v", n)
	}
}

// Webhook secrets an earlier version kept in clear text are sealed on the
// next start with a key, and deliveries still verify.
func TestSealClearSecrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFix(t, "prv_k8s", []string{"site_a"})
	box := testBox(t, f.st)
	svc := NewService(f.st, box)
	app, secret, err := svc.CreateApp(ctx, "usr_test", AppRequest{ProjectID: f.project.ID, Name: "citas", Image: "reg.mx/a/b:v1"})
	if err != nil {
		t.Fatal(err)
	}
	// What a keyless start used to store: the secret in the row.
	storetest.ClearAppSecret(t, f.st, app.ID, secret)
	if n, err := NewService(f.st, nil).SealClearSecrets(ctx); err != nil || n != 0 {
		t.Fatalf("sealing without a key: %d %v", n, err)
	}
	n, err := svc.SealClearSecrets(ctx)
	if err != nil || n != 1 {
		t.Fatalf("sealed %d, %v; want 1", n, err)
	}
	row, _ := f.st.Read().Apps().Get(ctx, app.ID)
	if row.WebhookSecret != sealedMarker {
		t.Fatalf("row still holds %q", row.WebhookSecret)
	}
	if n, err := svc.SealClearSecrets(ctx); err != nil || n != 0 {
		t.Fatalf("second pass sealed %d, %v", n, err)
	}
	body := pushBody("refs/tags/v2")
	if res, err := svc.Webhook(ctx, ForgeGitHub, app.ID, signed(ForgeGitHub, secret, "s-1", "push", body), body, ""); err != nil || res.Release == nil {
		t.Fatalf("delivery after sealing: %+v %v", res, err)
	}
}
