package openstack

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

func testConfig() Config {
	return Config{Clouds: []Cloud{{Name: "c", AuthURL: "https://keystone.example/v3", Username: "u", Password: "s3cret-pass"}},
		Sites: []SiteMap{{SiteID: "site-1", Cloud: "c", AZ: "az-1"}}}
}

func TestConfigSealedWithSecretsKey(t *testing.T) {
	t.Setenv(envSecretsKeyFile, "")
	t.Setenv(envSecretsKey, secrets.NewKeyLine("k1"))
	st := storetest.SQLite(t)
	ctx := context.Background()
	cfgs := StoreConfigs{St: st}
	var sealed bool
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		sealed, err = cfgs.Save(ctx, tx, "prv-1", testConfig())
		return err
	}); err != nil || !sealed {
		t.Fatalf("Save: sealed=%v %v", sealed, err)
	}
	row, _, err := st.Read().Setting(ctx, configs.Key("prv-1"))
	if err != nil || row != provider.SealedMarker || strings.Contains(row, "s3cret") {
		t.Fatalf("settings row %q %v", row, err)
	}
	got, err := cfgs.Config(ctx, "prv-1")
	if err != nil || got.Clouds[0].Password != "s3cret-pass" {
		t.Fatalf("Config = %+v, %v", got, err)
	}
	t.Setenv(envSecretsKey, "")
	if _, err := cfgs.Config(ctx, "prv-1"); !errors.Is(err, ErrNoSecretsKey) {
		t.Fatalf("without the key: %v", err)
	}
}

func TestConfigClearWithoutKey(t *testing.T) {
	t.Setenv(envSecretsKeyFile, "")
	t.Setenv(envSecretsKey, "")
	st := storetest.SQLite(t)
	ctx := context.Background()
	cfgs := StoreConfigs{St: st}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		sealed, err := cfgs.Save(ctx, tx, "prv-1", testConfig())
		if sealed {
			t.Error("sealed without a key")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := cfgs.Config(ctx, "prv-1"); err != nil || got.Sites[0].AZ != "az-1" {
		t.Fatalf("Config = %+v, %v", got, err)
	}
	var e *Error
	if _, err := cfgs.Config(ctx, "nope"); !errors.As(err, &e) || e.Reason != ReasonNoConfig {
		t.Fatalf("missing config: %v", err)
	}
}
