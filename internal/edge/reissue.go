package edge

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// ReissueResult answers a credential reissue. PrivateKey is the new
// Ed25519 key's seed (base64), shown once and never stored, as at
// import: the site's agent signs its heartbeats with it from now on.
type ReissueResult struct {
	Subcloud   model.Subcloud `json:"subcloud"`
	PrivateKey string         `json:"private_key"`
}

// Reissue gives a subcloud a new heartbeat credential in the caller's
// transaction: a new key pair replaces the old public key (so beats the
// old key signs fail their signature check) and a revocation is lifted —
// a lost or revoked credential no longer means importing the subcloud
// again under another name. The subcloud keeps its id, sites and
// replicas.
func Reissue(ctx context.Context, tx *store.Tx, sc *model.Subcloud) (ReissueResult, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return ReissueResult{}, err
	}
	sc.PublicKey = base64.StdEncoding.EncodeToString(pub)
	sc.RevokedAt = nil
	if err := tx.Subclouds().Update(ctx, sc); err != nil {
		return ReissueResult{}, err
	}
	return ReissueResult{Subcloud: *sc, PrivateKey: base64.StdEncoding.EncodeToString(priv.Seed())}, nil
}
