package deploy

import (
	"fmt"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider/kubernetes/kubetest"
	"github.com/soberana/soberana/internal/store"
)

// TestIntegrationWavesOverTwoSubclouds: the two real kube-apiservers as
// two subclouds of one edge group (skipped, with the reason, when the test
// clusters are not up: kubetest.Clusters). A release to the group in waves
// of one (a canary wave of one, then one) reaches both; the next, failing
// on the second subcloud with a threshold of 0, stops in wave 2 and both
// go back to the first.
func TestIntegrationWavesOverTwoSubclouds(t *testing.T) {
	e := newEnv(t)
	ctx := kubetest.Ctx(t)
	var g model.EdgeGroup
	err := e.st.InTx(ctx, func(tx *store.Tx) error {
		g = model.EdgeGroup{ProviderID: e.fleet.ProviderID, Name: "anillo-1", Kind: "rollout"}
		if err := tx.EdgeGroups().Create(ctx, &g, "egr"); err != nil {
			return err
		}
		var pairs [][2]string
		for i, site := range e.fleet.Sites {
			sc := model.Subcloud{ProviderID: e.fleet.ProviderID, GroupID: g.ID, Name: fmt.Sprintf("subcloud-%d", i), PublicKey: "-"}
			if err := tx.Subclouds().Create(ctx, &sc, "sbc"); err != nil {
				return err
			}
			pairs = append(pairs, [2]string{site, sc.ID})
		}
		return tx.LinkSubcloudSites(ctx, pairs)
	})
	if err != nil {
		t.Fatal(err)
	}
	r := e.rollouts("w1")
	zero := 0.0
	strat := StrategyRequest{Group: "anillo-1", MaxParallel: 1, Canary: 1, FailureThreshold: &zero}
	rel, err := e.svc.CreateRelease(ctx, "usr_test", SourceAPI, e.app.ID, ReleaseRequest{Image: "v1", StrategyRequest: strat})
	if err != nil {
		t.Fatal(err)
	}
	v1 := e.finish(t, ctx, r, rel.ID)
	if p := ProgressOf(v1); v1.State != model.ReleaseSucceeded || p.WavesDone != 2 || p.SitesOK != 2 {
		t.Fatalf("v1: %s %s %+v", v1.State, Render("en", v1.Reason), p)
	}
	e.runs(t, ctx, v1)

	e.k.setFail(e.fleet.Sites[1], true)
	rel, err = e.svc.CreateRelease(ctx, "usr_test", SourceAPI, e.app.ID, ReleaseRequest{Image: "v2", StrategyRequest: strat})
	if err != nil {
		t.Fatal(err)
	}
	v2 := e.finish(t, ctx, r, rel.ID)
	if p := ProgressOf(v2); v2.State != model.ReleaseFailed || p.SitesFailed != 1 || p.SitesRolledBack != 2 || v2.Strategy.Wave != 1 {
		t.Fatalf("v2: %s %s %+v", v2.State, Render("en", v2.Reason), p)
	}
	e.k.setFail(e.fleet.Sites[1], false)
	e.runs(t, ctx, v1)
}
