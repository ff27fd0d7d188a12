package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// createKey is the Idempotency-Key of a create, scoped to the caller and
// the collection. The keys live in the table POST /v1/workloads already
// uses (its workload_id column holds the id of whatever was created), so
// no migration is needed.
type createKey struct{ scope, key, hash string }

func idempotencyOf(r *http.Request, collection string, body []byte) (*createKey, error) {
	k := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if k == "" {
		return nil, nil
	}
	if len(k) > 200 {
		return nil, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.idempotency-key")
	}
	p, _ := PrincipalOf(r.Context())
	return &createKey{scope: "create " + collection + " " + p.ActorID(), key: k, hash: workload.HashBody(body)}, nil
}

// replayed returns the id a key already created ("" when the key is new);
// the same key with another body is refused.
func (c *createKey) replayed(ctx context.Context, tx *store.Tx) (string, error) {
	if c == nil {
		return "", nil
	}
	i, err := tx.GetIdempotency(ctx, c.scope, c.key)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if i.RequestHash != c.hash {
		return "", &Error{Status: http.StatusUnprocessableEntity, Slug: "idempotency-mismatch", Key: "problem.idempotency-mismatch.detail"}
	}
	return i.WorkloadID, nil
}

func (c *createKey) remember(ctx context.Context, tx *store.Tx, id string) error {
	if c == nil {
		return nil
	}
	return tx.PutIdempotency(ctx, store.Idempotency{Scope: c.scope, Key: c.key, RequestHash: c.hash, WorkloadID: id})
}
