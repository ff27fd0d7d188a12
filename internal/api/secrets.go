package api

import (
	"context"

	"github.com/soberana/soberana/internal/store"
)

// Sealer stores a secret sealed (internal/secrets.Box), in the caller's
// transaction.
type Sealer interface {
	Put(ctx context.Context, tx *store.Tx, ownerKind, ownerID, name string, v []byte) error
}

// SetSealer gives the API the secrets box; f returns nil while no secrets
// key is configured, and routes that would store a secret then answer 503
// secrets-unconfigured rather than keep it in clear text.
func (a *API) SetSealer(f func() Sealer) { a.sealer = f }

func (a *API) secretBox() Sealer {
	if a.sealer == nil {
		return nil
	}
	return a.sealer()
}
