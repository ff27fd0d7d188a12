package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/deploy"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/server"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// runningNamespace creates a namespace workload in the demo's first
// project and waits until it runs; it returns the project's id.
func runningNamespace(t *testing.T, h *servertest.Harness) string {
	t.Helper()
	prj := h.FirstID(t, "/v1/projects?name=prontuario-eletronico")
	h.CreateRunning(t, map[string]any{"project_id": prj, "offering_id": h.FirstID(t, "/v1/offerings?name=ns-small"), "replicas": 1,
		"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}},
		"sovereignty": map[string]any{"mode": "national"}})
	return prj
}

// databaseText returns every byte the database holds: the SQLite files
// of the data directory, or on PostgreSQL every row of every table as
// text.
func databaseText(t *testing.T, h *servertest.Harness, dataDir string, pg bool) []byte {
	t.Helper()
	if !pg {
		h.Stop() // flush and close: read the files as they rest on disk
		files, _ := filepath.Glob(filepath.Join(dataDir, "soberana.db*"))
		if len(files) == 0 {
			t.Fatalf("no database files in %s", dataDir)
		}
		var all []byte
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		return all
	}
	ctx := context.Background()
	tx := h.Server.Store.Read()
	rows, err := tx.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var all bytes.Buffer
	for _, tb := range tables {
		rs, err := tx.Query(ctx, `SELECT t::text FROM "`+tb+`" t`)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var s string
			_ = rs.Scan(&s)
			all.WriteString(s)
			all.WriteByte('\n')
		}
		rs.Close()
	}
	if len(tables) < 10 || all.Len() == 0 {
		t.Fatalf("read %d tables, %d bytes", len(tables), all.Len())
	}
	return all.Bytes()
}

// TestNoSecretInClear: started as `up` does (a secrets key in the data
// directory), every secret the test creates — an app's webhook secret,
// provider credentials, an API token — is absent from the database files.
func TestNoSecretInClear(t *testing.T) {
	t.Parallel()
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		dir := t.TempDir()
		h := servertest.Start(t, servertest.Options{Postgres: pg, DataDir: dir})
		ctx := context.Background()
		if st, err := os.Stat(filepath.Join(dir, server.SecretsKeyFileName)); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("secrets key file: %v %v", st, err)
		}
		if h.Server.Secrets() == nil {
			t.Fatal("the server has no secrets box")
		}
		var secretsMade []string
		prj := runningNamespace(t, h)
		var app map[string]any
		if _, err := h.Admin.Do(ctx, "POST", "/v1/apps", map[string]any{"project_id": prj, "name": "citas",
			"image": "registry.example.br/saude/citas:v1"}, &app); err != nil {
			t.Fatal(err)
		}
		secretsMade = append(secretsMade, app["webhook_secret"].(string))

		var b [16]byte
		_, _ = rand.Read(b[:])
		password := "pw-" + hex.EncodeToString(b[:])
		var prv struct {
			Items []map[string]any `json:"items"`
		}
		if _, err := h.Admin.Do(ctx, "GET", "/v1/providers", nil, &prv); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Admin.Do(ctx, "PUT", "/v1/providers/"+prv.Items[0]["id"].(string)+"/credentials",
			map[string]any{"name": "keystone", "values": map[string]string{"username": "svc", "password": password}}, nil); err != nil {
			t.Fatal(err)
		}
		secretsMade = append(secretsMade, password)

		var tok map[string]any
		if _, err := h.Admin.Do(ctx, "POST", "/v1/tokens", map[string]any{"name": "ci", "kind": "deploy", "scope_kind": "project", "scope_id": prj}, &tok); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"secret", "token"} {
			if s, ok := tok[k].(string); ok {
				secretsMade = append(secretsMade, s)
			}
		}
		hookSecret := "hook-" + hex.EncodeToString(b[:8])
		if _, err := h.Admin.Do(ctx, "POST", "/v1/alert-webhooks", map[string]any{"name": "siem", "url": "https://siem.example.br/hook",
			"secret": hookSecret}, nil); err != nil {
			t.Fatal(err)
		}
		secretsMade = append(secretsMade, hookSecret)
		if len(secretsMade) != 4 {
			t.Fatalf("secrets made: %d", len(secretsMade))
		}
		all := databaseText(t, h, dir, pg)
		for _, s := range secretsMade {
			if len(s) < 16 {
				t.Fatalf("secret %q too short to search for", s)
			}
			if bytes.Contains(all, []byte(s)) {
				t.Errorf("a secret the test created is in the database in clear text: %.8s…", s)
			}
		}
	})
}

// TestServeRefusesSecretsWithoutKey: started as `serve` without a key, an
// app (whose webhook secret would be stored) is refused with 503
// problem+json, as provider credentials are.
func TestServeRefusesSecretsWithoutKey(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{NoSecretsKey: true})
	if h.Server.Secrets() != nil {
		t.Fatal("a secrets box without a key")
	}
	prj := runningNamespace(t, h)
	_, err := h.Admin.Do(context.Background(), "POST", "/v1/apps", map[string]any{"project_id": prj, "name": "citas",
		"image": "registry.example.br/saude/citas:v1"}, nil)
	var p *client.Problem
	if !errors.As(err, &p) || p.Status != http.StatusServiceUnavailable || !strings.HasSuffix(p.Type, "/secrets-unconfigured") {
		t.Fatalf("app without a secrets key: %v", err)
	}
	var apps struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := h.Admin.Do(context.Background(), "GET", "/v1/apps", nil, &apps); err != nil || len(apps.Items) != 0 {
		t.Fatalf("apps stored: %v %v", apps.Items, err)
	}
}

// TestClearSecretsSealedOnStart: webhook secrets that an earlier version
// stored in clear text are sealed on the next start with a key, and the
// app's deliveries still verify.
func TestClearSecretsSealedOnStart(t *testing.T) {
	t.Parallel()
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		dir := t.TempDir()
		var dbURL string
		h := servertest.Start(t, servertest.Options{Postgres: pg, DataDir: dir, Configure: func(c *config.Config) { dbURL = c.DatabaseURL }})
		ctx := context.Background()
		prj := runningNamespace(t, h)
		var app map[string]any
		if _, err := h.Admin.Do(ctx, "POST", "/v1/apps", map[string]any{"project_id": prj, "name": "citas",
			"image": "registry.example.br/saude/citas:v1"}, &app); err != nil {
			t.Fatal(err)
		}
		id, secret := app["id"].(string), app["webhook_secret"].(string)
		// What a keyless start of an earlier version left: the secret in the row.
		storetest.ClearAppSecret(t, h.Server.Store, id, secret)
		hook := model.AlertWebhook{Name: "siem", URL: "https://siem.example.br/hook", Secret: "hook-secret-in-clear-0123"}
		if err := h.Server.Store.InTx(ctx, func(tx *store.Tx) error { return tx.AlertWebhooks().Create(ctx, &hook, "whk") }); err != nil {
			t.Fatal(err)
		}
		// Provider configs saved without a key (by provider add) are clear too.
		clearCfg := map[string]string{}
		for _, drv := range []string{model.DriverOpenStack, model.DriverKubernetes} {
			p := model.Provider{Name: "nuvem " + drv, Driver: drv, Jurisdiction: "BR", Certification: "confidential", Currency: "BRL"}
			p.Defaults()
			cfg := `{"clusters":[{"name":"c1","token":"clear-` + drv + `-credential-0123"}]}`
			if err := h.Server.Store.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
					return err
				}
				return tx.PutSetting(ctx, "provider/"+drv+"/"+p.ID, cfg)
			}); err != nil {
				t.Fatal(err)
			}
			clearCfg[p.ID] = drv
		}
		h.Stop()

		h = servertest.Start(t, servertest.Options{DataDir: dir, NoDemo: true, Configure: func(c *config.Config) { c.DatabaseURL = dbURL }})
		row, err := h.Server.Store.Read().Apps().Get(ctx, id)
		if err != nil || row.WebhookSecret == secret || strings.Contains(row.WebhookSecret, secret) {
			t.Fatalf("after restart the row holds %q (%v)", row.WebhookSecret, err)
		}
		if got, err := h.Server.Store.Read().AlertWebhooks().Get(ctx, hook.ID); err != nil || got.Secret != secrets.SealedMarker {
			t.Fatalf("after restart the alert webhook row holds %q (%v)", got.Secret, err)
		}
		if v, err := h.Server.Secrets().Get(ctx, alert.SecretOwner, hook.ID, alert.SecretName); err != nil || string(v.Reveal()) != hook.Secret {
			t.Fatalf("sealed alert webhook secret does not open: %v", err)
		}
		for id, drv := range clearCfg {
			row, ok, err := h.Server.Store.Read().Setting(ctx, "provider/"+drv+"/"+id)
			if err != nil || !ok || row != secrets.SealedMarker {
				t.Fatalf("%s config row after restart: %q %v", drv, row, err)
			}
			v, err := h.Server.Secrets().Get(ctx, "provider", id, drv+"-config")
			if err != nil || !strings.Contains(string(v.Reveal()), "clear-"+drv+"-credential-0123") {
				t.Fatalf("%s config does not open: %v", drv, err)
			}
		}
		body := []byte(`{"ref":"refs/tags/v2","after":"9fceb02d0ae598e95dc970b74767f19372d61af8"}`)
		req, _ := http.NewRequest("POST", h.URL+"/v1/webhooks/github/"+id, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "push")
		req.Header.Set("X-GitHub-Delivery", "d-1")
		req.Header.Set("X-Hub-Signature-256", "sha256="+deploy.Sign(secret, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("delivery after sealing: %d", resp.StatusCode)
		}
	})
}
