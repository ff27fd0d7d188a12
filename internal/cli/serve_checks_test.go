package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider/openstack"
	"github.com/soberana/soberana/internal/provider/openstack/openstacktest"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
)

// serveOnce runs `soberana serve` on dataDir; it returns the exit code
// when serve refuses to start, or -1 once it is up (then stopped).
func serveOnce(t *testing.T, dataDir string, env map[string]string) (int, string) {
	t.Helper()
	// serve signs audit checkpoints with a key file of its own, outside
	// data_dir: give it one, so that only the check under test refuses.
	key := filepath.Join(t.TempDir(), "audit-signing.key")
	if _, err := audit.LoadOrCreateKey(key); err != nil {
		t.Fatal(err)
	}
	full := map[string]string{"SOBERANA_AUDIT_SIGNING_KEY_FILE": key}
	for k, v := range env {
		full[k] = v
	}
	env = full
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut := &syncBuf{}, &syncBuf{}
	done := make(chan int, 1)
	go func() {
		done <- cli.RunEnv(ctx, []string{"serve", "--data-dir", dataDir, "--addr", "127.0.0.1:0", "--log-level", "error"},
			out, errOut, func(k string) string { return env[k] })
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case code := <-done:
			return code, errOut.String()
		case <-time.After(20 * time.Millisecond):
		}
		if strings.Contains(out.String(), "is up at") {
			cancel()
			<-done
			return -1, ""
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve neither started nor refused: %s %s", out.String(), errOut.String())
		}
	}
}

// newDatabase makes a migrated database in a new data directory and adds
// a provider to it with fn.
func newDatabase(t *testing.T, fn func(ctx context.Context, st *store.Store, tx *store.Tx) error) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "soberana.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return fn(ctx, st, tx) }); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestServeRefusesSealedConfigWithoutKey: a provider whose OpenStack
// config was sealed with a secrets key makes serve refuse to start without
// the key — naming the provider and the fix, in the caller's language —
// instead of running with a provider every call to which fails.
func TestServeRefusesSealedConfigWithoutKey(t *testing.T) {
	key := secrets.NewKeyLine("k1")
	t.Setenv("SOBERANA_SECRETS_KEY_FILE", "")
	t.Setenv("SOBERANA_SECRETS_KEY", key)
	var prv model.Provider
	dir := newDatabase(t, func(ctx context.Context, st *store.Store, tx *store.Tx) error {
		prv = model.Provider{Name: "nube", Driver: model.DriverOpenStack, Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
		prv.Defaults()
		if err := tx.Providers().Create(ctx, &prv, "prv"); err != nil {
			return err
		}
		cfg := openstack.Config{Clouds: []openstack.Cloud{{Name: "c", AuthURL: "https://keystone.example/v3", Username: "u", Password: "pw"}},
			Sites: []openstack.SiteMap{{SiteID: "site-1", Cloud: "c", AZ: "az-1"}}}
		sealed, err := openstack.StoreConfigs{St: st}.Save(ctx, tx, prv.ID, cfg)
		if err == nil && !sealed {
			t.Fatal("the config was not sealed")
		}
		return err
	})
	t.Setenv("SOBERANA_SECRETS_KEY", "")
	code, msg := serveOnce(t, dir, map[string]string{"LANG": "es_MX.UTF-8"})
	if code <= 0 || !strings.Contains(msg, prv.ID) || !strings.Contains(msg, "SOBERANA_SECRETS_KEY_FILE") || !strings.Contains(msg, "cifrada") {
		t.Fatalf("serve without the key: exit %d, %q; want a refusal in Spanish naming %s and SOBERANA_SECRETS_KEY_FILE", code, msg, prv.ID)
	}
	t.Setenv("SOBERANA_SECRETS_KEY", key)
	if code, msg := serveOnce(t, dir, nil); code != -1 {
		t.Fatalf("serve with the key: exit %d, %q; want it up", code, msg)
	}
}

// TestServeRefusesSimulatedProviders: serve does not run with simulated
// providers unless the configuration allows them.
func TestServeRefusesSimulatedProviders(t *testing.T) {
	t.Parallel()
	dir := newDatabase(t, func(ctx context.Context, st *store.Store, tx *store.Tx) error {
		p := model.Provider{Name: "demo", Driver: model.DriverSim, Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
		p.Defaults()
		return tx.Providers().Create(ctx, &p, "prv")
	})
	code, msg := serveOnce(t, dir, map[string]string{"LANG": "pt_BR.UTF-8"})
	if code <= 0 || !regexp.MustCompile(`simulados \(prv_[0-9a-v]+\)`).MatchString(msg) || !strings.Contains(msg, "allow_simulated_providers: true") {
		t.Fatalf("serve with a sim provider: exit %d, %q; want a refusal in Portuguese naming it and the setting", code, msg)
	}
	if code, msg := serveOnce(t, dir, map[string]string{"SOBERANA_ALLOW_SIMULATED_PROVIDERS": "true"}); code != -1 {
		t.Fatalf("serve allowing simulated providers: exit %d, %q; want it up", code, msg)
	}
}

// TestIntegrationServeRefusesSealedAIOProvider is the same refusal with
// a provider registered against the real all-in-one cloud (credentials
// sealed by `soberana provider add`).
func TestIntegrationServeRefusesSealedAIOProvider(t *testing.T) {
	aio := openstacktest.AIO(t)
	clouds, cloud, az := aio.CloudsYAML, aio.Name, aio.AZs[0]
	key := secrets.NewKeyLine("aio")
	t.Setenv("SOBERANA_SECRETS_KEY_FILE", "")
	t.Setenv("SOBERANA_SECRETS_KEY", key)
	dir := newDatabase(t, func(context.Context, *store.Store, *store.Tx) error { return nil })
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	code := cli.RunEnv(ctx, []string{"provider", "add", "--data-dir", dir, "-o", "json", "--driver", "openstack",
		"--clouds-yaml", clouds, "--cloud", cloud, "--name", "AIO sealed", "--jurisdiction", "BR", "--currency", "BRL",
		"--certification", "restricted", "--az", az + "=country:BR,lat:-3.1,lon:-60.0,tier:core,name:AIO"}, &out, &errOut, os.Getenv)
	if code != 0 || !strings.Contains(out.String(), `"sealed": true`) && !strings.Contains(out.String(), `"sealed":true`) {
		t.Fatalf("provider add: exit %d %s %s", code, out.String(), errOut.String())
	}
	t.Setenv("SOBERANA_SECRETS_KEY", "")
	code, msg := serveOnce(t, dir, map[string]string{"LANG": "en"})
	if code <= 0 || !strings.Contains(msg, "encrypted") || !strings.Contains(msg, "SOBERANA_SECRETS_KEY_FILE") {
		t.Fatalf("serve without the key: exit %d, %q", code, msg)
	}
}
