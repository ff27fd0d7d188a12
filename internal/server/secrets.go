package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/openstack"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
)

// SecretsKeyFileName is the keyring `up` keeps in its data directory
// (0600), used when neither SOBERANA_SECRETS_KEY_FILE nor
// SOBERANA_SECRETS_KEY is set.
const SecretsKeyFileName = "secrets.key"

// EnsureSecretsKey creates <dataDir>/secrets.key with a fresh key, readable
// by its owner only, unless it exists. It reports the path and whether it
// created the file. `up` calls it so that the demo never stores a secret
// in clear text; `serve` never does (production keys are the operator's).
func EnsureSecretsKey(dataDir string) (string, bool, error) {
	path := filepath.Join(dataDir, SecretsKeyFileName)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return path, false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return path, false, nil
	}
	if err != nil {
		return path, false, fmt.Errorf("creating the secrets key: %w", err)
	}
	line := "# soberana secrets keyring: id:base64key lines with the primary first; made by soberana up\n" +
		secrets.NewKeyLine("local1") + "\n"
	if _, err := f.WriteString(line); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return path, false, fmt.Errorf("writing the secrets key: %w", err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(path)
		return path, false, err
	}
	return path, true, nil
}

// loadKeyring reads the secrets keyring: SOBERANA_SECRETS_KEY_FILE, else
// SOBERANA_SECRETS_KEY, else <data_dir>/secrets.key when it exists; it
// says where it came from. secrets.ErrNoKey: none is configured.
func (s *Server) loadKeyring() (*secrets.Keyring, string, error) {
	kr, err := secrets.Load(os.Getenv, EnvSecretsKeyFile, EnvSecretsKey)
	switch {
	case err == nil:
		from := EnvSecretsKey
		if os.Getenv(EnvSecretsKeyFile) != "" {
			from = os.Getenv(EnvSecretsKeyFile)
		}
		return kr, from, nil
	case !errors.Is(err, secrets.ErrNoKey):
		return nil, "", err
	}
	if s.cfg.DataDir == "" {
		return nil, "", secrets.ErrNoKey
	}
	path := filepath.Join(s.cfg.DataDir, SecretsKeyFileName)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", secrets.ErrNoKey
	}
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", path, err)
	}
	if strings.TrimSpace(string(b)) == "" {
		return nil, "", fmt.Errorf("%s is empty: delete it or put id:base64key lines in it", path)
	}
	kr, err = secrets.ParseKeyring(string(b))
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return kr, path, nil
}

// secretBox is the driver registry's view of the secrets box.
func (s *Server) secretBox() provider.SecretBox {
	if b := s.Secrets(); b != nil {
		return b
	}
	return nil
}

// sealClearSecrets seals, with the key now configured, every secret an
// earlier start stored in clear text without one.
func (s *Server) sealClearSecrets(ctx context.Context) error {
	if s.identity.secrets == nil || s.deploy.svc == nil || s.Ops == nil || s.Ops.Alerts == nil {
		return nil
	}
	n, err := s.deploy.svc.SealClearSecrets(ctx)
	if err != nil {
		return fmt.Errorf("sealing webhook secrets kept in clear text: %w", err)
	}
	if n > 0 {
		s.log.Info("sealed webhook secrets that were kept in clear text", "count", n)
	}
	n, err = s.Ops.Alerts.SealClearSecrets(ctx)
	if err != nil {
		return fmt.Errorf("sealing alert webhook secrets kept in clear text: %w", err)
	}
	if n > 0 {
		s.log.Info("sealed alert webhook secrets that were kept in clear text", "count", n)
	}
	return s.sealClearProviderConfigs(ctx)
}

// sealClearProviderConfigs seals the OpenStack and Kubernetes configs
// (the clouds' credentials) that were saved in clear text without a key.
func (s *Server) sealClearProviderConfigs(ctx context.Context) error {
	provs, err := s.Store.Read().Providers().All(ctx)
	if err != nil {
		return err
	}
	osc := openstack.StoreConfigs{St: s.Store, Box: func() openstack.Box {
		if b := s.Secrets(); b != nil {
			return b
		}
		return nil
	}}
	kube := s.KubernetesConfigs()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, p := range provs {
			var sealed bool
			var err error
			switch p.Driver {
			case model.DriverOpenStack:
				sealed, err = osc.SealClear(ctx, tx, p.ID)
			case model.DriverKubernetes:
				sealed, err = kube.SealClear(ctx, tx, p.ID)
			}
			if err != nil {
				return fmt.Errorf("sealing the config of provider %s: %w", p.ID, err)
			}
			if sealed {
				s.log.Info("sealed a provider config that was kept in clear text", "provider", p.ID)
			}
		}
		return nil
	})
}
