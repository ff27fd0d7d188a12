package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	cquotas "github.com/gophercloud/gophercloud/v2/openstack/compute/v2/quotasets"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	kube "github.com/soberana/soberana/internal/provider/kubernetes"
	"github.com/soberana/soberana/internal/provider/kubernetes/kubetest"
	"github.com/soberana/soberana/internal/provider/openstack"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// Two soberana installations on one cloud (issue #22, item 2): each with
// its own database and workloads, both sweeping orphans every half second
// with a two-second grace period. Neither loses a resource to the other's
// sweep, and a real orphan of each — a resource carrying its own
// installation id that no placement of its own owns — is still deleted,
// by its own installation only, and audited there.

// sweepFast is the orphan sweep of the two-installation tests.
func sweepFast(c *config.Config) {
	c.Reconcile.OrphanEvery = 500 * time.Millisecond
	c.Reconcile.OrphanGrace = 2 * time.Second
}

// orphanAudits returns the orphan deletions an installation audited.
func orphanAudits(t *testing.T, h *servertest.Harness) []string {
	t.Helper()
	evs, err := h.Server.Store.Read().AuditEvents(context.Background(), store.AuditFilter{Action: "orphan.deleted", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.TargetID)
	}
	return out
}

// osInstallation is one installation with the test cloud as a provider and
// one running workload on it.
type osInstallation struct {
	h         *servertest.Harness
	prv, site string
	ins, prj  string
	wl        osWorkload
	servers   map[string]string // placement → server, once running
	orphan    string            // the server of its real orphan
}

func TestIntegrationTwoInstallationsOpenStack(t *testing.T) {
	cloudsPath, cloud, azs, adm := osTestCloud(t, "two")
	az := azs[0]
	ctx := context.Background()

	start := func(name string) *osInstallation {
		dataDir := t.TempDir()
		h := servertest.Start(t, servertest.Options{DataDir: dataDir, Configure: func(c *config.Config) {
			c.Monitoring = config.Monitoring{}
			c.Ledger.RateEvery = 24 * time.Hour
			sweepFast(c)
		}})
		in := &osInstallation{h: h, servers: map[string]string{}}
		do := adminDo(ctx, t, h, name+": ")
		suffix := strings.ToLower(model.NewID("two")[len("two_")+20:])
		out := osProviderAdd(ctx, t, dataDir, "", cloudsPath, cloud, "AIO "+name+" "+suffix,
			az+"=country:BR,subdivision:BR-AM,lat:-3.119,lon:-60.022,tier:core,failure-domain:aio-"+suffix+",name:AIO Manaus")
		var added struct {
			Provider model.Provider `json:"provider"`
			Sites    []model.Site   `json:"sites"`
		}
		if err := json.Unmarshal(out, &added); err != nil || len(added.Sites) != 1 {
			t.Fatalf("%s: provider add output %q: %v", name, string(out), err)
		}
		in.prv, in.site = added.Provider.ID, added.Sites[0].ID
		tn := osSetUpTenancy(ctx, t, h, adm, osTenancySpec{Provider: in.prv, Institution: "Prefeitura " + name + " " + suffix,
			LineCode: "10.1", LineName: "nuvem", LineAmount: 100 * osMonthlyMinor, Project: "p-" + suffix})
		in.ins, in.prj = tn.ins.ID, tn.prj.ID
		do("POST", "/v1/workloads", map[string]any{"project_id": tn.prj.ID, "offering_id": tn.off.ID, "replicas": 1,
			"classification": "internal",
			"residency":      map[string]any{"countries": []string{"BR"}, "subdivisions": []string{"BR-AM"}}}, &in.wl)
		return in
	}
	a, b := start("A"), start("B")
	if a.h.Server.Installation.ID == b.h.Server.Installation.ID {
		t.Fatalf("both installations have id %s", a.h.Server.Installation.ID)
	}
	for _, in := range []*osInstallation{a, b} {
		in.wl = osWait(t, in.h, in.wl.ID, model.StateRunning, 3*time.Minute)
		for _, p := range in.wl.Placements {
			in.servers[p.ID] = p.ResourceID
		}
	}
	// A real orphan of each: a server made by the installation's own
	// driver for a replica id its database does not have.
	for _, in := range []*osInstallation{a, b} {
		drv, err := in.h.Server.Drivers.Get(model.DriverOpenStack)
		if err != nil {
			t.Fatal(err)
		}
		// The project's quota holds its workload exactly: room for one more.
		for _, id := range in.servers {
			s, err := servers.Get(ctx, adm.compute, id).Extract()
			if err != nil {
				t.Fatal(err)
			}
			inst, cores, ram := 2, 4, 8192
			if _, err := cquotas.Update(ctx, adm.compute, s.TenantID, cquotas.UpdateOpts{Instances: &inst, Cores: &cores, RAM: &ram}).Extract(); err != nil {
				t.Fatalf("raising the quota of %s: %v", s.TenantID, err)
			}
		}
		cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		in.orphan, err = drv.Create(cctx, provider.Spec{ResourceRef: provider.ResourceRef{ProviderID: in.prv, SiteID: in.site,
			WorkloadID: in.wl.ID, ReplicaID: model.NewID("pl")}, VCPUs: 2, MemoryMiB: 4096, DiskGiB: 20})
		cancel()
		if err != nil {
			t.Fatalf("making an orphan: %v", err)
		}
		s, err := servers.Get(ctx, adm.compute, in.orphan).Extract()
		if err != nil || s.Metadata[openstack.MetaInstallation] != in.h.Server.Installation.ID {
			t.Fatalf("orphan %s: metadata %v, %v; want %s=%s", in.orphan, s.Metadata, err, openstack.MetaInstallation, in.h.Server.Installation.ID)
		}
	}
	gone := func(id string) bool {
		s, err := servers.Get(ctx, adm.compute, id).Extract()
		if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			return true
		}
		return err == nil && (s.Status == "DELETED" || s.Status == "SOFT_DELETED" || s.TaskState == "deleting")
	}
	deadline := time.Now().Add(3 * time.Minute)
	for !gone(a.orphan) || !gone(b.orphan) {
		if time.Now().After(deadline) {
			t.Fatalf("orphans not deleted: A's %s gone %v, B's %s gone %v", a.orphan, gone(a.orphan), b.orphan, gone(b.orphan))
		}
		time.Sleep(250 * time.Millisecond)
	}
	// Both sweeps ran past the grace period with the other's servers in
	// view: each workload still has the very server it started with.
	for name, in := range map[string]*osInstallation{"A": a, "B": b} {
		for pl, id := range in.servers {
			s, err := servers.Get(ctx, adm.compute, id).Extract()
			if err != nil || s.Status != "ACTIVE" || s.TaskState == "deleting" || s.Metadata[openstack.MetaReplica] != pl {
				t.Errorf("installation %s lost server %s of replica %s: %+v %v", name, id, pl, s, err)
			}
		}
		w := osWait(t, in.h, in.wl.ID, model.StateRunning, time.Second)
		for _, p := range w.Placements {
			if in.servers[p.ID] != p.ResourceID {
				t.Errorf("installation %s: replica %s now has server %s, had %s", name, p.ID, p.ResourceID, in.servers[p.ID])
			}
		}
	}
	if got := orphanAudits(t, a.h); len(got) != 1 || got[0] != a.prv+"/"+a.orphan {
		t.Errorf("A audited orphan deletions %v, want only %s/%s", got, a.prv, a.orphan)
	}
	if got := orphanAudits(t, b.h); len(got) != 1 || got[0] != b.prv+"/"+b.orphan {
		t.Errorf("B audited orphan deletions %v, want only %s/%s", got, b.prv, b.orphan)
	}
}

// kubeInstallation is one installation with the test clusters as a
// provider and one namespace workload placed on both sites.
type kubeInstallation struct {
	h      *servertest.Harness
	prv    string
	cfg    kube.Config
	pls    []store.PlacementRow
	orphan string // replica id of its real orphan
}

func TestIntegrationTwoInstallationsKubernetes(t *testing.T) {
	fl := kubetest.Clusters(t)
	ctx := kubetest.Ctx(t)
	start := func() *kubeInstallation {
		h := servertest.Start(t, servertest.Options{Configure: sweepFast})
		in := &kubeInstallation{h: h, prv: kubetest.ID("prv"), cfg: fl.Config}
		in.cfg.Sites = append([]kube.SiteMap(nil), fl.Config.Sites...)
		st := h.Server.Store
		err := st.InTx(ctx, func(tx *store.Tx) error {
			projs, err := tx.Projects().All(ctx)
			if err != nil {
				return err
			}
			prj := projs[0]
			off, err := addKubeProvider(ctx, tx, model.Provider{Meta: model.Meta{ID: in.prv}, Name: "k8s " + in.prv,
				Jurisdiction: "MX", Currency: "MXN"}, model.Offering{VCPUs: 1, MemoryMiB: 512, DiskGiB: 1})
			if err != nil {
				return err
			}
			for i := range in.cfg.Sites {
				site := model.Site{Meta: model.Meta{ID: kubetest.ID("site")}, ProviderID: in.prv, Name: fmt.Sprintf("k8s %d", i), Country: "MX",
					Tier: "core", FailureDomain: fmt.Sprintf("fd-%s-%d", in.prv, i), Health: model.HealthHealthy}
				if err := tx.Sites().Create(ctx, &site, "site"); err != nil {
					return err
				}
				in.cfg.Sites[i].SiteID = site.ID
			}
			if _, err := h.Server.KubernetesConfigs().Save(ctx, tx, in.prv, in.cfg); err != nil {
				return err
			}
			wl := model.Workload{ProjectID: prj.ID, InstitutionID: prj.InstitutionID, BudgetLineID: prj.BudgetLineID, WorkloadPolicy: model.WorkloadPolicy{OfferingID: off.ID,
				Replicas: len(in.cfg.Sites), Classification: "internal"}, Currency: "MXN", State: model.StateProvisioning}
			if err := tx.Workloads().Create(ctx, &wl, "wl"); err != nil {
				return err
			}
			now := tx.Now()
			for i, sm := range in.cfg.Sites {
				pl := store.PlacementRow{Placement: model.Placement{WorkloadID: wl.ID, Replica: i, SiteID: sm.SiteID, ProviderID: in.prv,
					State: model.PlacementPending, VCPUs: 1, MemoryMiB: 512, DiskGiB: 1}, NextAttemptAt: &now}
				if err := tx.Placements().Create(ctx, &pl, "plc"); err != nil {
					return err
				}
				in.pls = append(in.pls, pl)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		h.RefreshFleet(t)
		h.Server.Reconciler.Kick()
		return in
	}
	a, b := start(), start()
	all := map[string]string{} // namespace → site of every workload replica
	for _, in := range []*kubeInstallation{a, b} {
		for i, pl := range in.pls {
			c := fl.Clients[fl.Sites[i]]
			ns := kube.NamespaceName(pl.ID)
			all[ns] = fl.Sites[i]
			eventuallyStamped(t, c, ns, in.h.Server.Installation.ID, in.h.Server.Reconciler.Kick)
			t.Cleanup(func() { _ = c.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
		}
		// The real orphan: a namespace made by this installation's driver
		// for a replica id its database does not have.
		drv, err := in.h.Server.Drivers.Get(model.DriverKubernetes)
		if err != nil {
			t.Fatal(err)
		}
		in.orphan = kubetest.ID("pl")
		if _, err := drv.Create(ctx, provider.Spec{ResourceRef: provider.ResourceRef{ProviderID: in.prv, SiteID: in.cfg.Sites[0].SiteID,
			WorkloadID: in.pls[0].WorkloadID, ReplicaID: in.orphan}, VCPUs: 1, MemoryMiB: 512, DiskGiB: 1}); err != nil {
			t.Fatal(err)
		}
		c := fl.Clients[fl.Sites[0]]
		t.Cleanup(func() {
			_ = c.CoreV1().Namespaces().Delete(context.Background(), kube.NamespaceName(in.orphan), metav1.DeleteOptions{})
		})
	}
	// A namespace from before installation ids (its label removed) is
	// stamped again by its own installation's sweep, not deleted.
	old := kube.NamespaceName(a.pls[0].ID)
	c0 := fl.Clients[fl.Sites[0]]
	unlabel := []byte(`{"metadata":{"labels":{"` + kube.LabelInstallation + `":null}}}`)
	if _, err := c0.CoreV1().Namespaces().Patch(ctx, old, types.MergePatchType, unlabel, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	eventuallyStamped(t, c0, old, a.h.Server.Installation.ID, func() {})
	for _, in := range []*kubeInstallation{a, b} {
		ns := kube.NamespaceName(in.orphan)
		kubetest.Eventually(t, 2*time.Minute, func() error {
			got, err := c0.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
			if err == nil && got.DeletionTimestamp == nil {
				return fmt.Errorf("orphan namespace %s still there", ns)
			}
			return nil
		})
	}
	// Both sweeps ran past the grace period with the other's namespaces
	// in view: every workload namespace is still there, not terminating.
	for ns, site := range all {
		got, err := fl.Clients[site].CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		if err != nil || got.DeletionTimestamp != nil {
			t.Errorf("workload namespace %s was deleted: %v", ns, err)
		}
	}
	for name, in := range map[string]*kubeInstallation{"A": a, "B": b} {
		got := orphanAudits(t, in.h)
		if len(got) != 1 || !strings.HasSuffix(got[0], "/"+kube.NamespaceName(in.orphan)) {
			t.Errorf("%s audited orphan deletions %v, want only its namespace %s", name, got, kube.NamespaceName(in.orphan))
		}
	}
}

// eventuallyStamped waits (up to a minute) until namespace ns on c
// carries installation id's label, calling kick before each look.
func eventuallyStamped(t *testing.T, c *kubernetes.Clientset, ns, id string, kick func()) {
	t.Helper()
	kubetest.Eventually(t, time.Minute, func() error {
		kick()
		got, err := c.CoreV1().Namespaces().Get(context.Background(), ns, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if got.Labels[kube.LabelInstallation] != id {
			return fmt.Errorf("namespace %s labels %v, want installation %s", ns, got.Labels, id)
		}
		return nil
	})
}
