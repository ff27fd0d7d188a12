// Package kubetest gives integration tests the real clusters that
// scripts/k8s-start.sh runs: SOBERANA_TEST_KUBECONFIG names their admin
// kubeconfigs (colon-separated). Tests skip with a clear message when it
// is unset.
package kubetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/soberana/soberana/internal/model"
	kube "github.com/soberana/soberana/internal/provider/kubernetes"
)

// Env is the variable naming the test clusters' kubeconfigs.
const Env = "SOBERANA_TEST_KUBECONFIG"

// Fleet is a provider with two sites on the test clusters: one cluster per
// site when two kubeconfigs are given, else two zones of one cluster.
type Fleet struct {
	ProviderID string
	Sites      []string // site ids, in rollout order
	Config     kube.Config
	Clients    map[string]*kubernetes.Clientset // by site id
}

// Clusters returns the test fleet, or skips the test.
func Clusters(t testing.TB) Fleet {
	t.Helper()
	v := os.Getenv(Env)
	if v == "" {
		t.Skipf("%s is not set: start the test clusters with scripts/k8s-start.sh and `source /dev/shm/soberana-k8s/env` to run this integration test against a real kube-apiserver", Env)
	}
	paths := filepath.SplitList(v)
	f := Fleet{ProviderID: "prv_k8s_test", Clients: map[string]*kubernetes.Clientset{}}
	for i, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v", Env, err)
		}
		f.Config.Clusters = append(f.Config.Clusters, kube.Cluster{Name: fmt.Sprintf("c%d", i), Kubeconfig: string(b)})
	}
	for i := range 2 {
		sm := kube.SiteMap{SiteID: fmt.Sprintf("site_k8s_%c", 'a'+i), Cluster: f.Config.Clusters[min(i, len(paths)-1)].Name}
		if len(paths) == 1 {
			sm.Zone = fmt.Sprintf("zone-%c", 'a'+i)
		}
		f.Config.Sites = append(f.Config.Sites, sm)
		f.Sites = append(f.Sites, sm.SiteID)
	}
	if err := f.Config.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, sm := range f.Config.Sites {
		for _, cl := range f.Config.Clusters {
			if cl.Name != sm.Cluster {
				continue
			}
			rc, err := kube.RESTConfig(cl)
			if err != nil {
				t.Fatal(err)
			}
			f.Clients[sm.SiteID] = kubernetes.NewForConfigOrDie(rc)
		}
	}
	return f
}

// Configs returns the fleet's config source.
func (f Fleet) Configs() kube.MemConfigs { return kube.MemConfigs{f.ProviderID: f.Config} }

// Eventually polls cond every 50 ms until it returns nil or the deadline passes.
func Eventually(t testing.TB, within time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %v", within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ID returns a fresh id with prefix, unique across runs against the same clusters.
func ID(prefix string) string { return strings.ToLower(model.NewID(prefix)) }

// Ctx returns a context that ends with the test.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
