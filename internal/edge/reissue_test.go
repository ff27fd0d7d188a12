package edge_test

import (
	"context"
	"errors"
	"testing"

	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestReissuedCredential: a subcloud whose credential was revoked gets a
// new one; the tracker hears beats signed with the new key at once — even
// one that has not re-read the credentials since (another replica's:
// the unknown signature makes it read them), its sequence starting over —
// and refuses the old key from then on.
func TestReissuedCredential(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	ctx := context.Background()
	res := imported(t, s, 2)
	a := res.Subclouds[0]
	tr, sk := tracker(t, s)
	beat := func(seq uint64, key string) error {
		t.Helper()
		return handleBeat(t, tr, edge.Heartbeat{Subcloud: a.ID, Seq: seq, SentAt: 1}, key)
	}
	if err := beat(40, a.PrivateKey); err != nil {
		t.Fatalf("old key before the reissue: %v", err)
	}
	if _, err := s.Read().Exec(ctx, "UPDATE subclouds SET revoked_at = 1 WHERE id = ?", a.ID); err != nil {
		t.Fatal(err)
	}
	if err := tr.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	var re *edge.RejectError
	if err := beat(41, a.PrivateKey); !errors.As(err, &re) || re.Reason != edge.RejectRevoked {
		t.Fatalf("revoked key: %v", err)
	}

	var got edge.ReissueResult
	err := s.InTx(ctx, func(tx *store.Tx) error {
		sc, err := tx.Subclouds().Get(ctx, a.ID)
		if err != nil {
			return err
		}
		got, err = edge.Reissue(ctx, tx, &sc)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.PrivateKey == "" || got.PrivateKey == a.PrivateKey || got.Subcloud.PublicKey == a.PublicKey || got.Subcloud.RevokedAt != nil {
		t.Fatalf("reissue %+v", got)
	}
	// No Reload: the new key's first beat makes the tracker read it.
	if err := beat(1, got.PrivateKey); err != nil {
		t.Fatalf("new key: %v", err)
	}
	if err := beat(42, a.PrivateKey); !errors.As(err, &re) || re.Reason != edge.RejectSignature {
		t.Fatalf("old key after the reissue: %v, want %s", err, edge.RejectSignature)
	}
	if err := beat(2, got.PrivateKey); err != nil {
		t.Fatalf("new key, next beat: %v", err)
	}
	tr.Tick(ctx)
	sk.mu.Lock()
	defer sk.mu.Unlock()
	if obs := sk.obs[a.SiteID]; len(obs) != 1 || !obs[0] {
		t.Fatalf("reissued site: %v, want heard", obs)
	}
}
