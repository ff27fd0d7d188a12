package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	kube "github.com/soberana/soberana/internal/provider/kubernetes"
	"github.com/soberana/soberana/internal/provider/kubernetes/kubetest"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// TestIntegrationKubernetesDeletedOutside deletes, with the cluster's own
// API, the namespace of one replica of a two-replica namespace workload
// placed through the API on the test clusters. The driver's watch tells
// the resync at once: the replica fails with "deleted outside soberana"
// long before the one-minute resync interval, its usage interval ends at
// the last time it was seen, and a new namespace is made for the replica
// on a site that keeps the workload's constraints (the only one left: the
// other replica holds the other site).
func TestIntegrationKubernetesDeletedOutside(t *testing.T) {
	fl := kubetest.Clusters(t)
	const resync = time.Minute
	h := servertest.Start(t, servertest.Options{Configure: func(c *config.Config) { c.Reconcile.Resync = resync }})
	ctx := kubetest.Ctx(t)
	st := h.Server.Store
	providerID := kubetest.ID("prv")
	cfg := fl.Config
	var projectID, offeringID string
	siteOf := map[string]string{} // site → fleet site (client)
	err := st.InTx(ctx, func(tx *store.Tx) error {
		projs, err := tx.Projects().List(ctx, store.ListOptions{Filters: map[string]string{"name": "prontuario-eletronico"}, Limit: 1})
		if err != nil || len(projs.Items) != 1 {
			return fmt.Errorf("demo project: %v", err)
		}
		projectID = projs.Items[0].ID
		off, err := addKubeProvider(ctx, tx, model.Provider{Meta: model.Meta{ID: providerID}, Name: "k8s drift " + providerID,
			Jurisdiction: "BR", Currency: "BRL"}, model.Offering{VCPUs: 1, MemoryMiB: 1024, DiskGiB: 1})
		if err != nil {
			return err
		}
		offeringID = off.ID
		pr := model.Price{ProviderID: providerID, OfferingID: off.ID, Currency: "BRL", PerHour: "0.01", ValidFrom: "2020-01-01"}
		if err := tx.Prices().Create(ctx, &pr, "prc"); err != nil {
			return err
		}
		for i := range cfg.Sites {
			site := model.Site{Meta: model.Meta{ID: kubetest.ID("site")}, ProviderID: providerID, Name: fmt.Sprintf("k8s drift %d", i),
				Country: "BR", Subdivision: "BR-AC", Latitude: -9.97, Longitude: -67.81, Tier: "core", FailureDomain: fmt.Sprintf("fd-%s-%d", providerID, i),
				Health: model.HealthHealthy, Capacity: model.Capacity{VCPUs: 64, MemoryMiB: 1 << 17, DiskGiB: 1000}}
			if err := tx.Sites().Create(ctx, &site, "site"); err != nil {
				return err
			}
			siteOf[site.ID] = fl.Sites[i]
			cfg.Sites[i].SiteID = site.ID
		}
		_, err = h.Server.KubernetesConfigs().Save(ctx, tx, providerID, cfg)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	h.RefreshFleet(t)
	var wl osWorkload
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", map[string]any{"project_id": projectID, "offering_id": offeringID, "replicas": 2,
		"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}, "subdivisions": []string{"BR-AC"}},
		"redundancy": map[string]any{"min_failure_domains": 2}}, &wl); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var w osWorkload
		if _, err := h.Admin.Do(context.Background(), "GET", "/v1/workloads/"+wl.ID, nil, &w); err != nil {
			return
		}
		for _, p := range w.Placements {
			if c := fl.Clients[siteOf[p.SiteID]]; c != nil {
				_ = c.CoreV1().Namespaces().Delete(context.Background(), kube.NamespaceName(p.ID), metav1.DeleteOptions{})
			}
		}
	})
	wl = osWait(t, h, wl.ID, model.StateRunning, 2*time.Minute)
	old := wl.Placements[0].Placement
	client := fl.Clients[siteOf[old.SiteID]]
	if client == nil {
		t.Fatalf("placement %+v is not on a test cluster", old)
	}
	// Seen by the resync once (its first list comes within the interval).
	opstest.Seen(t, st, old.ID, resync+30*time.Second)

	// kubectl delete namespace, behind soberana's back.
	tDelete := time.Now()
	if err := client.CoreV1().Namespaces().Delete(ctx, kube.NamespaceName(old.ID), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	var drift model.Drift
	kubetest.Eventually(t, resync, func() error {
		ds, err := st.Read().DriftsOf(ctx, wl.ID)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			return fmt.Errorf("namespace deletion not detected yet")
		}
		drift = ds[0]
		return nil
	})
	took := drift.DetectedAt.Sub(tDelete)
	t.Logf("namespace deletion detected after %s (resync interval %s)", took.Round(time.Millisecond), resync)
	if drift.PlacementID != old.ID || drift.Kind != model.DriftDeleted || drift.Action != model.DriftRecreated {
		t.Fatalf("drift %+v", drift)
	}

	// The replica is made again, on the site left free, and runs.
	wl = osWait(t, h, wl.ID, model.StateRunning, 2*time.Minute)
	var fresh *model.Placement
	for i := range wl.Placements {
		p := &wl.Placements[i].Placement
		switch {
		case p.ID == old.ID:
			if p.State != model.PlacementFailed {
				t.Fatalf("old replica %+v: want failed", p)
			}
		case p.Replica == old.Replica && p.State == model.PlacementRunning:
			fresh = p
		}
	}
	if fresh == nil || fresh.SiteID != old.SiteID {
		t.Fatalf("replica %d not recreated on site %s: %+v", old.Replica, old.SiteID, wl.Placements)
	}
	if _, err := client.CoreV1().ResourceQuotas(kube.NamespaceName(fresh.ID)).Get(ctx, "soberana-quota", metav1.GetOptions{}); err != nil {
		t.Fatalf("the recreated replica's namespace: %v", err)
	}
	seen, err := st.Read().LastSeen(ctx, old.ID)
	if err != nil || seen == nil || seen.After(tDelete) {
		t.Fatalf("last seen %v after the deletion at %s: %v", seen, tDelete, err)
	}
	ivs, err := st.Read().WorkloadIntervals(ctx, wl.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, iv := range ivs {
		if iv.PlacementID == old.ID && (iv.End == nil || !iv.End.Equal(seen.UTC().Truncate(time.Second))) {
			t.Fatalf("old replica's interval %+v: want it ended at %s", iv, seen.Truncate(time.Second))
		}
	}
}
