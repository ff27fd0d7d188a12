package server

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// The settings row a provider's driver keeps its config in, and the value
// it holds when the config is sealed in the secrets table (see the
// openstack and kubernetes drivers' StoreConfigs).
const sealedConfig = "sealed:secrets"

func configKey(p model.Provider) string { return "provider/" + p.Driver + "/" + p.ID }

// ErrRefusedStart: serve found something it must not run with; the error
// is a *StartError naming the fix in the reader's language.
var ErrRefusedStart = errors.New("server: refusing to start")

// StartError is why serve refuses to start, with its fix.
type StartError struct {
	Key  string
	Args []any
}

func (e *StartError) Error() string { return e.Localize(i18n.EN) }

// Unwrap makes errors.Is(err, ErrRefusedStart) true.
func (e *StartError) Unwrap() error { return ErrRefusedStart }

// Localize renders the refusal in lang.
func (e *StartError) Localize(lang i18n.Lang) string { return i18n.T(lang, e.Key, e.Args...) }

// SealedProviders lists the providers whose driver config is sealed in the
// secrets table (so that only the secrets key opens it).
func SealedProviders(ctx context.Context, st *store.Store) ([]string, error) {
	tx := st.Read()
	ps, err := tx.Providers().All(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range ps {
		v, ok, err := tx.Setting(ctx, configKey(p))
		if err != nil {
			return nil, err
		}
		if ok && v == sealedConfig {
			out = append(out, p.ID)
		}
	}
	sort.Strings(out)
	return out, nil
}

// CheckSealedConfigs refuses to serve when providers' configs are sealed
// and no secrets key is configured: every call to those clouds would fail,
// and the fix is the key, not a degraded provider. Kept apart from the
// secrets setup so that how the key is loaded can change on its own.
func (s *Server) CheckSealedConfigs(ctx context.Context) error {
	if s.Secrets() != nil {
		return nil
	}
	sealed, err := SealedProviders(ctx, s.Store)
	if err != nil || len(sealed) == 0 {
		return err
	}
	return &StartError{Key: "server.start.sealed_without_key", Args: []any{strings.Join(sealed, ", "), EnvSecretsKeyFile, EnvSecretsKey}}
}

// CheckSimulatedProviders refuses to serve with simulated providers unless
// the configuration allows them (a demonstration): in production a
// replica on a simulated site is a replica that does not exist.
func (s *Server) CheckSimulatedProviders(ctx context.Context, allowed bool) error {
	if allowed {
		return nil
	}
	ps, err := s.Store.Read().Providers().All(ctx)
	if err != nil {
		return err
	}
	var sim []string
	for _, p := range ps {
		if p.Simulated || p.Driver == model.DriverSim {
			sim = append(sim, p.ID)
		}
	}
	if len(sim) == 0 {
		return nil
	}
	sort.Strings(sim)
	if len(sim) > 5 {
		sim = append(sim[:5], "…")
	}
	return &StartError{Key: "server.start.simulated_providers", Args: []any{strings.Join(sim, ", ")}}
}
