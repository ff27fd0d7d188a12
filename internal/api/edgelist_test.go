package api_test

import (
	"fmt"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestEdgeListsOfProvider lists an edge provider's groups and subclouds
// (with their sites), and answers 404 for a provider that does not exist.
func TestEdgeListsOfProvider(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	var p model.Provider
	body := map[string]any{"name": "Telco Edge", "driver": model.DriverSim, "jurisdiction": "BR", "certification": "public",
		"currency": "BRL", "kind": model.ProviderKindEdge}
	if _, err := h.Admin.Do(ctx(), "POST", "/v1/providers", body, &p); err != nil {
		t.Fatal(err)
	}
	req := map[string]any{
		"groups": []map[string]any{{"name": "ring-0", "kind": model.GroupRing}},
		"subclouds": []map[string]any{{"name": "edge-1", "latitude": -23.5, "longitude": -46.6, "subdivision": "BR-SP",
			"capacity": map[string]any{"vcpus": 16, "memory_mib": 65536, "disk_gib": 500}, "endpoint": "https://sc1.example.net:6443", "group": "ring-0"}},
	}
	if _, err := h.Admin.Do(ctx(), "POST", "/v1/providers/"+p.ID+"/subclouds:import", req, nil); err != nil {
		t.Fatal(err)
	}
	var groups struct{ Items []model.EdgeGroup }
	if _, err := h.Admin.Do(ctx(), "GET", "/v1/providers/"+p.ID+"/edge-groups?name=ring-0", nil, &groups); err != nil || len(groups.Items) != 1 {
		t.Fatalf("groups: %+v %v", groups, err)
	}
	var subs struct{ Items []model.Subcloud }
	if _, err := h.Admin.Do(ctx(), "GET", "/v1/providers/"+p.ID+"/subclouds", nil, &subs); err != nil || len(subs.Items) != 1 {
		t.Fatalf("subclouds: %+v %v", subs, err)
	}
	if got := fmt.Sprint(subs.Items[0].Name); got != "edge-1" {
		t.Fatalf("subcloud %q", got)
	}
	if _, err := h.Admin.Do(ctx(), "GET", "/v1/providers/prv_nope/subclouds", nil, nil); err == nil {
		t.Fatal("a missing provider's subclouds answered")
	}
}
