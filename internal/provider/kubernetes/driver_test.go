package kubernetes

import (
	"errors"
	"strings"
	"testing"
	"testing/quick"
)

// FakeKubeconfig is a valid kubeconfig of one cluster and one token user,
// for the tests of this package and of kubernetes_test (exported from a
// test file, so only tests see it). Its token, very-secret-token, is what
// TestConfigSealedAtRest looks for in the database.
const FakeKubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: u, user: {token: very-secret-token}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	good := Config{Clusters: []Cluster{{Name: "a", Kubeconfig: FakeKubeconfig}}, Sites: []SiteMap{{SiteID: "site_1", Cluster: "a"}}}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	if good.Roles["developer"] != "edit" || good.Roles["viewer"] != "view" || good.UserPrefix != "soberana:" {
		t.Fatalf("defaults: %+v", good)
	}
	for name, c := range map[string]Config{
		"no clusters":     {},
		"bad kubeconfig":  {Clusters: []Cluster{{Name: "a", Kubeconfig: "{{{"}}},
		"unknown cluster": {Clusters: []Cluster{{Name: "a", Kubeconfig: FakeKubeconfig}}, Sites: []SiteMap{{SiteID: "s", Cluster: "b"}}},
		"site twice": {Clusters: []Cluster{{Name: "a", Kubeconfig: FakeKubeconfig}},
			Sites: []SiteMap{{SiteID: "s", Cluster: "a"}, {SiteID: "s", Cluster: "a", Zone: "z"}}},
		"cluster twice": {Clusters: []Cluster{{Name: "a", Kubeconfig: FakeKubeconfig}, {Name: "a", Kubeconfig: FakeKubeconfig}}},
	} {
		if err := c.Validate(); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: %v, want ErrInvalidConfig", name, err)
		}
	}
}

func TestNamespaceNameIsADNSLabel(t *testing.T) {
	t.Parallel()
	if got := NamespaceName("plc_01JABCDEF"); got != "sbr-plc-01jabcdef" {
		t.Fatalf("got %q", got)
	}
	f := func(s string) bool {
		n := NamespaceName(s)
		return len(n) <= 63 && dnsLabel.MatchString(n) && strings.HasPrefix(n, "sbr")
	}
	if err := quick.Check(f, nil); err != nil {
		t.Fatal(err)
	}
}

func TestSizeFor(t *testing.T) {
	t.Parallel()
	s := SizeFor(2, 4096, 20)
	if s.CPU.String() != "2" || s.Memory.String() != "4Gi" || s.Storage.String() != "20Gi" || s.Pods != 20 {
		t.Fatalf("%+v", s)
	}
	if s.DefaultCPU.String() != "200m" || s.RequestCPU.String() != "50m" {
		t.Fatalf("defaults %s %s", s.DefaultCPU.String(), s.RequestCPU.String())
	}
	if z := SizeFor(0, 0, 0); z.CPU.String() != "1" || z.Pods != 10 {
		t.Fatalf("zero sizing %+v", z)
	}
}
