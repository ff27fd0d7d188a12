package server_test

import (
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

// A price posted through the API is in this replica's placement engine
// when POST /v1/prices returns, on both stores: a preview right after sees
// it (on PostgreSQL the others hear of it by NOTIFY; TestReplicas).
func TestPricePreviewRightAfterPost(t *testing.T) {
	t.Parallel()
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h := servertest.Start(t, servertest.Options{Postgres: pg})
		openMarket(t, h)
		off, prov := newUnpricedOffering(t, h, "SCS-1V-1-12")
		if replicaPreview(t, h, off) {
			t.Fatal("an offering without prices previewed as feasible")
		}
		postPrice(t, h, prov, off)
		if !replicaPreview(t, h, off) {
			t.Fatal("a preview right after POST /v1/prices did not see the price")
		}
	})
}
