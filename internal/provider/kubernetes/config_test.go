package kubernetes_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	kube "github.com/soberana/soberana/internal/provider/kubernetes"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// The kubeconfigs are sealed at rest when a secrets key is configured:
// the settings row only says so, the secrets row holds no plaintext.
func TestConfigSealedAtRest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	kr, err := secrets.ParseKeyring(secrets.NewKeyLine("k1"))
	if err != nil {
		t.Fatal(err)
	}
	box := secrets.NewBox(st, kr)
	sealed := kube.StoreConfigs{St: st, Box: func() kube.Box { return box }}
	cfg := kube.Config{Clusters: []kube.Cluster{{Name: "a", Kubeconfig: kube.FakeKubeconfig}}, Sites: []kube.SiteMap{{SiteID: "site_1", Cluster: "a"}}}
	var wasSealed bool
	if err := st.InTx(ctx, func(tx *store.Tx) (err error) { wasSealed, err = sealed.Save(ctx, tx, "prv_1", cfg); return err }); err != nil || !wasSealed {
		t.Fatalf("save with a key: sealed %v, %v", wasSealed, err)
	}
	v, _, err := st.Read().Setting(ctx, "provider/kubernetes/prv_1")
	if err != nil || strings.Contains(v, "very-secret-token") {
		t.Fatalf("settings row holds the kubeconfig: %q %v", v, err)
	}
	var leaked int
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM secrets WHERE ciphertext LIKE '%very-secret-token%'`).Scan(&leaked); err != nil || leaked != 0 {
		t.Fatalf("plaintext in the secrets table: %d %v", leaked, err)
	}
	got, err := sealed.Config(ctx, "prv_1")
	if err != nil || got.Clusters[0].Kubeconfig != kube.FakeKubeconfig {
		t.Fatalf("read back: %v", err)
	}
	if _, err := (kube.StoreConfigs{St: st}).Config(ctx, "prv_1"); !errors.Is(err, kube.ErrNoSecretsKey) {
		t.Fatalf("without a key: %v", err)
	}
	// Without a key the config is kept (and read) in clear text.
	plain := kube.StoreConfigs{St: st}
	if err := st.InTx(ctx, func(tx *store.Tx) (err error) { wasSealed, err = plain.Save(ctx, tx, "prv_2", cfg); return err }); err != nil || wasSealed {
		t.Fatalf("save without a key: sealed %v, %v", wasSealed, err)
	}
	if got, err := plain.Config(ctx, "prv_2"); err != nil || got.Sites[0].SiteID != "site_1" {
		t.Fatalf("clear text: %v", err)
	}
	if _, err := plain.Config(ctx, "prv_none"); !errors.Is(err, kube.ErrNoConfig) {
		t.Fatalf("no config: %v", err)
	}
}
