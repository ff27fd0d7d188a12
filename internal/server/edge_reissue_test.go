package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// TestReissueCredentialRoute: POST …/subclouds/{id}:reissue-credential
// lifts a revocation, stores a new public key, returns its private key
// once and is audited on the subcloud.
func TestReissueCredentialRoute(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	st := h.Server.Store
	p := model.Provider{Name: "Telco Edge", Driver: model.DriverSim, Jurisdiction: "BR", Certification: "public", Currency: "BRL", Kind: model.ProviderKindEdge}
	p.Defaults()
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.Providers().Create(ctx, &p, "prv") }); err != nil {
		t.Fatal(err)
	}
	req := edge.ImportRequest{Groups: []edge.GroupSpec{{Name: "ring-0", Kind: model.GroupRing}}, Subclouds: []edge.Row{{Name: "edge-1", Latitude: -23.5, Longitude: -46.6, Subdivision: "BR-SP",
		Capacity: model.Capacity{VCPUs: 16, MemoryMiB: 65536, DiskGiB: 500}, Group: "ring-0"}}}
	var imp edge.ImportResult
	if _, err := h.Admin.Do(ctx, "POST", "/v1/providers/"+p.ID+"/subclouds:import", req, &imp); err != nil {
		t.Fatal(err)
	}
	sc := imp.Subclouds[0]
	base := "/v1/providers/" + p.ID + "/subclouds/" + sc.ID
	if _, err := h.Admin.Do(ctx, "POST", base+":revoke", nil, nil); err != nil {
		t.Fatal(err)
	}
	var res edge.ReissueResult
	if _, err := h.Admin.Do(ctx, "POST", base+":reissue-credential", nil, &res); err != nil {
		t.Fatal(err)
	}
	if res.PrivateKey == "" || res.PrivateKey == sc.PrivateKey || res.Subcloud.RevokedAt != nil || res.Subcloud.PublicKey == sc.PublicKey {
		t.Fatalf("reissue answered %+v", res)
	}
	stored, err := st.Read().Subclouds().Get(ctx, sc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.PublicKey != res.Subcloud.PublicKey || stored.RevokedAt != nil {
		t.Fatalf("stored %+v", stored)
	}
	evs, err := st.Read().AuditEvents(ctx, store.AuditFilter{TargetID: sc.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range evs {
		if e.TargetKind == "subcloud" && e.Outcome == "success" && e.Action != "" && strings.HasSuffix(e.Action, ":reissue-credential") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no reissue event among %+v", evs)
	}
	// Another provider's path does not reach it.
	if _, err := h.Admin.Do(ctx, "POST", "/v1/providers/prv_nope/subclouds/"+sc.ID+":reissue-credential", nil, nil); err == nil {
		t.Fatal("reissued through another provider's path")
	}
}
