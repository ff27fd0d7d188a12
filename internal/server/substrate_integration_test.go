package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/workload"
)

// TestIntegrationNoMixedSimulatedAndReal (issue #22, item 3): the demo
// fleet's cheap simulated Brazilian sites beside the all-in-one cloud as a
// real provider. A 2-replica Brazilian workload goes wholly on the real
// cloud — two ACTIVE servers — although simulated sites cost a fraction;
// the same request with allow_simulated would take the simulated ones,
// so it is the rule, not the price, that keeps them apart.
func TestIntegrationNoMixedSimulatedAndReal(t *testing.T) {
	cloudsPath, cloud, azs, adm := osTestCloud(t, "mix")
	dataDir := t.TempDir()
	h := servertest.Start(t, servertest.Options{DataDir: dataDir, Configure: func(c *config.Config) {
		c.Monitoring = config.Monitoring{}
		c.Ledger.RateEvery = 24 * time.Hour
	}})
	ctx := context.Background()
	do := adminDo(ctx, t, h, "")
	suffix := strings.ToLower(model.NewID("mix")[len("mix_")+20:])
	out := osProviderAdd(ctx, t, dataDir, "", cloudsPath, cloud, "AIO mix "+suffix,
		osManausBelem(azs, "mix-", suffix)...)
	var added struct {
		Provider model.Provider `json:"provider"`
	}
	if err := json.Unmarshal(out, &added); err != nil {
		t.Fatal(err)
	}
	prv := added.Provider.ID
	tn := osSetUpTenancy(ctx, t, h, adm, osTenancySpec{Provider: prv, Institution: "Secretaria mista " + suffix,
		LineCode: "10.2", LineName: "nuvem", LineAmount: 100 * osMonthlyMinor, Project: "mix-" + suffix})
	off, prj := tn.off, tn.prj

	req := workload.CreateRequest{ProjectID: prj.ID, WorkloadPolicy: model.WorkloadPolicy{OfferingID: off.ID, Replicas: 2, Classification: "internal",
		Residency: model.Residency{Countries: []string{"BR"}}, Redundancy: model.Redundancy{MinFailureDomains: 2}}}
	// With consent the simulated sites win on price.
	allowed := req
	allowed.AllowSimulated = true
	pv, err := h.Server.Workloads.Preview(ctx, allowed)
	if err != nil || !pv.Fits {
		t.Fatalf("preview with allow_simulated: %+v %v", pv.NoFit, err)
	}
	sims := 0
	for _, c := range pv.Decision.Choices {
		if p, _ := h.Server.Fleet.Provider(c.ProviderID); p.Simulated {
			sims++
		}
	}
	if sims == 0 {
		t.Fatalf("with allow_simulated no simulated site was chosen (%+v): the test proves nothing", pv.Decision.Choices)
	}

	var wl osWorkload
	do("POST", "/v1/workloads", map[string]any{"project_id": prj.ID, "offering_id": off.ID, "replicas": 2,
		"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}},
		"redundancy": map[string]any{"min_failure_domains": 2}}, &wl)
	for _, p := range wl.Placements {
		if p.ProviderID != prv || p.Simulated {
			t.Fatalf("replica %d placed on %s (simulated %v) beside the real cloud", p.Replica, p.ProviderID, p.Simulated)
		}
	}
	wl = osWait(t, h, wl.ID, model.StateRunning, 3*time.Minute)
	inNova := map[string]bool{}
	for _, s := range adm.serversOf(t, wl.ID) {
		inNova[s.ID] = true
	}
	for _, p := range wl.Placements {
		if p.Simulated || p.ProviderID != prv || !inNova[p.ResourceID] {
			t.Fatalf("running replica %d on %s (simulated %v), server %q in Nova: %v", p.Replica, p.ProviderID, p.Simulated, p.ResourceID, inNova[p.ResourceID])
		}
	}
}
